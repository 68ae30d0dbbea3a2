package linemap

import "fmt"

// A walk's end state can be saved and a later walk continued from it
// (package walkcache): Export describes a Tree as plain values, Import
// makes a Tree of them again. Births are referred to by pointer; the
// caller numbers them to save them and gives the same pointers back, so
// that lines stay the lines of the births its callbacks already saw.
//
// Import assumes the tree is the only live one (as the end tree of a walk
// is once every other tree is given up): each line's live count is the
// number of file versions of the tree holding it, and a birth none of
// them holds is dead.

// TreeState is a Tree as plain values.
type TreeState struct {
	// Outside is set when the tree descends from a commit outside the walk.
	Outside bool
	// Paths are the tree's paths, sorted; Files[i] is the index in
	// Versions of the version at Paths[i] (a version may be at several).
	Paths    []string
	Files    []int
	Versions []VersionState
}

// VersionState is one file version: its runs, and its content when known
// (Options.Moves).
type VersionState struct {
	Runs []RunState
	// Known says whether Lines is the content (an empty file has no lines
	// but a known content).
	Known bool
	Lines []Line
}

// RunState is N lines: lines Offset..Offset+N-1 of Birth, or N background
// lines when Birth is nil.
type RunState struct {
	Birth     *Birth
	Offset, N int
}

// Export describes t.
func (t *Tree) Export() *TreeState {
	s := &TreeState{Outside: t.outside, Paths: t.Paths()}
	index := map[*file]int{}
	s.Files = make([]int, len(s.Paths))
	for i, path := range s.Paths {
		f := t.files[path]
		k, ok := index[f]
		if !ok {
			k = len(s.Versions)
			index[f] = k
			v := VersionState{Runs: make([]RunState, len(f.runs)), Known: f.lines != nil, Lines: f.lines}
			for j, r := range f.runs {
				v.Runs[j] = RunState{Birth: r.b, Offset: r.off, N: r.n}
			}
			s.Versions = append(s.Versions, v)
		}
		s.Files[i] = k
	}
	return s
}

// Import makes the Tree s describes, the only live tree: the live counts
// of the births it holds are set from it. Every birth must have its Lines
// set and must not be held by another live tree. It returns an error when
// s is inconsistent (a run outside its birth, a bad version index).
func Import(s *TreeState) (*Tree, error) {
	if len(s.Files) != len(s.Paths) {
		return nil, fmt.Errorf("saved tree: %d paths for %d files", len(s.Paths), len(s.Files))
	}
	versions := make([]*file, len(s.Versions))
	for i, v := range s.Versions {
		f := &file{runs: make([]run, len(v.Runs)), counted: true}
		for j, r := range v.Runs {
			if r.N < 0 || r.Birth != nil && (r.Offset < 0 || r.Birth.Lines < 0 || r.Offset+r.N > r.Birth.Lines) {
				return nil, fmt.Errorf("saved tree: run %d of version %d is outside its birth", j, i)
			}
			f.runs[j] = run{b: r.Birth, off: r.Offset, n: r.N}
		}
		if v.Known {
			f.lines = v.Lines
			if f.lines == nil {
				f.lines = []Line{}
			}
			if len(f.lines) != f.len() {
				return nil, fmt.Errorf("saved tree: version %d has %d lines and %d lines of content", i, f.len(), len(f.lines))
			}
		}
		versions[i] = f
	}
	t := &Tree{files: make(map[string]*file, len(s.Paths)), outside: s.Outside}
	for i, path := range s.Paths {
		k := s.Files[i]
		if k < 0 || k >= len(versions) {
			return nil, fmt.Errorf("saved tree: %q refers to version %d of %d", path, k, len(versions))
		}
		if _, dup := t.files[path]; dup {
			return nil, fmt.Errorf("saved tree: %q twice", path)
		}
		versions[k].refs++
		t.files[path] = versions[k]
	}
	for _, f := range versions {
		for _, r := range f.runs {
			if r.b != nil && r.b.live == nil {
				r.b.live, r.b.alive = make([]int32, r.b.Lines), 0
			}
		}
	}
	for _, f := range versions {
		if f.refs == 0 {
			f.counted = false // held by no path: not live
			continue
		}
		for _, r := range f.runs {
			b := r.b
			if b == nil {
				continue
			}
			for i := r.off; i < r.off+r.n; i++ {
				if b.live[i] == 0 {
					b.alive++
				}
				b.live[i]++
			}
		}
	}
	return t, nil
}
