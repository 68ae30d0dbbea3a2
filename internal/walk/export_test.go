package walk

import (
	"io"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// Internals the external tests check directly.
var CombinedArgs, TreeArgs = combinedArgs, treeArgs

// ParseCombined reads a stream of combined diffs: merge id -> the diffs
// against its parents.
func ParseCombined(r io.Reader) (map[string][][]linemap.Change, error) {
	out := map[string][][]linemap.Change{}
	err := parseCombined(r, func(m *mergeDiffs) error { out[m.id] = m.parents; return nil })
	return out, err
}
