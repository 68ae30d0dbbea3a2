package capture

import (
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Note builds the note that gives every line a commit added the
// attribution a.
func Note(added Added, a provenance.Attribution) provenance.Note {
	b := provenance.NewBuilder(added.Commit, a)
	for path, lines := range added.Files {
		for _, r := range lines.Ranges() {
			b.Add(path, r.Start, r.End, a)
		}
	}
	if added.Partial {
		b.SetPartial()
	}
	return b.Note()
}
