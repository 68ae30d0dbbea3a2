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
// Settle, at the end, takes the pieces that survive, newest block first,
// and searches each again in the files the block was searched in (blame
// searches with the piece, which may find its best stretch elsewhere than
// the whole block did); then a piece whose lines score more than the
// block's threshold keeps its lines' origin, and its lines, in the block
// they came from if they were carried before, are a piece of that block;
// the lines of any other piece are born in the commit that moved them.
// What the walk cannot do is bring back lines that died since, or search
// with lines the commit added that it did not carry (blame's piece may
// hold both), so a few pieces still differ from blame.

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
	// src are the lines the block came from, as the source held them:
	// lines from.. of srcFile, one of the files searched (cands).
	src     []run
	srcFile *file
	from    int
	cands   []*file
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

type place struct {
	path string
	line int
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
	remap := map[place]run{}
	for queue.Len() > 0 {
		rec := heap.Pop(&queue).(*moved)
		entries := pending[rec]
		delete(pending, rec)
		for _, e := range entries {
			if rec.searchAgain(e, remap) {
				for _, it := range e.items {
					if s, ok := remap[place{it.path, it.line}]; ok && s.mv != nil {
						add(entryKey{rec: s.mv, seg: s.seg, parent: e}, item{path: it.path, line: it.line, k: int(s.k)})
					}
				}
				continue
			}
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
	if len(failed) == 0 && len(remap) == 0 {
		return nil
	}
	for it := range remap {
		if failed[it.path] == nil {
			failed[it.path] = map[int]failure{}
		}
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
	type loss struct {
		r    run
		by   *Commit
		path string
	}
	var gains []func()
	var losses []loss
	var unrefs []func()
	for _, path := range paths {
		fails := failed[path]
		old := t.files[path]
		alone := old.refs == 1 && old.counted
		var out, gained runs
		var lost []loss
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
					if s, moved := remap[place{path, line + j}]; moved {
						x = s
						gained = append(gained, run{b: s.b, off: s.off, n: 1})
						if r.b != nil {
							lost = append(lost, loss{run{b: r.b, off: r.off + j, n: 1}, end, path})
						}
					}
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
				gained = append(gained, nr)
				if r.b != nil {
					lost = append(lost, loss{run{b: r.b, off: r.off + j, n: 1}, f.rec.commit, path})
				}
			}
			line += r.n
		}
		nf := &file{runs: out, lines: old.lines, refs: 1, counted: true}
		if alone {
			gains = append(gains, func() { m.countRuns(gained, +1, path) })
			losses = append(losses, lost...)
			old.refs, old.counted = 0, false
		} else {
			gains = append(gains, func() { m.count(nf, +1, path) })
			unrefs = append(unrefs, func() { m.unref(old, path) })
		}
		t.files[path] = nf
	}
	// Lines gained first, so that a line that leaves one place for
	// another never looks dead.
	for _, g := range gains {
		g()
	}
	for _, l := range losses {
		m.cur = l.by
		m.countRuns([]run{l.r}, -1, l.path)
	}
	m.cur = end
	for _, u := range unrefs {
		u()
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

// searchAgain searches the block's files again with the lines of one
// surviving piece, as blame does; when the best stretch they find is not
// where the block came from, the piece's lines map to it (remap) and it
// returns true. It keeps the block when the piece is not one stretch of
// it, or when the stretch found holds lines that died since.
func (rec *moved) searchAgain(e *entry, remap map[place]run) bool {
	if len(rec.cands) == 0 {
		return false
	}
	k0 := e.items[0].k
	for i, it := range e.items {
		if it.k != k0+i {
			return false
		}
	}
	piece := rec.lines[k0 : k0+len(e.items)]
	b := bestStretches([]stretch{{lines: piece}}, rec.cands, rec.threshold)[0]
	if b.n == 0 || b.score <= rec.threshold || rec.cands[b.f] == rec.srcFile && b.j == rec.from+k0+b.t && b.n == len(piece) {
		return false
	}
	if b.t != 0 || b.n != len(piece) {
		return false // blame would search the rest again: keep the block
	}
	f := rec.cands[b.f]
	got := make([]run, 0, b.n)
	at := 0
	for _, r := range f.runs {
		if at+r.n <= b.j {
			at += r.n
			continue
		}
		for d := max(0, b.j-at); d < r.n && len(got) < b.n; d++ {
			s := r.sub(d, 1)
			if s.b != nil && (s.b.live == nil || s.b.live[s.off] == 0) {
				return false // died since: it cannot come back
			}
			got = append(got, s)
		}
		at += r.n
		if len(got) == b.n {
			break
		}
	}
	if len(got) != b.n {
		return false
	}
	for i, it := range e.items {
		remap[place{it.path, it.line}] = got[i]
	}
	return true
}
