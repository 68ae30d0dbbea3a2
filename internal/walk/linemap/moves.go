package linemap

import (
	"math/bits"
	"sort"
	"sync"
)

// Moves and copies (Options.Moves) follow git blame -M -C -C. The lines a
// commit adds to a file are first matched the way blame's normal pass
// does (the diff against the parent); what the diff leaves as added is
// then looked for in the parent, in blame's order and with its thresholds:
//
//  1. each stretch of added lines (one per hunk) scoring more than
//     moveScore is looked for in the parent's version of the same file
//     (-M: blocks moved or copied within a file);
//  2. what is still unmatched and scores more than copyScore is looked
//     for in the parent's versions of the files the commit changes or
//     deletes, or, for a file the commit creates or renames, in every
//     file of the parent (-C -C);
//
// where a stretch's score is one plus the number of ASCII letters and
// digits in its lines. In each search the best common stretch (highest
// score, the later one on a tie) is taken from the parent, if it scores
// more than the threshold, and what is left of the stretch on either side
// is searched again. Lines matched keep the lines of the parent they
// match: their birth, attribution and later fate; they are not born in
// the commit.
//
// Blame compares content, so every file version keeps a 64-bit hash of
// each of its lines (Line), updated from the added lines of the diffs;
// versions whose content is not known (binary, or never read in a range
// walk) are not searched. Blame finds a common stretch by diffing the
// parent file against the stretch (xdiff: the lines both start and end
// with are paired first, then an LCS of the rest, then changes slid
// down); the map pairs the common first and last lines the same way, then
// takes the longest (by score) run of identical lines, which is the same
// stretch unless lines repeated near the block make the diff pair them
// otherwise.
//
// Blame searches only the lines that survive to the end of its range,
// split into pieces wherever a later commit changed lines between them, so
// a moved block that later commits cut into pieces too small to pass the
// threshold is, to blame, born in the commit that moved it. The map
// carries a found block as the lines it came from and settles it at the
// end, on the pieces of it that survive (settle.go).
const (
	moveScore = 20 // git blame's BLAME_DEFAULT_MOVE_SCORE
	copyScore = 40 // git blame's BLAME_DEFAULT_COPY_SCORE
)

// Line is a line's content as the map compares it: a 64-bit hash of its
// text and final newline, with the number of ASCII letters and digits
// (blame's score, up to 4095) in the low 12 bits. The hash is the same in
// every process, so that content saved by one walk (Tree.Export) compares
// with the content a later one reads.
type Line uint64

const alnumBits = 12

// LineOf returns the Line of text; eol says whether it ends with a
// newline (only a file's last line may not).
func LineOf(text string, eol bool) Line { return lineOf(text, eol) }

// LineOfBytes is LineOf of text held in bytes.
func LineOfBytes(text []byte, eol bool) Line { return lineOf(text, eol) }

func lineOf[T string | []byte](text T, eol bool) Line {
	h := hashString(text)
	if !eol {
		h = (h ^ 0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	}
	n := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			n++
		}
	}
	return Line(h&^(1<<alnumBits-1) | uint64(min(n, 1<<alnumBits-1)))
}

// hashString is a fixed 64-bit hash of s: each 8 bytes are folded in by a
// 64x64->128-bit multiply (wyhash's mixing step).
func hashString[T string | []byte](s T) uint64 {
	const (
		k0 = 0xa0761d6478bd642f
		k1 = 0xe7037ed1a0b428db
		k2 = 0x8ebc6af09c88c6e3
	)
	h := uint64(len(s)) ^ k2
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		hi, lo := bits.Mul64(w^k0, h^k1)
		h = hi ^ lo
		s = s[8:]
	}
	var w uint64
	for i := 0; i < len(s); i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	hi, lo := bits.Mul64(w^k0, h^k1)
	hi, lo = bits.Mul64(hi^lo^k2, k1)
	return hi ^ lo
}

func (l Line) alnum() int { return int(l & (1<<alnumBits - 1)) }

// score is blame's score of lines: one plus their letters and digits.
func score(lines []Line) int {
	s := 1
	for _, l := range lines {
		s += l.alnum()
	}
	return s
}

// moveSource is where one parent offers lines: the parent's version of
// the target file (nil when it has none) and the files searched for
// copies, in git's path order.
type moveSource struct {
	same   *file
	copies func() []*file
}

// stretch is lines at..at+len(lines)-1 (0-based) of the new version that
// are not traced yet.
type stretch struct {
	at    int
	lines []Line
}

// match says lines at..at+n-1 of the new version are lines from..from+n-1
// (0-based) of src.
type match struct {
	at, n int
	src   *file
	from  int
	// lines are the n lines; threshold the score they had to pass.
	lines     []Line
	threshold int
	// cands are the files searched (settle.go searches them again).
	cands []*file
}

// Thresholds are git blame's -M<num> (Within: lines moved within a file)
// and -C<num> (Across: lines moved or copied from other files): the score
// a block must pass to keep its origin. Zero means git's default (20, 40).
type Thresholds struct {
	Within int `json:"within"`
	Across int `json:"across"`
}

// Or returns t with git's defaults in place of zeros.
func (t Thresholds) Or() Thresholds {
	if t.Within <= 0 {
		t.Within = moveScore
	}
	if t.Across <= 0 {
		t.Across = copyScore
	}
	return t
}

// findMoves traces the stretches to the sources' lines as blame -M -C -C
// does, with th's thresholds, and returns the matches in order of position.
func findMoves(added []stretch, sources []moveSource, th Thresholds) []match {
	th = th.Or()
	moveScore, copyScore := th.Within, th.Across
	var out []match
	un := bigEnough(added, moveScore)
	for _, s := range sources {
		if len(un) == 0 {
			break
		}
		if s.same != nil && s.same.lines != nil {
			un = searchIn(un, []*file{s.same}, moveScore, &out)
		}
	}
	un = bigEnough(un, copyScore)
	for _, s := range sources {
		if len(un) == 0 {
			break
		}
		un = searchIn(un, s.copies(), copyScore, &out)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out
}

func bigEnough(ss []stretch, threshold int) []stretch {
	var out []stretch
	for _, s := range ss {
		if score(s.lines) > threshold {
			out = append(out, s)
		}
	}
	return out
}

// searchIn is one of blame's passes (find_move_in_parent,
// find_copy_in_parent): each stretch takes its best common stretch with
// the files if that scores more than threshold, and the rest of it on
// either side is searched again. It returns the stretches left unmatched.
func searchIn(un []stretch, files []*file, threshold int, out *[]match) []stretch {
	var left []stretch
	for len(un) > 0 {
		best := bestStretches(un, files, threshold)
		var next []stretch
		for k, s := range un {
			b := best[k]
			if b.n == 0 || b.score <= threshold {
				left = append(left, s)
				continue
			}
			*out = append(*out, match{at: s.at + b.t, n: b.n, src: files[b.f], from: b.j,
				lines: s.lines[b.t : b.t+b.n], threshold: threshold, cands: files})
			for _, piece := range []stretch{{s.at, s.lines[:b.t]}, {s.at + b.t + b.n, s.lines[b.t+b.n:]}} {
				if len(piece.lines) > 0 && score(piece.lines) > threshold {
					next = append(next, piece)
				}
			}
		}
		un = next
	}
	return left
}

// commonEnds returns the number of lines a and b start with in common,
// and then end with in common.
func commonEnds(a, b []Line) (int, int) {
	n := min(len(a), len(b))
	p := 0
	for p < n && a[p] == b[p] {
		p++
	}
	s := 0
	for s < n-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return p, s
}

// consider makes lines (at t of the stretch, j of files[f]) the best if
// they score at least as much.
func consider(b *found, lines []Line, t, j, f int) {
	if sc := score(lines); sc >= b.score {
		*b = found{score: sc, t: t, n: len(lines), j: j, f: f}
	}
}

// found is the best common stretch of one searched stretch: its lines
// t..t+n-1 are lines j..j+n-1 of files[f].
type found struct {
	score, t, n, j, f int
}

// bestStretches finds, for each stretch, its longest (by score) run of
// lines identical to a run of one of the files; on a tie the later one
// (in file order, then line order) wins, as in blame. Only a best scoring
// more than threshold is used: one that scores less may be another or
// none.
//
// It goes through each file's lines once; a line of the file equal to
// line c of a stretch extends the run ending at line c-1 of the stretch
// and the file's line before, or starts a run. Lines that repeat all over
// a tree ("}", blank lines, "return err") would make that quadratic. A
// run of one line scores 1 plus its letters and digits: when that is not
// more than threshold, or once every stretch holding the line has a best
// scoring more, a run the line starts is never the best used, so those
// starts are not visited (only lines scoring more alone are in index).
// The runs they start are still known: a pair whose previous pair matches
// but was not visited extends a run of one line. Pairs that extend a run
// are found by the content of the line and the one before it (index2).
func bestStretches(un []stretch, files []*file, threshold int) []found {
	total := 0
	for _, s := range un {
		total += len(s.lines)
	}
	sc := searchPool.Get().(*search)
	defer searchPool.Put(sc)
	sc.reset(total)
	// Every line of every stretch gets a compact index c.
	owner := sc.owner   // stretch of c
	offset := sc.offset // line of c within its stretch
	line := sc.line     // content of c
	prefix := sc.prefix
	index := sc.index   // content scoring more than threshold -> its entry
	index2 := sc.index2 // pairKey(line c-1, line c) -> the last such c (same stretch)
	next2 := sc.next2   // the c before it with the same key, or -1
	// Bits on the top bits of the keys of index (filter) and index2 (filter2).
	filter, filter2 := &sc.filter, &sc.filter2
	c := 0
	for k, s := range un {
		for i, l := range s.lines {
			owner[c], offset[c], line[c] = int32(k), int32(i), l
			prefix[c+1] = prefix[c] + int32(l.alnum())
			sc.next1[c] = -1
			if score := 1 + l.alnum(); score > threshold {
				e, ok := index[l]
				if !ok {
					e = int32(len(sc.entries))
					index[l] = e
					sc.entries = append(sc.entries, startEntry{score: score, last: -1})
				}
				sc.next1[c] = sc.entries[e].last
				sc.entries[e].last = int32(c)
				top := uint64(l) >> 48
				filter[top>>6] |= 1 << (top & 63)
			}
			next2[c] = -1
			if i > 0 {
				key := pairKey(s.lines[i-1], l)
				if h, ok := index2[key]; ok {
					next2[c] = h
				}
				index2[key] = int32(c)
				top := key >> 48
				filter2[top>>6] |= 1 << (top & 63)
			}
			c++
		}
	}
	entries, next1 := sc.entries, sc.next1
	best := make([]found, len(un))
	// last[c] is the (global) file line where c last matched, runLen[c]
	// the length of the run of matches ending there.
	last, runLen := sc.last, sc.runLen
	for i := range last {
		last[i] = -2
	}
	base := 0
	trim := make([][2]int, len(un)) // per stretch: common prefix and suffix with f
	for fi, f := range files {
		if f == nil || len(f.lines) == 0 {
			continue
		}
		if !mayScore(un, f, threshold) {
			base += len(f.lines) + 2
			continue
		}
		// Blame's diff (xdiff) first pairs the lines the two sides start
		// and end with; only the lines between are matched by content.
		for k, s := range un {
			a, z := commonEnds(s.lines, f.lines)
			trim[k] = [2]int{a, z}
			if a > 0 {
				consider(&best[k], s.lines[:a], 0, 0, fi)
			}
			if z > 0 {
				consider(&best[k], s.lines[len(s.lines)-z:], len(s.lines)-z, len(f.lines)-z, fi)
			}
		}
		flen := len(f.lines)
		// paired says whether line c of a stretch and line j of f are
		// matched by content (not in the ends the diff pairs first).
		paired := func(c int32, j int) bool {
			k := owner[c]
			if tr := trim[k]; tr != [2]int{} {
				if int(offset[c]) < tr[0] || int(offset[c]) >= len(un[k].lines)-tr[1] || j < tr[0] || j >= flen-tr[1] {
					return false
				}
			}
			return true
		}
		// visit is the pair (c, line j of f): the run it ends.
		visit := func(c int32, j, g int) {
			if !paired(c, j) {
				return
			}
			k := owner[c]
			n := int32(1)
			if offset[c] > 0 {
				if last[c-1] == g-1 {
					n = runLen[c-1] + 1
				} else if j > 0 && line[c-1] == f.lines[j-1] && paired(c-1, j-1) {
					n = 2 // the pair before started a run and was not visited
				}
			}
			last[c], runLen[c] = g, n
			sc := 1 + int(prefix[c+1]-prefix[c+1-n])
			if sc >= best[k].score {
				best[k] = found{score: sc, t: int(offset[c] - n + 1), n: int(n), j: j - int(n) + 1, f: fi}
			}
		}
		for j, l := range f.lines {
			g := base + j
			if top := uint64(l) >> 48; filter[top>>6]&(1<<(top&63)) != 0 {
				if ei, ok := index[l]; ok && !entries[ei].dead {
					e := &entries[ei]
					// Highest first, so that c-1 still holds the previous line's run.
					dead := true
					for c := e.last; c >= 0; c = next1[c] {
						visit(c, j, g)
						if best[owner[c]].score <= e.score {
							dead = false
						}
					}
					e.dead = dead
					continue
				}
			}
			if j == 0 {
				continue
			}
			key := pairKey(f.lines[j-1], l)
			if top := key >> 48; filter2[top>>6]&(1<<(top&63)) == 0 {
				continue
			}
			c, ok := index2[key]
			for ; ok && c >= 0; c = next2[c] {
				if line[c] != l || line[c-1] != f.lines[j-1] {
					continue // another pair of lines with the same key
				}
				visit(c, j, g)
			}
		}
		base += flen + 2
	}
	return best
}

// startEntry is the lines of the stretches with one content that scores
// more than the threshold alone: the last of them (the others follow
// through search.next1), and score, what a run they start scores. Once
// every stretch holding them has a best scoring more (dead), runs they
// start are not visited.
type startEntry struct {
	last  int32
	score int
	dead  bool
}

// search is what bestStretches works with, kept from one search to the
// next (searchPool) rather than allocated for each.
type search struct {
	owner, offset, prefix, runLen, next1, next2 []int32
	line                                        []Line
	last                                        []int
	index                                       map[Line]int32
	index2                                      map[uint64]int32
	entries                                     []startEntry
	filter, filter2                             [1 << 10]uint64
}

var searchPool = sync.Pool{New: func() any {
	return &search{index: map[Line]int32{}, index2: map[uint64]int32{}}
}}

// reset makes s ready for stretches of total lines.
func (s *search) reset(total int) {
	grow := func(b []int32, n int) []int32 {
		if cap(b) < n {
			return make([]int32, n)
		}
		return b[:n]
	}
	s.owner, s.offset, s.runLen = grow(s.owner, total), grow(s.offset, total), grow(s.runLen, total)
	s.next1, s.next2 = grow(s.next1, total), grow(s.next2, total)
	s.prefix = grow(s.prefix, total+1)
	s.prefix[0] = 0
	if cap(s.line) < total {
		s.line, s.last = make([]Line, total), make([]int, total)
	}
	s.line, s.last = s.line[:total], s.last[:total]
	if len(s.index) > 1<<12 || len(s.index2) > 1<<12 {
		// A very large search once: do not keep its tables.
		s.index, s.index2 = map[Line]int32{}, map[uint64]int32{}
	} else {
		clear(s.index)
		clear(s.index2)
	}
	s.entries = s.entries[:0]
	s.filter, s.filter2 = [1 << 10]uint64{}, [1 << 10]uint64{}
}

// pairKey combines the contents of two consecutive lines.
func pairKey(prev, l Line) uint64 {
	hi, lo := bits.Mul64(uint64(prev)^0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9)
	return hi ^ lo ^ uint64(l)
}

// mayScore says whether f may hold a run of lines of a stretch that
// scores more than threshold: a run's lines are all in f, so it scores at
// most one plus the letters and digits of the stretch's lines f may hold
// (f.sig, a Bloom filter of its lines, says which). Where no stretch can
// pass, the file's runs are never a best used (one scoring more than
// threshold is found, or kept, the same without them), and it is not
// read.
func mayScore(un []stretch, f *file, threshold int) bool {
	if threshold < 1 {
		return true // a run of one line without letters or digits passes
	}
	sig := f.signature()
	mask := uint64(len(sig))*64 - 1
	for _, s := range un {
		sc := 1
		for _, l := range s.lines {
			if n := l.alnum(); n > 0 {
				b := (uint64(l) >> alnumBits) & mask
				if sig[b>>6]&(1<<(b&63)) != 0 {
					if sc += n; sc > threshold {
						return true
					}
				}
			}
		}
	}
	return false
}

// signature returns f.sig, made on first use: a bit per line with letters
// or digits (on its hash), in about eight bits per line.
func (f *file) signature() []uint64 {
	if f.sig != nil {
		return f.sig
	}
	words := 1
	for words*64 < 8*len(f.lines) {
		words *= 2
	}
	sig := make([]uint64, words)
	mask := uint64(words)*64 - 1
	for _, l := range f.lines {
		if l.alnum() > 0 {
			b := (uint64(l) >> alnumBits) & mask
			sig[b>>6] |= 1 << (b & 63)
		}
	}
	f.sig = sig
	return sig
}
