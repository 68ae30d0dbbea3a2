package walk

import "github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"

// Resume continues a walk from the end state of an earlier one (package
// walkcache saves them): the range is walked as if its commits up to
// Commit had just been walked, so only the commits after Commit are read.
//
// The caller makes sure this is the same walk: every commit of the range
// that is not an ancestor of Commit has Commit or such commits as its
// parents (none of the ancestors of Commit is needed again), and the
// callbacks have already received the earlier walk's events (replayed),
// with the births Tree holds among them.
type Resume struct {
	// Commit is the end of the earlier walk and Tree its line-origin map
	// (linemap.Import of the saved Result.Tree).
	Commit string
	Tree   *linemap.Tree
	// Children is the number of commits of the range with Commit among
	// their parents; Walked the number of commits the earlier walk walked
	// (the Index of the first new commit).
	Children, Walked int
}

// resume starts the driver from r: its tree is open until its children
// are done.
func (d *driver) resume(r *Resume) {
	d.base = r.Walked
	if r.Children > 0 {
		d.trees[r.Commit] = &open{tree: r.Tree, pending: r.Children}
	}
}

// endTree is the end's tree when no other tree is open, for saving.
func (d *driver) endTree() *linemap.Tree {
	if len(d.trees) != 0 {
		return nil
	}
	return d.final
}

// SplitRange returns the start ("" when the range reaches the root) and
// end revisions of a range as Options.Range reads it.
func SplitRange(r string) (start, end string, err error) { return splitRange(r) }
