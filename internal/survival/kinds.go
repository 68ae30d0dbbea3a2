package survival

import (
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// howDied reads how lines died from the walk's death record.
func howDied(d linemap.Death) (deathKind, provenance.Origin) {
	if d.Kind == linemap.DeathModified {
		return kindModified, d.By.Origin
	}
	return kindDeleted, ""
}

// Move counts lines a commit moved (the walk's OnMove, with moves traced):
// not deaths.
func (c *Collector) Move(d linemap.Death) {
	if !c.counted(d.Birth.Commit) {
		return
	}
	if f := c.fateLog(); f != nil {
		f.moved[f.cohortOf(d.Birth)] += d.Lines
	}
}
