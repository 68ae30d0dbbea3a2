package rewrite

import (
	"sort"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
)

// fileMap maps the lines of one file of a new commit back to the lines
// they came from in an old commit, from the -U0 diff between the two
// trees. It holds no git types beyond the parsed hunks.
type fileMap struct {
	// OldPath is the file's path in the old tree ("" when the file did
	// not exist there: no line maps back).
	OldPath string
	// Hunks are the changes old → new, in order.
	Hunks []diff.Hunk
}

// identity is the map of a file the diff does not list: unchanged.
func identity(path string) fileMap { return fileMap{OldPath: path} }

// Old returns the old line number of new line n, or false when line n
// was added or changed between the two commits (or the file is new).
func (m fileMap) Old(n int) (int, bool) {
	if m.OldPath == "" || n < 1 {
		return 0, false
	}
	offset := 0
	for _, h := range m.Hunks {
		if h.NewLines > 0 {
			last := h.NewStart + h.NewLines - 1
			if n >= h.NewStart && n <= last {
				return 0, false
			}
			if last >= n {
				break
			}
		} else if h.NewStart >= n {
			// A pure deletion after line NewStart: it is before n only
			// when NewStart < n.
			break
		}
		offset += h.OldLines - h.NewLines
	}
	return n + offset, true
}

// sortHunks orders hunks by their position in the new file.
func sortHunks(hs []diff.Hunk) {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].NewStart < hs[j].NewStart })
}
