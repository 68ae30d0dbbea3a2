package linemap

import (
	"container/heap"
	"sort"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Blame decides on a moved or copied block with the lines of it that
// survive to the end of its range, as later commits left them: it works
// backward from the end's files, and its entries are runs of surviving
// lines, split wherever a later commit's diff has a hunk edge between
// them. A block later cut into pieces each too small for the threshold
// is, to blame, born in the commit that moved it. So the walk carries a
// block's lines as the lines they came from, but keeps the block (moved)
// and, per line, its place in the block and the piece of it the line is
// in: every hunk edge that falls in a piece starts a new piece (cursor.cut).
// Settle, at the end, takes the pieces that survive, newest block first:
// a piece whose lines score more than the block's threshold keeps its
// lines' origin, and its lines, in the block they came from if they were
// carried before, are a piece of that block; the lines of any other piece
// are born in the commit that moved them.

// moved is one block a commit carried from elsewhere (a match of
// findMoves).
type moved struct {
	commit *Commit
	// path and at: the block is lines at.. (0-based) of the commit's
	// version of path.
	path string
	at   int
	// lines are the block's content; threshold the score a piece of it
	// must pass.
	lines     []Line
	threshold int
	// seq orders blocks: a later block has a higher one.
	seq int
	// src are the lines the block came from, as the source held them.
	src []run
}

func (m *Map) newSeg() uint32 {
	m.segs++
	return m.segs
}

// entry is one piece of a block that survives: lines of the end tree
// (path, 0-based line) and their places in the block (k).
type entry struct {
	rec   *moved
	items []item
}

type item struct {
	path    string
	line, k int
}

type entryKey struct {
	rec    *moved
	seg    uint32
	parent *entry
}

// blockHeap orders blocks newest first.
type blockHeap []*moved

func (h blockHeap) Len() int           { return len(h) }
func (h blockHeap) Less(i, j int) bool { return h[i].seq > h[j].seq }
func (h blockHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *blockHeap) Push(x any)        { *h = append(*h, x.(*moved)) }
func (h *blockHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Settle decides, as blame does, on the blocks the walk carried, with the
// lines of them that survive in t, the end's tree (see above); lines of a
// piece below its threshold become lines born in the commit that moved
// them (their births are returned), and the lines they were taken for die
// there unless held elsewhere. It forgets the blocks.
func (m *Map) Settle(t *Tree) []*Birth {
	if len(m.moves) == 0 {
		return nil
	}
	defer func() { m.moves = nil }()
	pending := map[*moved][]*entry{}
	var queue blockHeap
	groups := map[entryKey]*entry{}
	add := func(key entryKey, it item) {
		e := groups[key]
		if e == nil {
			e = &entry{rec: key.rec}
			groups[key] = e
			if pending[key.rec] == nil {
				heap.Push(&queue, key.rec)
			}
			pending[key.rec] = append(pending[key.rec], e)
		}
		e.items = append(e.items, it)
	}
	for _, path := range t.Paths() {
		line := 0
		for _, r := range t.files[path].runs {
			if r.mv != nil {
				for j := 0; j < r.n; j++ {
					add(entryKey{rec: r.mv, seg: r.seg}, item{path: path, line: line + j, k: int(r.k) + j})
				}
			}
			line += r.n
		}
	}
	type failure struct {
		rec *moved
		k   int
	}
	failed := map[string]map[int]failure{}
	for queue.Len() > 0 {
		rec := heap.Pop(&queue).(*moved)
		entries := pending[rec]
		delete(pending, rec)
		for _, e := range entries {
			sc := 1
			for _, it := range e.items {
				sc += rec.lines[it.k].alnum()
			}
			if sc <= rec.threshold {
				for _, it := range e.items {
					if failed[it.path] == nil {
						failed[it.path] = map[int]failure{}
					}
					failed[it.path][it.line] = failure{rec, it.k}
				}
				continue
			}
			for _, it := range e.items {
				if s := rec.source(it.k); s.mv != nil {
					add(entryKey{rec: s.mv, seg: s.seg, parent: e}, item{path: it.path, line: it.line, k: int(s.k)})
				}
			}
		}
	}
	if len(failed) == 0 {
		return nil
	}
	type birthKey struct {
		c    *Commit
		path string
		a    provenance.Attribution
	}
	byKey := map[birthKey]*Birth{}
	type placeKey struct {
		c    *Commit
		path string
		line int
	}
	bornAt := map[placeKey]run{}
	var births []*Birth
	paths := make([]string, 0, len(failed))
	for p := range failed {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	end := m.cur
	for _, path := range paths {
		fails := failed[path]
		old := t.files[path]
		alone := old.refs == 1 && old.counted
		var out, born, lost runs
		var lostBy []*moved
		line := 0
		for _, r := range old.runs {
			if r.mv == nil {
				out.add(r)
				line += r.n
				continue
			}
			for j := 0; j < r.n; j++ {
				f, ok := fails[line+j]
				if !ok {
					x := r.sub(j, 1)
					x.mv, x.k, x.seg = nil, 0, 0
					out.add(x)
					continue
				}
				// A line copied on from the block and cut there too is
				// the same line of the commit: born once.
				at := placeKey{f.rec.commit, f.rec.path, f.rec.at + f.k}
				nr, seen := bornAt[at]
				if !seen {
					a := attributionAt(f.rec.commit, f.rec.path, f.rec.at+f.k+1)
					key := birthKey{f.rec.commit, f.rec.path, a}
					b := byKey[key]
					if b == nil {
						b = &Birth{Commit: f.rec.commit, Path: f.rec.path, Attribution: a}
						byKey[key] = b
						births = append(births, b)
					}
					nr = run{b: b, off: b.Lines, n: 1}
					b.Lines++
					b.live = append(b.live, 0)
					bornAt[at] = nr
				}
				out.add(nr)
				born = append(born, nr)
				if r.b != nil {
					lost = append(lost, run{b: r.b, off: r.off + j, n: 1})
					lostBy = append(lostBy, f.rec)
				}
			}
			line += r.n
		}
		nf := &file{runs: out, lines: old.lines, refs: 1, counted: true}
		if alone {
			m.countRuns(born, +1, path)
			for i, r := range lost {
				m.cur = lostBy[i].commit
				m.countRuns([]run{r}, -1, path)
			}
			m.cur = end
			old.refs, old.counted = 0, false
		} else {
			m.count(nf, +1, path)
			m.unref(old, path)
		}
		t.files[path] = nf
	}
	return births
}

// source is the line the block's line k came from.
func (rec *moved) source(k int) run {
	for _, r := range rec.src {
		if k < r.n {
			return r.sub(k, 1)
		}
		k -= r.n
	}
	return run{}
}

// attributionAt is the attribution c gives line (1-based) of path.
func attributionAt(c *Commit, path string, line int) provenance.Attribution {
	spans := c.Provenance.Files[path]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End >= line })
	if i < len(spans) && spans[i].Start <= line {
		return normal(spans[i].Attribution)
	}
	return normal(c.Provenance.Default)
}
