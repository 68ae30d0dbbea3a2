package capture

import (
	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Note builds the note that gives every line a commit added the
// attribution a.
func Note(add added.Lines, a provenance.Attribution) provenance.Note {
	b := provenance.NewBuilder(add.Commit, a)
	for path, lines := range add.Files {
		for _, r := range lines.Ranges() {
			b.Add(path, r.Start, r.End, a)
		}
	}
	if add.Partial {
		b.SetPartial()
	}
	return b.Note()
}
