package survival

import (
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// howDied reads how lines died from the walk's death record.
func howDied(d linemap.Death) (deathKind, provenance.Origin) {
	return kindDeleted, ""
}
