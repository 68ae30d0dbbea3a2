package walk_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

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
// line with git blame -M -C -C. Blame searches for the source of a moved
// block among the lines that survive to the end, cut into stretches
// wherever a later commit changed lines between them, while the walk
// decides at the commit that moves the block, on the whole block. So each
// line where they disagree is checked against git blame -M -C -C run at
// the commit that moved it (the newer of the two commits they name):
// there, the block is whole, and blame must agree with the walk, or name
// an older commit that moved it, where the same holds, and so on. It
// returns the number of lines that disagree at the end.
func movesTruth(t *testing.T, r *gittest.Repo) (surviving, differ int) {
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
	atCommit := map[[2]string][]blamed{}
	unexplained := 0
	for p, lines := range final {
		for i, b := range lines {
			w := got[p][i]
			if w == b.commit {
				continue
			}
			differ++
			// Follow blame back from the commit it names while that is
			// newer than the walk's: each step is blame at that commit,
			// where the block it moved or copied is whole.
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
				continue
			}
			unexplained++
			t.Errorf("%s:%d: the walk says born in %.8s, git blame -M -C -C in %.8s (line %d of %s there)", p, i+1, w, b.commit, b.line, b.path)
		}
	}
	t.Logf("moves: %d of %d surviving lines disagree with blame at the end, all agreeing with blame at the commit that moved them (%d unexplained)", differ, surviving, unexplained)
	return surviving, differ
}

func TestTruthMoves(t *testing.T) {
	for _, seed := range []int64{31, 32, 33, 34} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.moves = true
			h.run(80)
			surviving, differ := movesTruth(t, r)
			if differ*10 > surviving {
				t.Errorf("%d of %d lines differ from blame: more than 10%%", differ, surviving)
			}
		})
	}
}
