package capture

import (
	"sort"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// FileView is one file's added lines grouped into runs of one attribution.
type FileView struct {
	Path  string
	Spans []provenance.Span
}

// View lays a commit's provenance over the lines it added, file by file
// in path order, merging neighbouring lines with the same attribution.
func View(add added.Lines, pc provenance.Commit) []FileView {
	paths := make([]string, 0, len(add.Files))
	for p := range add.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	views := make([]FileView, 0, len(paths))
	for _, p := range paths {
		v := FileView{Path: p}
		for _, r := range add.Files[p].Ranges() {
			for n := r.Start; n <= r.End; n++ {
				a := pc.At(p, n)
				if k := len(v.Spans) - 1; k >= 0 && v.Spans[k].End == n-1 && v.Spans[k].Attribution == a {
					v.Spans[k].End = n
					continue
				}
				v.Spans = append(v.Spans, provenance.Span{Range: provenance.Range{Start: n, End: n}, Attribution: a})
			}
		}
		views = append(views, v)
	}
	return views
}

// Count adds up the lines of each origin in views.
func Count(views []FileView) map[provenance.Origin]int {
	c := map[provenance.Origin]int{}
	for _, v := range views {
		for _, s := range v.Spans {
			c[s.Origin] += s.Len()
		}
	}
	return c
}
