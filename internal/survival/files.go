package survival

import (
	"cmp"
	"slices"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// FileRow is the AI lines added to one path (by the path they were added
// at) and how many of them survive at the end.
type FileRow struct {
	Path         string   `json:"path"`
	Added        int      `json:"added"`
	Surviving    int      `json:"surviving"`
	SurvivalRate *float64 `json:"survival_rate"`
}

// fileBirth counts an AI birth for the per-file figures.
func (c *Collector) fileBirth(b *linemap.Birth) {
	if !c.Files || b.Attribution.Origin != provenance.AI {
		return
	}
	c.fileRow(b.Path).Added += b.Lines
}

// fileLines counts n AI lines of b as added (with a Filter: once they end).
func (c *Collector) fileLines(b *linemap.Birth, n int) {
	if c.Files && b.Attribution.Origin == provenance.AI {
		c.fileRow(b.Path).Added += n
	}
}

// fileSurvivors counts n surviving lines of birth b.
func (c *Collector) fileSurvivors(b *linemap.Birth, n int) {
	if c.Files && b.Attribution.Origin == provenance.AI {
		c.fileRow(b.Path).Surviving += n
	}
}

func (c *Collector) fileRow(path string) *FileRow {
	if c.files == nil {
		c.files = map[string]*FileRow{}
	}
	r := c.files[path]
	if r == nil {
		r = &FileRow{Path: path}
		c.files[path] = r
	}
	return r
}

// byFile lists the per-file rows, lowest AI survival first.
func (c *Collector) byFile() []FileRow {
	if !c.Files {
		return nil
	}
	rows := make([]FileRow, 0, len(c.files))
	for _, r := range c.files {
		row := *r
		row.SurvivalRate = ratio(row.Surviving, row.Added)
		rows = append(rows, row)
	}
	rate := func(r FileRow) float64 {
		if r.SurvivalRate == nil {
			return 0
		}
		return *r.SurvivalRate
	}
	slices.SortFunc(rows, func(a, b FileRow) int {
		return cmp.Or(cmp.Compare(rate(a), rate(b)), cmp.Compare(b.Added, a.Added), cmp.Compare(a.Path, b.Path))
	})
	return rows
}
