package linemap

import "fmt"

// A merge's file takes its lines from its parents the way git blame passes
// blame to them: a file identical to some parent's version (at the same
// path or at the path it was renamed from) is that version, whole, from the
// first such parent; otherwise each line unchanged relative to parent 1
// keeps parent 1's line, else unchanged relative to parent 2 keeps parent
// 2's, and so on; lines found in none of the parents are born in the merge.

func (m *Map) applyMerge(parents []*Tree, diffs [][]Change, last []bool, changed func(int) ([]Change, error)) (*Tree, error) {
	byNew := make([]map[string]*Change, len(parents))
	for i, d := range diffs {
		byNew[i] = make(map[string]*Change, len(d))
		for j := range d {
			if d[j].NewPath != "" {
				byNew[i][d[j].NewPath] = &d[j]
			}
		}
	}
	// Paths the merge does not change relative to parent 1 keep parent 1's
	// version (blame's first identical parent); the others are in its diff.
	lister := listChanges(byNew, changed)
	var sets []placed
	var removes []string
	for j := range diffs[0] {
		ch := &diffs[0][j]
		if ch.OldPath != "" {
			removes = append(removes, ch.OldPath)
		}
		if ch.NewPath == "" {
			continue
		}
		f, born, err := m.mergeVersion(ch.NewPath, parents, byNew, lister)
		if err != nil {
			return nil, err
		}
		s := placed{path: ch.NewPath, f: f}
		if born != nil && last[0] && ch.OldPath != "" {
			// The first parent's version, held by its tree alone, gives
			// way to the merge's in place: count only what differs, the
			// lines the merge has from elsewhere and those it removed
			// relative to the first parent (as applySingle does).
			if old := parents[0].files[ch.OldPath]; old != nil && old.refs == 1 && old.counted {
				if removed, ok := removedRuns(old, ch.Hunks); ok {
					s.from, s.fromPath, s.born, s.removed = old, ch.OldPath, *born, removed
				}
			}
		}
		sets = append(sets, s)
	}
	for i := range sets {
		// A version that stays in the tree at another path keeps its
		// own counts.
		if from := sets[i].from; from != nil {
			for _, o := range sets {
				if o.f == from {
					sets[i].from, sets[i].born, sets[i].removed = nil, nil, nil
					break
				}
			}
		}
	}
	t := parents[0]
	if !last[0] {
		t = clone(t)
	}
	m.place(t, sets, removes)
	return t, nil
}

// mergeVersion returns the merge's version of path; when it builds a new
// one, born holds its lines that are not the first parent's unchanged
// lines (those from later parents, carried or born in the merge).
func (m *Map) mergeVersion(path string, parents []*Tree, byNew []map[string]*Change, lister *changeLister) (f *file, born *runs, err error) {
	binary := false
	for i, p := range parents {
		ch, ok := byNew[i][path]
		if !ok {
			f := p.lookup(path)
			if f == nil {
				return nil, nil, m.errorf(path, "parent %d should hold this file unchanged but has no such file", i+1)
			}
			return f, nil, nil
		}
		if ch.Binary {
			binary = true
			continue
		}
		if len(ch.Hunks) == 0 && ch.OldPath != "" {
			f := p.lookup(ch.OldPath)
			if f == nil {
				return nil, nil, m.errorf(ch.OldPath, "parent %d has no such file", i+1)
			}
			return f, nil, nil
		}
	}
	if binary {
		return unknownFile(), nil, nil
	}
	plans := make([][]seg, len(parents))
	cursors := make([]*cursor, len(parents))
	total := -1
	for i, p := range parents {
		ch := byNew[i][path]
		var old *file
		if ch.OldPath != "" {
			if old = p.lookup(ch.OldPath); old == nil {
				return nil, nil, m.errorf(ch.OldPath, "parent %d has no such file", i+1)
			}
		}
		plan, n, err := makePlan(ch.Hunks, old)
		if err != nil {
			return nil, nil, m.errorf(path, "diff against parent %d: %v", i+1, err)
		}
		plans[i], cursors[i] = plan, newCursor(old)
		switch {
		case isUnknown(n):
			if total < 0 || isUnknown(total) && n < total {
				total = n
			}
		case total >= 0 && !isUnknown(total) && n != total:
			return nil, nil, m.errorf(path, "the diffs against the parents disagree on the length (%d and %d lines)", total, n)
		default:
			total = n
		}
	}
	var matches []match
	var lines []Line
	if m.opts.Moves {
		for i, p := range parents {
			ch := byNew[i][path]
			var old *file
			if ch.OldPath != "" {
				old = p.lookup(ch.OldPath)
			}
			if lines = content(old, ch.Hunks); lines != nil {
				break
			}
		}
		if lines != nil {
			// Lines in none of the parents: blame looks for them in
			// each parent in turn.
			var added []stretch
			err := walkPlans(plans, total, func(x, step, from int, _ seg) bool {
				if from < 0 && x-1+step <= len(lines) {
					if k := len(added) - 1; k >= 0 && added[k].at+len(added[k].lines) == x-1 {
						added[k].lines = lines[added[k].at : x-1+step]
					} else {
						added = append(added, stretch{at: x - 1, lines: lines[x-1 : x-1+step]})
					}
				}
				return true
			})
			if err != nil {
				return nil, nil, m.errorf(path, "%v", err)
			}
			sources := make([]moveSource, len(parents))
			for i, p := range parents {
				ch := byNew[i][path]
				var same *file
				if ch.OldPath != "" {
					same = p.lookup(ch.OldPath)
				}
				sources[i] = m.sourcesOf(p, lister.of(i), ch, same)[0]
			}
			matches = findMoves(added, sources, m.opts.Thresholds)
			if lister.err != nil {
				return nil, nil, m.errorf(path, "%v", lister.err)
			}
		}
	}
	var others, step runs
	size := 1
	for i, c := range cursors {
		size += len(c.runs) + 2*len(byNew[i][path].Hunks)
	}
	out := make(runs, 0, size)
	var bad error
	prev := -1
	err = walkPlans(plans, total, func(x, n, from int, fromSeg seg) bool {
		edge := from != prev || x == fromSeg.new
		prev = from
		step = step[:0]
		if from < 0 {
			matches = m.fill(&step, path, x, n, matches)
		} else {
			c := cursors[from]
			c.m, c.cut = m, edge && m.opts.Moves
			oldPos := fromSeg.old + (x - fromSeg.new)
			if oldPos < c.at || !c.take(nil, oldPos-c.at) || !c.take(&step, n) {
				bad = m.errorf(path, "the diff against parent %d does not fit the file as tracked", from+1)
				return false
			}
		}
		for _, r := range step {
			out.add(r)
			if from != 0 {
				others.add(r)
			}
		}
		return true
	})
	if err != nil {
		return nil, nil, m.errorf(path, "%v", err)
	}
	if bad != nil {
		return nil, nil, bad
	}
	return &file{runs: out, lines: lines}, &others, nil
}

// removedRuns is the lines of old that -U0 hunks remove; false when they
// do not fit it.
func removedRuns(old *file, hunks []Hunk) (runs, bool) {
	var out runs
	c := newCursor(old)
	for _, h := range hunks {
		if h.OldLines == 0 {
			continue
		}
		if h.OldStart < c.at || !c.take(nil, h.OldStart-c.at) || !c.take(&out, h.OldLines) {
			return nil, false
		}
	}
	return out, true
}

// changesOf lists a parent's changes (for the copies blame searches).
func changesOf(byNew map[string]*Change) []Change {
	out := make([]Change, 0, len(byNew))
	for _, ch := range byNew {
		out = append(out, *ch)
	}
	return out
}

// changeLister gives, once for each parent of a merge, its changes
// relative to that parent, for the copies blame searches: those of the
// merge's diffs, or, for a parent after the first when the diffs hold
// only the paths changed relative to every parent, those Step.Changed
// lists (a file the merge deletes is not searched, as with full diffs).
type changeLister struct {
	byNew   []map[string]*Change
	changed func(int) ([]Change, error)
	lists   map[int][]Change
	err     error
}

func listChanges(byNew []map[string]*Change, changed func(int) ([]Change, error)) *changeLister {
	return &changeLister{byNew: byNew, changed: changed, lists: map[int][]Change{}}
}

// of returns the lister of parent i's changes.
func (l *changeLister) of(i int) func() []Change {
	return func() []Change {
		if i == 0 || l.changed == nil {
			return changesOf(l.byNew[i])
		}
		if out, ok := l.lists[i]; ok {
			return out
		}
		all, err := l.changed(i)
		if err != nil {
			if l.err == nil {
				l.err = err
			}
			return nil
		}
		out := make([]Change, 0, len(all))
		for _, ch := range all {
			if ch.NewPath != "" {
				out = append(out, ch)
			}
		}
		l.lists[i] = out
		return out
	}
}

// walkPlans goes through lines 1..total of a merge's file in steps that
// lie within one segment of every parent's plan: from is the first
// parent that has the step's lines unchanged (fromSeg its segment), or -1.
func walkPlans(plans [][]seg, total int, fn func(x, step, from int, fromSeg seg) bool) error {
	at := make([]int, len(plans))
	for x := 1; x <= total; {
		step, from := total-x+1, -1
		var fromSeg seg
		for i, plan := range plans {
			for at[i] < len(plan) && plan[at[i]].end() < x {
				at[i]++
			}
			if at[i] == len(plan) {
				return fmt.Errorf("the diff against parent %d ends before line %d", i+1, x)
			}
			s := plan[at[i]]
			step = min(step, s.end()-x+1)
			if from < 0 && s.old > 0 {
				from, fromSeg = i, s
			}
		}
		if !fn(x, step, from, fromSeg) {
			return nil
		}
		x += step
	}
	return nil
}

// seg is a stretch of n lines of the new file starting at new: unchanged
// lines of the old file starting at old, or added lines when old is 0.
type seg struct {
	new, n, old int
}

func (s seg) end() int { return s.new + s.n - 1 }

// makePlan describes the new file in terms of old (nil: none) and the -U0
// hunks between them; it returns the new file's length.
func makePlan(hunks []Hunk, old *file) ([]seg, int, error) {
	oldLen := 0
	if old != nil {
		oldLen = old.len()
	}
	var plan []seg
	oldPos, newPos := 1, 1
	for _, h := range hunks {
		oStart, nStart := h.OldStart, h.NewStart
		if h.OldLines == 0 {
			oStart++
		}
		if h.NewLines == 0 {
			nStart++
		}
		same := oStart - oldPos
		if same < 0 || nStart-newPos != same {
			return nil, 0, errHunk(h)
		}
		if same > 0 {
			plan = append(plan, seg{new: newPos, n: same, old: oldPos})
		}
		if h.NewLines > 0 {
			plan = append(plan, seg{new: nStart, n: h.NewLines})
		}
		oldPos, newPos = oStart+h.OldLines, nStart+h.NewLines
	}
	tail := oldLen - oldPos + 1
	if tail < 0 {
		return nil, 0, errHunk(hunks[len(hunks)-1])
	}
	if tail > 0 {
		plan = append(plan, seg{new: newPos, n: tail, old: oldPos})
	}
	return plan, newPos + tail - 1, nil
}

func errHunk(h Hunk) error {
	return fmt.Errorf("hunk -%d,%d +%d,%d does not fit the file as tracked", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
}
