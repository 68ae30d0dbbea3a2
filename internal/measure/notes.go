package measure

import (
	"fmt"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

// Notes say what the figures of rep rest on when that is not obvious, and
// what .gitattributes left out (g, as Options.OnGenerated gave it).
func Notes(rep *survival.Report, g Generated) []string {
	var notes []string
	if rep.Commits.Total > 0 && rep.Commits.WithNotes == 0 && rep.Commits.GitAI == 0 {
		notes = append(notes, "no commit in the range has a note: figures come from commit evidence only (run 'git ai-survival install' to tag new commits)")
	}
	if g.Files > 0 {
		notes = append(notes, g.Note())
	}
	return notes
}

// Note says what .gitattributes left out.
func (g Generated) Note() string {
	files := "files"
	if g.Files == 1 {
		files = "file"
	}
	return fmt.Sprintf("left out %d lines in %d %s that .gitattributes marks linguist-generated or linguist-vendored (--include-generated counts them)", g.Lines, g.Files, files)
}
