package walk_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// checkMoves runs movesTruth and bounds the differences: none for lines
// cut into small pieces after their move (the walk settles a block on the
// pieces of it that survive, as blame does), in these histories where a
// fifth of the changes move blocks of 1 to 8 lines and later edits cut
// into them; lines paired differently are none unless repeated lines are
// common, and then at most 2%.
func checkMoves(t *testing.T, r *gittest.Repo, repeated bool) {
	t.Helper()
	surviving, fragmented, aligned := movesTruth(t, r)
	if fragmented > 0 {
		t.Errorf("%d of %d lines differ from blame for being cut after their move", fragmented, surviving)
	}
	if !repeated && aligned > 0 || aligned*100 > surviving*2 {
		t.Errorf("%d of %d lines are paired differently from blame", aligned, surviving)
	}
}

// move moves or copies a block of 1 to 8 lines: within a file, to another
// file, or into a new file made of blocks of existing files and new lines.
func (h *history) move(files []string) {
	from := files[h.rnd.Intn(len(files))]
	lines := h.read(from)
	if len(lines) < 2 {
		h.edit(from)
		return
	}
	n := 1 + h.rnd.Intn(min(8, len(lines)-1))
	pos := h.rnd.Intn(len(lines) - n + 1)
	block := append([]string(nil), lines[pos:pos+n]...)
	rest := append(lines[:pos:pos], lines[pos+n:]...)
	insert := func(into []string, block []string) []string {
		at := h.rnd.Intn(len(into) + 1)
		return append(into[:at:at], append(append([]string(nil), block...), into[at:]...)...)
	}
	switch k := h.rnd.Intn(10); {
	case k < 3: // within the file
		h.write(from, insert(rest, block))
	case k < 4: // copied within the file
		h.write(from, insert(lines, block))
	case k < 6 && len(files) > 1: // to another file
		to := files[h.rnd.Intn(len(files))]
		if to == from {
			h.write(from, insert(rest, block))
			return
		}
		h.write(from, rest)
		h.write(to, insert(h.read(to), block))
	default: // copied into a new file, with some new lines and maybe a second block
		out := block
		if h.rnd.Intn(2) == 0 {
			out = insert(out, h.lines(1+h.rnd.Intn(4)))
		}
		if other := files[h.rnd.Intn(len(files))]; h.rnd.Intn(2) == 0 {
			ol := h.read(other)
			if len(ol) > 2 {
				m := 1 + h.rnd.Intn(min(6, len(ol)-1))
				p := h.rnd.Intn(len(ol) - m + 1)
				out = insert(out, ol[p:p+m])
			}
		}
		if h.rnd.Intn(3) == 0 { // a move, not a copy
			h.write(from, rest)
		}
		h.write(h.freePath(), out)
	}
}

// blamed is one line of git blame --porcelain: the commit, and the line's
// path and number in that commit.
type blamed struct {
	commit, path string
	line         int
}

// blameFile runs git blame --porcelain with flags on path at rev.
func blameFile(t testing.TB, r *gittest.Repo, flags []string, rev, path string) []blamed {
	t.Helper()
	out := r.Git(append(append([]string{"-c", "core.quotePath=false", "blame", "--porcelain"}, flags...), rev, "--", path)...)
	var lines []blamed
	paths := map[string]string{}
	var cur *blamed
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case strings.HasPrefix(l, "\t"):
			if cur != nil {
				if p, ok := paths[cur.commit]; ok && cur.path == "" {
					cur.path = p
				}
				lines = append(lines, *cur)
				cur = nil
			}
		case len(f) >= 3 && len(f) <= 4 && len(f[0]) == 40 && isHex(f[0]):
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("blame line %q", l)
			}
			cur = &blamed{commit: f[0], line: n}
		case strings.HasPrefix(l, "filename ") && cur != nil:
			cur.path = strings.TrimPrefix(l, "filename ")
			if strings.HasPrefix(cur.path, `"`) {
				if u, err := strconv.Unquote(cur.path); err == nil {
					cur.path = u
				}
			}
			paths[cur.commit] = cur.path
		}
	}
	return lines
}

// movesTruth walks the history with moves and compares every surviving
// line with git blame -M -C -C, and the lines surviving per origin.
//
// Blame searches for the source of a moved block among the lines that
// survive to the end, cut into stretches wherever a later commit changed
// lines between them; the walk finds the block at the commit that moves
// it and settles it at the end on the same stretches. Where the walk
// still names an older commit than blame, the line is checked against git
// blame -M -C -C run at the commit blame names: there the block is whole,
// and blame must agree with the walk, or name an older commit that moved
// it, where the same holds, and so on. Those lines are counted in
// fragmented.
//
// Blame pairs the lines of a block with a file by diffing them (xdiff:
// common first and last lines, then an LCS, then sliding changes down);
// the walk takes the common first and last lines, then the longest run of
// identical lines. With lines repeated near a moved block (blank lines,
// braces) the two can pair them differently; other differences are
// counted in aligned.
func movesTruth(t *testing.T, r *gittest.Repo) (surviving, fragmented, aligned int) {
	t.Helper()
	res, _ := truthWith(t, r, "", false, true)
	flags := []string{"-M", "-C", "-C"}
	lens := map[string]int{}
	final := map[string][]blamed{}
	for _, p := range strings.Split(strings.TrimSuffix(r.Git("ls-tree", "-r", "-z", "--name-only", res.End), "\x00"), "\x00") {
		final[p] = blameFile(t, r, flags, res.End, p)
		lens[p] = len(final[p])
		surviving += lens[p]
	}
	got := walkOwners(res, lens)
	order := map[string]int{}
	for i, id := range strings.Fields(r.Git("rev-list", "--reverse", "--topo-order", res.End)) {
		order[id] = i
	}
	commits := rangeCommits(t, r, res.End)
	atCommit := map[[2]string][]blamed{}
	originDiff := map[provenance.Origin]int{}
	var paths []string
	for p := range final {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for i, b := range final[p] {
			w := got[p][i]
			if w == b.commit {
				continue
			}
			wo, _ := originOf(commits[w])
			bo, _ := originOf(commits[b.commit])
			originDiff[wo.Origin]++
			originDiff[bo.Origin]--
			at := b
			for order[w] < order[at.commit] {
				key := [2]string{at.commit, at.path}
				if atCommit[key] == nil {
					atCommit[key] = blameFile(t, r, flags, at.commit, at.path)
				}
				then := atCommit[key]
				if at.line > len(then) || then[at.line-1].commit == at.commit {
					break
				}
				at = then[at.line-1]
			}
			if at.commit == w {
				fragmented++
				continue
			}
			aligned++
			t.Logf("%s:%d: the walk says born in %.8s, git blame -M -C -C in %.8s (line %d of %s there)", p, i+1, w, b.commit, b.line, b.path)
		}
	}
	// Per origin, the walk and blame differ by the lines above only.
	gotBy := map[provenance.Origin]int{}
	for _, s := range res.Survivors {
		gotBy[s.Birth.Attribution.Origin] += s.Lines
	}
	wantBy := map[provenance.Origin]int{}
	for _, lines := range final {
		for _, b := range lines {
			if c, ok := commits[b.commit]; ok {
				a, _ := originOf(c)
				wantBy[a.Origin]++
			}
		}
	}
	for _, o := range provenance.Origins {
		if gotBy[o]-wantBy[o] != originDiff[o] {
			t.Errorf("surviving %s lines: walk %d, blame %d, a difference the %d differing lines do not make", o, gotBy[o], wantBy[o], fragmented+aligned)
		}
	}
	t.Logf("moves: of %d surviving lines, %d differ from blame at the end but agree with blame at the commit that moved them, %d differ otherwise; surviving per origin: walk %v, blame %v",
		surviving, fragmented, aligned, gotBy, wantBy)
	return surviving, fragmented, aligned
}

func TestTruthMoves(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(31, 32, 33, 34) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.moves = true
			h.run(steps(80))
			checkMoves(t, r, false)
			// A range: files from before it are background, read so that
			// moves out of them keep their place before the range (blame:
			// lines of the range's start); the same as blame, line by line.
			start := strings.TrimSpace(r.Git("rev-parse", fmt.Sprint("HEAD~", steps(40))))
			if _, differ := truthWith(t, r, start+"..HEAD", true, true); differ != 0 {
				t.Errorf("range: %d surviving lines differ from blame", differ)
			}
		})
	}
}

// Moves on branches, merged back: blame looks for the lines a merge adds
// in each parent in turn.
func TestTruthMovesMerges(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(41, 42, 43) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.moves = true
			h.branches = true
			h.run(steps(80))
			checkMoves(t, r, false)
		})
	}
}

// Moves among repeated lines (blank lines, braces), which blame's diff
// may pair differently from the walk's search.
func TestTruthMovesRepeatedLines(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(51, 52) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.moves = true
			h.repeated = true
			h.branches = seed == 52
			h.run(steps(80))
			checkMoves(t, r, true)
		})
	}
}

// A block moved, in a range, out of a file that existed before the range
// started is not the range's: git blame -M -C -C A..B gives it to the
// boundary, and so does the walk, which reads the boundary's files.
func TestMovesFromBeforeTheRange(t *testing.T) {
	r := newRepo(t)
	fn := func(name string) string {
		return fmt.Sprintf("func %s(values []int) int {\n\ttotal := 0\n\tfor _, v := range values {\n\t\ttotal += v * 2\n\t}\n\treturn total\n}\n", name)
	}
	r.Write("old.go", "package x\n\n"+fn("Double")+"\n"+fn("Twice"))
	r.Write("keep.go", "package x\n\n"+fn("Kept"))
	start := r.Commit("before the range")
	r.Write("old.go", "package x\n\n"+fn("Twice"))
	r.Write("new.go", "package x\n\n"+fn("Double")+"\nvar added = 1\n")
	r.Commit("AI: move Double to new.go")
	r.Write("copy.go", "package x\n\n"+fn("Kept")+"\nvar more = 2\n")
	r.Commit("AI: copy Kept from a file the commit does not touch")
	res, differ := truthWith(t, r, start+"..HEAD", true, true)
	if differ != 0 {
		t.Errorf("%d lines differ from git blame -M -C -C", differ)
	}
	// Born in the range and surviving: "var added = 1", "var more = 2"
	// and a blank line before it. The functions, with the "package x" and
	// blank lines above them, are the boundary's (copied with them).
	if got := lineCount(res.Survivors); got != 3 {
		t.Errorf("%d lines of the range survive, want 3", got)
	}
}

// Blame decides on a moved block with the lines of it that survive, in
// the pieces later commits left: a block moved whole and then cut into
// pieces each too small for the threshold is, to git blame -M -C -C, born
// in the commit that moved it. Within a file (-M, 20), across files (-C,
// 40), and out of a file from before the range (background).
func TestMovesCutAfterTheMove(t *testing.T) {
	r := newRepo(t)
	fn := func(name string) []string {
		return []string{
			"func " + name + "(values []int) int {",
			"\ttotal := 0",
			"\tfor _, v := range values {",
			"\t\ttotal += v * 2",
			"\t}",
			"\treturn total",
			"}",
		}
	}
	join := func(parts ...[]string) string { return strings.Join(slicesConcat(parts...), "\n") + "\n" }
	head := []string{"package x", ""}
	tail := []string{""}
	for i := 0; i < 10; i++ {
		tail = append(tail, fmt.Sprintf("var keep%d = \"a line that stays where it is\"", i))
	}
	r.Write("a.go", join(head, fn("Double"), tail))
	r.Write("c.go", join(head, fn("Triple"), tail))
	start := r.Commit("first")
	r.Write("a.go", join(head, tail, fn("Double")))         // moved within a.go
	r.Write("b.go", join(head, fn("Triple"), []string{""})) // moved across files
	r.Write("c.go", join(head, tail))
	r.Commit("AI: move Double down and Triple to b.go")
	cut := func(name string) []string {
		l := fn(name)
		l[1] = "\ttotal := 1 // start at one"
		l[4] = "\t} // end of the loop"
		return l
	}
	r.Write("a.go", join(head, tail, cut("Double")))
	r.Write("b.go", join(head, cut("Triple"), []string{""}))
	r.Commit("cut the moved blocks into small pieces")
	if _, differ := truthWith(t, r, "", true, true); differ != 0 {
		t.Errorf("whole history: %d lines differ from git blame -M -C -C", differ)
	}
	if _, differ := truthWith(t, r, start+"..HEAD", true, true); differ != 0 {
		t.Errorf("range: %d lines differ from git blame -M -C -C", differ)
	}
}

func slicesConcat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Thresholds (--moves=100): the walk traces as git blame -M100 -C100 -C
// does (the search of -M -C -C, with -C100 one of the two -C), line by
// line.
func TestTruthMovesThresholds(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(35, 36) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.moves = true
			h.run(steps(80))
			opts := newEvents(t).options("")
			opts.Moves = true
			opts.MoveThresholds = walk.Thresholds{Within: 100, Across: 100}
			res, err := walk.Run(context.Background(), openRepo(t, r), opts)
			if err != nil {
				t.Fatal(err)
			}
			inRange := map[string]bool{}
			for id := range rangeCommits(t, r, "HEAD") {
				inRange[id] = true
			}
			want, lens := blameOwnersWith(t, r, []string{"-M100", "-C100", "-C"}, "HEAD", res.End, inRange, nil)
			if differ := compareOwners(t, walkOwners(res, lens), want, true); differ != 0 {
				t.Errorf("%d lines differ from git blame -M100 -C100 -C", differ)
			}
			// The thresholds matter: the defaults trace more lines to older commits.
			def, _ := blameOwnersWith(t, r, []string{"-M", "-C", "-C"}, "HEAD", res.End, inRange, nil)
			if compareOwners(t, def, want, false) == 0 {
				t.Errorf("the history has no block that only the default thresholds keep")
			}
		})
	}
}

// A block moved twice, then cut: each piece is decided at each move, the
// newest first, with that move's threshold. Pieces that pass the second
// move (within a file, -M 20) but not the first (across files, -C 40) are
// born in the first move; pieces too small for the second, in the second.
func TestMovesCutAfterTwoMoves(t *testing.T) {
	r := newRepo(t)
	fn := []string{
		"func Double(values []int) int {",
		"\ttotal := 0",
		"\tfor _, v := range values {",
		"\t\ttotal += v * 2",
		"\t}",
		"\treturn total",
		"}",
	}
	var tail []string
	for i := 0; i < 10; i++ {
		tail = append(tail, fmt.Sprintf("var keep%d = \"a line that stays where it is\"", i))
	}
	join := func(parts ...[]string) string { return strings.Join(slicesConcat(parts...), "\n") + "\n" }
	r.Write("a.go", join([]string{"package x", ""}, fn, tail))
	r.Write("b.go", join([]string{"package y", ""}, tail))
	r.Commit("first")
	r.Write("a.go", join([]string{"package x", ""}, tail))
	r.Write("b.go", join([]string{"package y", ""}, fn, tail))
	r.Commit("AI: move Double to b.go")
	r.Write("b.go", join([]string{"package y", ""}, tail, fn))
	r.Commit("NOTE: move Double down")
	cut := append([]string(nil), fn...)
	cut[1] = "\ttotal := 1 // start at one"
	cut[4] = "\t} // end of the loop"
	r.Write("b.go", join([]string{"package y", ""}, tail, cut))
	r.Commit("cut Double into small pieces")
	res, differ := truthWith(t, r, "", true, true)
	if differ != 0 {
		t.Errorf("%d lines differ from git blame -M -C -C", differ)
	}
	// Born in the first move: the function's first line and the loop's
	// two lines (the pieces pass 20, not 40); in the second: the last two.
	commits := map[string]int{}
	for _, s := range res.Survivors {
		if s.Path == "b.go" {
			commits[firstLine(rangeCommits(t, r, s.Birth.Commit.ID, "-1")[s.Birth.Commit.ID])] += s.Lines
		}
	}
	if commits["AI: move Double to b.go"] != 3 || commits["NOTE: move Double down"] != 2 {
		t.Errorf("b.go lines by commit: %v", commits)
	}
}
