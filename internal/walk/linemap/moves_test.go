package linemap

import (
	"fmt"
	"math/rand"
	"testing"
)

// text makes Lines from strings, every one ending with a newline.
func text(lines ...string) []Line {
	out := make([]Line, len(lines))
	for i, l := range lines {
		out[i] = LineOf(l, true)
	}
	return out
}

func known(lines []Line) *file { return &file{runs: []run{{n: len(lines)}}, lines: lines} }

func TestLineOf(t *testing.T) {
	if LineOf("ab_1 {}", true).alnum() != 3 || LineOf("", true).alnum() != 0 {
		t.Error("alnum counts ASCII letters and digits")
	}
	if LineOf("x", true) == LineOf("x", false) {
		t.Error("a line without its final newline differs from one with it")
	}
	// The same text, built separately, hashes the same.
	if LineOf("x", true) != LineOf(string([]byte{'x'}), true) || LineOf("ab", false) != LineOf("a"+string(rune('b')), false) {
		t.Error("equal texts make equal lines")
	}
	if LineOf("x", true) == LineOf("y", true) {
		t.Error("different texts make different lines")
	}
}

// Blame's thresholds: a moved stretch must score more than 20 (letters
// and digits + 1), a copied one more than 40.
func TestFindMovesThresholds(t *testing.T) {
	a19 := "aaaaaaaaaabbbbbbbbb" // 19 letters: score 20
	a20 := a19 + "c"             // score 21
	a39 := a20 + "ddddddddddddddddddd"
	a40 := a39 + "e"
	cases := []struct {
		name  string
		lines []Line
		same  bool // the source is the file's own parent version (-M)
		want  string
	}{
		{"move at 20", text(a19), true, "[]"},
		{"move at 21", text(a20), true, "[0+1@1]"},
		{"copy at 40", text(a39), false, "[]"},
		{"copy at 41", text(a40), false, "[0+1@1]"},
		{"two lines", text("short1", a39), false, "[0+2@0]"},
	}
	for _, c := range cases {
		src := known(append(text("short1"), c.lines[len(c.lines)-1]))
		var s moveSource
		if c.same {
			s = moveSource{same: src, copies: func() []*file { return nil }}
		} else {
			s = moveSource{copies: func() []*file { return []*file{src} }}
		}
		got := findMoves([]stretch{{at: 0, lines: c.lines}}, []moveSource{s}, Thresholds{})
		var parts []string
		for _, m := range got {
			parts = append(parts, fmt.Sprintf("%d+%d@%d", m.at, m.n, m.from))
		}
		if fmt.Sprint(parts) != c.want {
			t.Errorf("%s: %v, want %s", c.name, parts, c.want)
		}
	}
}

// The best stretch is taken first, and what is left of the block on
// either side searched again; what is too small on its own stays.
func TestFindMovesSplits(t *testing.T) {
	long := func(s string) string { return s + "-0123456789abcdefghijklmnopqrstuvwxyz" }
	src := known(text(long("x"), long("y"), "pad", long("a"), long("b"), long("c")))
	block := text(long("a"), long("b"), "new1", long("x"), long("y"), "n")
	got := findMoves([]stretch{{at: 10, lines: block}}, []moveSource{{copies: func() []*file { return []*file{src} }}}, Thresholds{})
	if fmt.Sprint(got[0].at, got[0].n, got[0].from, got[1].at, got[1].n, got[1].from) != "10 2 3 13 2 0" || len(got) != 2 {
		t.Errorf("matches %+v", got)
	}
}

// TestBestStretchesAsEveryPair compares bestStretches with a search that
// visits every pair of equal lines, on random stretches and files made of
// a few lines that repeat often (blank lines, braces, short statements)
// and longer ones, with blocks copied between them and ends in common:
// the same best wherever it scores more than the threshold.
func TestBestStretchesAsEveryPair(t *testing.T) {
	rnd := rand.New(rand.NewSource(7))
	vocab := []string{"", "}", "\t}", "return err", "if err != nil {", "x := 1", "a", "b"}
	for i := range 40 {
		vocab = append(vocab, fmt.Sprintf("longer line number %d with words", i))
	}
	pick := func() Line {
		if rnd.Intn(3) > 0 {
			return LineOf(vocab[rnd.Intn(8)], true)
		}
		return LineOf(vocab[rnd.Intn(len(vocab))], true)
	}
	mk := func(n int) []Line {
		out := make([]Line, n)
		for i := range out {
			out[i] = pick()
		}
		return out
	}
	for round := range 800 {
		var files []*file
		for range 1 + rnd.Intn(4) {
			files = append(files, known(mk(rnd.Intn(300))))
		}
		if rnd.Intn(5) == 0 {
			files = append(files, nil)
		}
		for search := range 4 {
			var un []stretch
			for range 1 + rnd.Intn(3) {
				size := []int{3, 8, 40}[rnd.Intn(3)]
				s := mk(1 + rnd.Intn(size))
				if f := files[rnd.Intn(len(files))]; f != nil && len(f.lines) > 0 && rnd.Intn(2) == 0 {
					// A block of a file, or the file's start or end.
					a := rnd.Intn(len(f.lines))
					b := a + rnd.Intn(min(len(f.lines)-a, size)) + 1
					switch rnd.Intn(3) {
					case 0:
						a = 0
					case 1:
						b = len(f.lines)
					}
					at := rnd.Intn(len(s) + 1)
					s = append(append(append([]Line{}, s[:at]...), f.lines[a:b]...), s[at:]...)
				}
				un = append(un, stretch{lines: s})
			}
			threshold := []int{0, 1, 5, 20, 40}[rnd.Intn(5)]
			got, want := bestStretches(un, files, threshold), bestStretchesPlain(un, files)
			for k := range want {
				if want[k].score <= threshold && got[k].score <= threshold {
					continue // neither is used
				}
				if got[k] != want[k] {
					t.Fatalf("round %d, search %d, stretch %d: got %+v, every pair gives %+v", round, search, k, got[k], want[k])
				}
			}
		}
	}
}

// bestStretchesPlain is bestStretches as first written: every pair of
// equal lines visited. It checks the one that skips runs that cannot win.
// It finds, for each stretch, its longest (by score) run of
// lines identical to a run of one of the files; on a tie the later one
// (in file order, then line order) wins, as in blame.
func bestStretchesPlain(un []stretch, files []*file) []found {
	total := 0
	for _, s := range un {
		total += len(s.lines)
	}
	// Every line of every stretch gets a compact index c.
	owner := make([]int32, total)  // stretch of c
	offset := make([]int32, total) // line of c within its stretch
	prefix := make([]int32, total+1)
	index := make(map[Line][]int32, total)
	var filter [1 << 10]uint64 // 1<<16 bits on the hash's top bits
	c := 0
	for k, s := range un {
		for i, l := range s.lines {
			owner[c], offset[c] = int32(k), int32(i)
			prefix[c+1] = prefix[c] + int32(l.alnum())
			index[l] = append(index[l], int32(c))
			top := uint64(l) >> 48
			filter[top>>6] |= 1 << (top & 63)
			c++
		}
	}
	best := make([]found, len(un))
	// last[c] is the (global) file line where c last matched, runLen[c]
	// the length of the run of matches ending there.
	last := make([]int, total)
	runLen := make([]int32, total)
	for i := range last {
		last[i] = -2
	}
	base := 0
	trim := make([][2]int, len(un)) // per stretch: common prefix and suffix with f
	for fi, f := range files {
		if f == nil || len(f.lines) == 0 {
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
		for j, l := range f.lines {
			top := uint64(l) >> 48
			if filter[top>>6]&(1<<(top&63)) == 0 {
				continue
			}
			cs := index[l]
			g := base + j
			// Highest first, so that c-1 still holds the previous line's run.
			for q := len(cs) - 1; q >= 0; q-- {
				c := cs[q]
				k := owner[c]
				if tr := trim[k]; tr != [2]int{} {
					if int(offset[c]) < tr[0] || int(offset[c]) >= len(un[k].lines)-tr[1] || j < tr[0] || j >= len(f.lines)-tr[1] {
						continue
					}
				}
				n := int32(1)
				if offset[c] > 0 && last[c-1] == g-1 {
					n = runLen[c-1] + 1
				}
				last[c], runLen[c] = g, n
				sc := 1 + int(prefix[c+1]-prefix[c+1-n])
				if sc >= best[k].score {
					best[k] = found{score: sc, t: int(offset[c] - n + 1), n: int(n), j: j - int(n) + 1, f: fi}
				}
			}
		}
		base += len(f.lines) + 2
	}
	return best
}
