package linemap

import (
	"fmt"
	"sort"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// unknownLen is the length of a background run whose length is not known
// (a file that existed before the walk and was never read). Hunks split it
// like any run; what remains of it is still "very long". Real files never
// come near it.
const unknownLen = 1 << 50

func isUnknown(n int) bool { return n >= unknownLen/2 }

// run is n consecutive lines: lines off..off+n-1 of b, or n background lines
// when b is nil. With Options.Moves, lines a commit carried from elsewhere
// also say which block carried them last (mv), their place in it (k, of
// the first line) and the piece of it they are in (seg): the lines of one
// piece have stayed together since, as blame's entries do (settle.go).
type run struct {
	b   *Birth
	off int
	n   int
	mv  *moved
	k   int32
	seg uint32
}

// sub is the n lines of r from its line d on.
func (r run) sub(d, n int) run {
	r.off += d
	r.n = n
	if r.mv != nil {
		r.k += int32(d)
	}
	return r
}

// file is one version of a file's lines. It is never changed once a tree
// holds it, so trees of different branches share it.
type file struct {
	runs []run
	// lines is the content of each line, kept only with Options.Moves;
	// nil when not known (an empty file known to be empty has an empty,
	// non-nil slice).
	lines []Line
	// sig is, once searched for copies, a Bloom filter of lines (moves.go).
	sig []uint64
	// refs is the number of trees holding this version.
	refs int
	// counted is set once its lines are in their births' live counts.
	counted bool
}

func (f *file) len() int {
	n := 0
	for _, r := range f.runs {
		n += r.n
	}
	return n
}

func unknownFile() *file { return &file{runs: []run{{n: unknownLen}}} }

// Tree is the state of one commit: every file of its tree with its runs.
type Tree struct {
	files map[string]*file
	// outside: paths missing from files may exist with unknown content
	// (the tree descends from a commit outside the walk without reading it).
	outside  bool
	released bool
}

// Len returns the number of lines of path and whether the tree has it; a
// length that is not known (background from outside the walk) is -1.
func (t *Tree) Len(path string) (int, bool) {
	f, ok := t.files[path]
	if !ok {
		return 0, false
	}
	n := f.len()
	if isUnknown(n) {
		return -1, true
	}
	return n, true
}

// Paths returns the paths the tree holds, sorted.
func (t *Tree) Paths() []string {
	paths := make([]string, 0, len(t.files))
	for p := range t.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// lookup returns path's version; a path missing from a tree that descends
// from outside the walk is background of unknown length.
func (t *Tree) lookup(path string) *file {
	if f, ok := t.files[path]; ok {
		return f
	}
	if t.outside {
		return unknownFile()
	}
	return nil
}

// Options configure a Map.
type Options struct {
	// OnDeath receives the deaths of lines, as they happen.
	OnDeath func(Death)
	// OnMove receives, with Moves, lines a commit removed from one place
	// and carried to another (Path; Kind and By unset): not deaths, the
	// lines live on.
	OnMove func(Death)
	// Moves traces moved and copied lines to the lines they came from,
	// as git blame -M -C -C does (see findMoves), instead of making them
	// deaths and births. The hunks must then carry their added lines.
	Moves bool
	// Thresholds are the scores moved and copied blocks must pass (git
	// blame's -M<num> and -C<num>); zero values are git's defaults.
	Thresholds Thresholds
}

// Map applies commits to trees and keeps every line's live count.
type Map struct {
	opts   Options
	cur    *Commit
	births []*Birth
	byKey  map[birthKey]*Birth
	// bornRuns collects the runs bear makes, for build's caller.
	bornRuns []run
	// gone holds how the current commit's hunks removed measured lines,
	// for the kind of their deaths (kinds.go); carried, with Moves, the
	// lines it carried from elsewhere, by destination path.
	gone    map[*Birth][]removal
	carried []carriedRun
	scratch runs
	// moves are the blocks carried so far, decided on at the end
	// (settle.go); segs numbers their pieces.
	moves []*moved
	segs  uint32
}

type birthKey struct {
	path string
	a    provenance.Attribution
}

// New returns an empty map.
func New(opts Options) *Map { return &Map{opts: opts} }

// Empty returns the tree of no files: the parent of a root commit.
func (m *Map) Empty() *Tree { return &Tree{files: map[string]*file{}} }

// Outside returns the tree of a commit outside the walk: any path may
// exist, with background lines of unknown number.
func (m *Map) Outside() *Tree { return &Tree{files: map[string]*file{}, outside: true} }

// Known returns the tree of a commit outside the walk whose files were
// read: every path of content holds background lines and, for moves and
// copies out of it, their content; a nil slice is a file whose content is
// not known (binary). Only paths of content exist.
func (m *Map) Known(content map[string][]Line) *Tree {
	t := &Tree{files: make(map[string]*file, len(content))}
	for path, lines := range content {
		f := &file{refs: 1, counted: true}
		switch {
		case lines == nil:
			f.runs = []run{{n: unknownLen}}
		case len(lines) > 0:
			f.runs = []run{{n: len(lines)}}
			f.lines = lines
		default:
			f.lines = lines
		}
		t.files[path] = f
	}
	return t
}

// Step is one commit to apply.
type Step struct {
	Commit *Commit
	// Parents are the parents' trees (none for a root commit) and Diffs
	// the commit's diff against each (a root commit has one diff, against
	// the empty tree).
	Parents []*Tree
	Diffs   [][]Change
	// Last[i] is set when no later commit needs Parents[i]: the tree of
	// the first parent is then changed in place, the others given up.
	Last []bool
	// Changed, when set for a merge, lists its changes relative to parent
	// i (i >= 1): Diffs[i] then holds only the paths the merge changed
	// relative to every parent, and blame's search for copies (with
	// Moves) looks in the files changed relative to each parent. It is
	// called only when a search needs it.
	Changed func(i int) ([]Change, error)
}

// StepError is a diff that does not fit the tree it applies to.
type StepError struct {
	Commit string
	Path   string
	Reason string
}

func (e *StepError) Error() string {
	return fmt.Sprintf("commit %s, %s: %s", e.Commit, e.Path, e.Reason)
}

// Apply computes the tree of s.Commit and returns it with the births of
// the commit's lines. Lines that no live tree holds any more die (OnDeath)
// during Apply.
func (m *Map) Apply(s Step) (*Tree, []*Birth, error) {
	m.cur = s.Commit
	m.births = nil
	m.byKey = map[birthKey]*Birth{}
	parents, last := s.Parents, s.Last
	if len(parents) == 0 {
		parents, last = []*Tree{m.Empty()}, []bool{true}
	}
	for _, p := range parents {
		if p.released {
			return nil, nil, &StepError{Commit: s.Commit.ID, Reason: "a parent's tree was given up too early"}
		}
	}
	if len(s.Diffs) != len(parents) {
		return nil, nil, &StepError{Commit: s.Commit.ID, Reason: fmt.Sprintf("%d diffs for %d parents", len(s.Diffs), len(parents))}
	}
	var (
		t   *Tree
		err error
	)
	if len(parents) == 1 {
		t, err = m.applySingle(parents[0], s.Diffs[0], last[0])
	} else {
		t, err = m.applyMerge(parents, s.Diffs, last, s.Changed)
	}
	if err != nil {
		return nil, nil, err
	}
	for i := 1; i < len(parents); i++ {
		if last[i] && parents[i] != parents[0] {
			m.Release(parents[i])
		}
	}
	m.reportMoves()
	clear(m.gone)
	births := m.births
	m.births, m.byKey = nil, nil
	return t, births, nil
}

type placed struct {
	path string
	f    *file
	// from, when set, is the version f replaces in a tree that holds it
	// alone: f then takes over its counts, and only the lines born
	// (born) and removed (removed, at fromPath) change count.
	from          *file
	fromPath      string
	born, removed []run
}

func (m *Map) applySingle(p *Tree, changes []Change, reuse bool) (*Tree, error) {
	var sets []placed
	var removes []string
	for i := range changes {
		ch := &changes[i]
		var old *file
		if ch.OldPath != "" {
			old = p.lookup(ch.OldPath)
			if old == nil {
				return nil, m.errorf(ch.OldPath, "the parent has no such file")
			}
			removes = append(removes, ch.OldPath)
		}
		if ch.NewPath == "" {
			if old != nil && m.opts.OnMove != nil {
				m.noteRemoved(old.runs, nil, 0) // lines moved out of a deleted file
			}
			continue
		}
		if reuse && old != nil && old.refs == 1 && old.counted && !ch.Binary && len(ch.Hunks) > 0 {
			// Linear history: count only what changed.
			m.bornRuns = m.bornRuns[:0]
			var removed runs
			f, err := m.build(ch.NewPath, old, ch.Hunks, &removed, m.sources(p, changes, ch, old))
			if err != nil {
				return nil, err
			}
			sets = append(sets, placed{path: ch.NewPath, f: f, from: old, fromPath: ch.OldPath,
				born: append([]run(nil), m.bornRuns...), removed: removed})
			continue
		}
		f, err := m.version(ch, old, p, changes)
		if err != nil {
			return nil, err
		}
		sets = append(sets, placed{path: ch.NewPath, f: f})
	}
	t := p
	if !reuse {
		t = clone(p)
	}
	m.place(t, sets, removes)
	return t, nil
}

// version is the file a single-parent change produces from old.
func (m *Map) version(ch *Change, old *file, p *Tree, changes []Change) (*file, error) {
	switch {
	case ch.Binary:
		return unknownFile(), nil
	case len(ch.Hunks) == 0 && old != nil:
		return old, nil // renamed or mode changed: same lines
	}
	return m.build(ch.NewPath, old, ch.Hunks, nil, m.sources(p, changes, ch, old))
}

// sources says where, with Options.Moves, the lines ch adds may come from
// in its parent p: old (the parent's version of the file), and for
// copies the files of p that the commit changes or deletes, or, when ch
// creates or renames the file, every file of p (blame -C -C).
func (m *Map) sources(p *Tree, changes []Change, ch *Change, old *file) []moveSource {
	return m.sourcesOf(p, func() []Change { return changes }, ch, old)
}

// sourcesOf is sources with the parent's changes listed only when a
// search for copies needs them.
func (m *Map) sourcesOf(p *Tree, list func() []Change, ch *Change, old *file) []moveSource {
	if !m.opts.Moves {
		return nil
	}
	s := moveSource{same: old}
	s.copies = func() []*file {
		var paths []string
		if ch.OldPath == "" || ch.OldPath != ch.NewPath {
			paths = p.Paths()
		} else {
			changes := list()
			for i := range changes {
				paths = append(paths, changes[i].OldPath)
			}
			sort.Strings(paths)
		}
		var files []*file
		for i, path := range paths {
			if path == "" || path == ch.OldPath || i > 0 && paths[i-1] == path {
				continue
			}
			if f := p.files[path]; f != nil && len(f.lines) > 0 {
				files = append(files, f)
			}
		}
		return files
	}
	return []moveSource{s}
}

func (m *Map) errorf(path, format string, args ...any) error {
	return &StepError{Commit: m.cur.ID, Path: path, Reason: fmt.Sprintf(format, args...)}
}

// place puts new versions into t and removes paths, keeping live counts:
// new versions are counted before old ones are given up, so that lines
// carried over never look dead.
func (m *Map) place(t *Tree, sets []placed, removes []string) {
	for _, s := range sets {
		switch {
		case s.from != nil:
			m.countRuns(s.born, +1, s.path)
			s.f.counted, s.from.counted = true, false
		case !s.f.counted:
			m.count(s.f, +1, s.path)
			s.f.counted = true
		}
		s.f.refs++
	}
	var drop []placed
	for _, path := range removes {
		if f, ok := t.files[path]; ok {
			drop = append(drop, placed{path: path, f: f})
			delete(t.files, path)
		}
	}
	for _, s := range sets {
		if f, ok := t.files[s.path]; ok {
			drop = append(drop, placed{path: s.path, f: f})
		}
		t.files[s.path] = s.f
	}
	for _, d := range drop {
		m.unref(d.f, d.path)
	}
	for _, s := range sets {
		if s.from != nil {
			m.countRuns(s.removed, -1, s.fromPath)
		}
	}
}

func clone(p *Tree) *Tree {
	t := &Tree{files: make(map[string]*file, len(p.files)), outside: p.outside}
	for path, f := range p.files {
		f.refs++
		t.files[path] = f
	}
	return t
}

// Release gives up a tree no later commit needs; lines only it held die at
// the commit last applied.
func (m *Map) Release(t *Tree) {
	if t.released {
		return
	}
	t.released = true
	paths := t.Paths() // deterministic order of deaths
	for _, path := range paths {
		m.unref(t.files[path], path)
	}
	t.files = nil
}

func (m *Map) unref(f *file, path string) {
	f.refs--
	if f.refs == 0 && f.counted {
		m.count(f, -1, path)
	}
}

// count adds delta to the live count of every line of f; lines whose count
// falls to zero die.
func (m *Map) count(f *file, delta int32, path string) { m.countRuns(f.runs, delta, path) }

func (m *Map) countRuns(rs []run, delta int32, path string) {
	for _, r := range rs {
		b := r.b
		if b == nil || r.n == 0 {
			continue
		}
		if delta > 0 {
			for i := r.off; i < r.off+r.n; i++ {
				if b.live[i] == 0 {
					b.alive++
				}
				b.live[i]++
			}
			continue
		}
		start := -1
		for i := r.off; i < r.off+r.n; i++ {
			b.live[i]--
			if b.live[i] == 0 {
				b.alive--
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				m.die(b, start, i-start, path)
				start = -1
			}
		}
		if start >= 0 {
			m.die(b, start, r.off+r.n-start, path)
		}
		if b.alive == 0 {
			b.live = nil
		}
	}
}

func (m *Map) die(b *Birth, off, n int, path string) {
	if m.opts.OnDeath != nil {
		m.howDied(Death{Birth: b, Offset: off, Lines: n, Commit: m.cur, Path: path}, m.opts.OnDeath)
	}
}

// Survivors lists the measured lines of t, by path and line.
func (m *Map) Survivors(t *Tree) []Survivor {
	var out []Survivor
	for _, path := range t.Paths() {
		line := 1
		for _, r := range t.files[path].runs {
			if r.b != nil {
				out = append(out, Survivor{Birth: r.b, Offset: r.off, Lines: r.n, Path: path, Line: line})
			}
			line += r.n
		}
	}
	return out
}

// runs collects runs, joining neighbours that continue each other.
type runs []run

func (rs *runs) add(r run) {
	if r.n <= 0 {
		return
	}
	if k := len(*rs) - 1; k >= 0 {
		last := &(*rs)[k]
		if last.b == r.b && last.mv == r.mv && last.seg == r.seg &&
			(r.b == nil && r.mv == nil || last.off+last.n == r.off && last.k+int32(last.n) == r.k) {
			last.n += r.n
			return
		}
	}
	*rs = append(*rs, r)
}

func (rs runs) len() int {
	n := 0
	for _, r := range rs {
		n += r.n
	}
	return n
}

// cursor reads a file's runs front to back.
type cursor struct {
	runs []run
	i    int // current run
	used int // lines of runs[i] already read
	at   int // 1-based number of the next line
	// cut is set at a hunk's edge: a piece of carried lines read next is
	// split from its lines before the edge (renumbered from seg to to).
	cut     bool
	seg, to uint32
	m       *Map
}

func newCursor(f *file) *cursor {
	c := &cursor{at: 1}
	if f != nil {
		c.runs = f.runs
	}
	return c
}

// take moves n lines on, copying them to out unless out is nil; it reports
// false when the file has fewer lines.
func (c *cursor) take(out *runs, n int) bool {
	for n > 0 {
		if c.i >= len(c.runs) {
			return false
		}
		r := c.runs[c.i]
		k := min(n, r.n-c.used)
		if out != nil {
			out.add(c.piece(r.sub(c.used, k)))
		}
		c.used += k
		c.at += k
		n -= k
		if c.used == r.n {
			c.i++
			c.used = 0
		}
	}
	return true
}

func (c *cursor) rest(out *runs) {
	for ; c.i < len(c.runs); c.i++ {
		r := c.runs[c.i]
		out.add(c.piece(r.sub(c.used, r.n-c.used)))
		c.used = 0
	}
}

// piece renumbers r's piece when a hunk's edge cut it (see cut).
func (c *cursor) piece(r run) run {
	if c.cut {
		c.cut = false
		c.seg, c.to = 0, 0
		if r.mv != nil {
			c.seg, c.to = r.seg, c.m.newSeg()
		}
	}
	if r.mv != nil && c.to != 0 && r.seg == c.seg {
		r.seg = c.to
	} else if c.to != 0 {
		c.seg, c.to = 0, 0
	}
	return r
}

// build applies -U0 hunks to old (nil: a file the parent lacks); the
// lines removed go to removed unless it is nil. With Options.Moves, the
// lines the hunks add are first looked for in sources (findMoves), and
// the new version keeps its content.
func (m *Map) build(path string, old *file, hunks []Hunk, removed *runs, sources []moveSource) (*file, error) {
	var matches []match
	if len(sources) > 0 {
		var added []stretch
		for _, h := range hunks {
			if h.NewLines > 0 && len(h.Added) == h.NewLines {
				added = append(added, stretch{at: h.NewStart - 1, lines: h.Added})
			}
		}
		matches = findMoves(added, sources, m.opts.Thresholds)
	}
	c := newCursor(old)
	c.m = m
	// Each hunk splits at most one run in two and adds its own.
	out := make(runs, 0, len(c.runs)+2*len(hunks)+1)
	for _, h := range hunks {
		oldStart := h.OldStart
		if h.OldLines == 0 {
			oldStart++
		}
		if oldStart < c.at {
			return nil, m.errorf(path, "hunk -%d,%d +%d,%d out of order", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
		}
		gone := m.scratch[:0]
		if !c.take(&out, oldStart-c.at) || !c.take(&gone, h.OldLines) {
			return nil, m.errorf(path, "hunk -%d,%d +%d,%d goes past the end of the file as tracked", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
		}
		if removed != nil {
			for _, r := range gone {
				removed.add(r)
			}
		}
		if h.NewLines > 0 && out.len()+1 != h.NewStart {
			return nil, m.errorf(path, "hunk -%d,%d +%d,%d does not fit the file as tracked", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
		}
		matches = m.fill(&out, path, h.NewStart, h.NewLines, matches)
		m.noteRemoved(gone, out, h.NewLines)
		m.scratch = gone
		c.cut = m.opts.Moves
	}
	c.rest(&out)
	f := &file{runs: out}
	if m.opts.Moves {
		f.lines = content(old, hunks)
	}
	return f, nil
}

// fill adds the n lines the current commit has at lines start.. of path:
// those in matches (in order) are their sources' lines, the others are
// born. It returns the matches not used.
func (m *Map) fill(out *runs, path string, start, n int, matches []match) []match {
	end := start + n
	for pos := start; pos < end; {
		if len(matches) == 0 || matches[0].at+1 >= end {
			m.born(out, path, pos, end-pos)
			break
		}
		mt := matches[0]
		matches = matches[1:]
		m.born(out, path, pos, mt.at+1-pos)
		m.carry(out, path, mt)
		m.noteCarried(*out, path, mt.n)
		pos = mt.at + 1 + mt.n
	}
	return matches
}

// carry adds the lines mt found (lines from..from+n-1, 0-based, of its
// source) to out: a moved or copied line is the line it came from, until
// the end of the walk decides on the block (settle.go).
func (m *Map) carry(out *runs, path string, mt match) {
	rec := &moved{commit: m.cur, path: path, at: mt.at, lines: mt.lines, threshold: mt.threshold, seq: len(m.moves),
		cands: mt.cands, srcFile: mt.src, from: mt.from}
	m.moves = append(m.moves, rec)
	seg := m.newSeg()
	from, n := mt.from, mt.n
	for _, r := range mt.src.runs {
		if n == 0 {
			break
		}
		if from >= r.n {
			from -= r.n
			continue
		}
		k := min(n, r.n-from)
		src := r.sub(from, k)
		rec.src = append(rec.src, src)
		c := src
		c.mv, c.k, c.seg = rec, int32(mt.n-n), seg
		out.add(c)
		if c.b != nil {
			m.bornRuns = append(m.bornRuns, c) // counted like new lines
		}
		n -= k
		from = 0
	}
}

// content is the content of the version hunks make of old (nil: a file
// the parent lacks); nil when old's is not known.
func content(old *file, hunks []Hunk) []Line {
	var prev []Line
	if old != nil {
		if old.lines == nil {
			return nil
		}
		prev = old.lines
	}
	n := len(prev)
	for _, h := range hunks {
		if len(h.Added) != h.NewLines {
			return nil
		}
		n += h.NewLines - h.OldLines
	}
	out := make([]Line, 0, max(n, 0))
	at := 0 // next line of prev (0-based)
	for _, h := range hunks {
		start := h.OldStart // 1-based first line removed, or the line an insertion follows
		if h.OldLines == 0 {
			start++
		}
		if start-1 < at || start-1+h.OldLines > len(prev) {
			return nil
		}
		out = append(out, prev[at:start-1]...)
		out = append(out, h.Added...)
		at = start - 1 + h.OldLines
	}
	return append(out, prev[at:]...)
}

// born adds n lines the current commit wrote at lines start.. of path.
func (m *Map) born(out *runs, path string, start, n int) {
	if n <= 0 {
		return
	}
	prov := &m.cur.Provenance
	spans := prov.Files[path]
	def := normal(prov.Default)
	end := start + n - 1
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End >= start })
	for pos := start; pos <= end; {
		a, hi := def, end
		if i < len(spans) && spans[i].Start <= pos {
			a, hi = normal(spans[i].Attribution), min(spans[i].End, end)
			i++
		} else if i < len(spans) {
			hi = min(end, spans[i].Start-1)
		}
		m.bear(out, path, a, hi-pos+1)
		pos = hi + 1
	}
}

func normal(a provenance.Attribution) provenance.Attribution {
	if a.Origin == "" {
		a.Origin = provenance.Unknown
	}
	return a
}

func (m *Map) bear(out *runs, path string, a provenance.Attribution, n int) {
	key := birthKey{path, a}
	b := m.byKey[key]
	if b == nil {
		b = &Birth{Commit: m.cur, Path: path, Attribution: a}
		m.byKey[key] = b
		m.births = append(m.births, b)
	}
	out.add(run{b: b, off: b.Lines, n: n})
	m.bornRuns = append(m.bornRuns, run{b: b, off: b.Lines, n: n})
	b.Lines += n
	b.live = append(b.live, make([]int32, n)...)
}
