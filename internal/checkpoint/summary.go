package checkpoint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// PendingLines is how many lines of one file an agent wrote that no commit
// has taken yet.
type PendingLines struct {
	Path  string
	Agent string
	Model string
	Lines int
	// Updated is when a checkpoint last saw the file.
	Updated time.Time
}

// Summary lists the pending agent lines of the working tree whose git
// directory is gitDir, by file and agent, sorted. It only reads: states
// that do not read back are counted in unreadable and left for the next
// commit to clear.
func Summary(gitDir string) (pending []PendingLines, unreadable int, err error) {
	dir := stateDirOf(gitDir)
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ckpt") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			unreadable++
			continue
		}
		st, err := decodeState(b)
		if err != nil {
			unreadable++
			continue
		}
		counts := make([]int, len(st.Authors))
		for _, t := range st.tags {
			if t != noAgent {
				counts[t]++
			}
		}
		for i, a := range st.Authors {
			if counts[i] > 0 {
				pending = append(pending, PendingLines{Path: st.Path, Agent: a.Agent, Model: a.Model, Lines: counts[i], Updated: time.Unix(st.Updated, 0).UTC()})
			}
		}
	}
	sort.Slice(pending, func(i, j int) bool {
		if pending[i].Path != pending[j].Path {
			return pending[i].Path < pending[j].Path
		}
		return pending[i].Agent < pending[j].Agent
	})
	return pending, unreadable, nil
}
