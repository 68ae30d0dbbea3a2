package walk_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// TestCombinedDiffsMatchSeparate checks that the hunks the walk reads back
// from git's combined diff of each merge are, path by path, git's own -U0
// diff against each parent, and that the combined diff has every path the
// merge changed relative to both parents: histories with conflicts
// resolved by keeping both sides, lines of the merge's own, renames, files
// with spaces and non-ASCII names, main merged into side branches.
func TestCombinedDiffsMatchSeparate(t *testing.T) {
	t.Parallel()
	for _, seed := range seeds(11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.branches = true
			h.repeated = seed%2 == 0
			h.run(steps(100))
			if merges := len(strings.Fields(r.Git("rev-list", "--merges", "HEAD"))); merges < 3 {
				t.Fatalf("%d merges: the history is not the one the test needs", merges)
			}
			if both := matchCombined(t, r); both == 0 {
				t.Fatal("no merge changed a path relative to both parents: the test checks nothing")
			}
		})
	}
}

// TestCombinedLostBeforeCommonLine reads merges whose combined diff has
// lines lost from a parent just before a line the merge has in common
// with every parent: at the top of a file and in its middle, on one side
// and on both. git prints such a line only as context, so the combined
// diff is read with one line of it; without, the merge's lines after it
// are read one line too early.
func TestCombinedLostBeforeCommonLine(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("top.txt", "lost 1\nlost 2\ncommon\n")
	r.Write("mid.txt", "first\nlost 3\ncommon\nlast\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("top.txt", "lost 1\nlost 2\ncommon\nside\n")
	r.Write("mid.txt", "first\nlost 3\ncommon\nlast\nside\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("top.txt", "lost 1\nlost 2\ncommon\nmain\n")
	r.Write("mid.txt", "first\nlost 3\nlost 4\ncommon\nlast\nmain\n")
	r.Commit("main")
	r.Run("", "git", "merge", "-q", "--no-ff", "--no-commit", "side") // conflicts: resolved below
	r.Write("top.txt", "common\nmain\nside\n")
	r.Write("mid.txt", "first\ncommon\nmerge\nlast\nmain\nside\n")
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "merge")
	if both := matchCombined(t, r); both != 4 {
		t.Fatalf("%d paths changed relative to both parents, want 2 paths x 2 parents", both)
	}
	truth(t, r, "", true)
}

// matchCombined compares the diffs read from the combined diffs of HEAD's
// merges with git's own diff of each merge against each of its two
// parents, and returns how many (path, parent) pairs it compared.
func matchCombined(t *testing.T, r *gittest.Repo) int {
	t.Helper()
	out := r.Git(append(append([]string{}, walk.CombinedArgs...), "HEAD", "--")...)
	got, err := walk.ParseCombined(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	merges := strings.Fields(r.Git("rev-list", "--merges", "HEAD"))
	if len(got) != len(merges) {
		t.Fatalf("%d merges, %d in the combined diffs", len(merges), len(got))
	}
	both := 0
	for _, m := range merges {
		separate := func(parent string) map[string]linemap.Change {
			args := append(append([]string{"diff-tree"}, walk.TreeArgs...), m+"^"+parent, m, "--")
			byPath := map[string]linemap.Change{}
			p := &diff.Parser{OnFile: func(f *diff.File) error {
				ch := linemap.Change{OldPath: f.OldPath, NewPath: f.NewPath, Binary: f.Binary}
				for _, h := range f.Hunks {
					ch.Hunks = append(ch.Hunks, linemap.Hunk{OldStart: h.OldStart, OldLines: h.OldLines, NewStart: h.NewStart, NewLines: h.NewLines})
				}
				if f.NewPath != "" {
					byPath[f.NewPath] = ch
				}
				return nil
			}}
			if err := p.Parse(strings.NewReader(r.Git(args...))); err != nil {
				t.Fatal(err)
			}
			return byPath
		}
		sep := []map[string]linemap.Change{separate("1"), separate("2")}
		for k := range 2 {
			read := map[string]linemap.Change{}
			if parents := got[m]; len(parents) > 0 {
				for _, ch := range parents[k] {
					read[ch.NewPath] = ch
				}
			}
			for path, want := range sep[k] {
				if _, ok := sep[1-k][path]; !ok {
					continue // the other parent's version: not in the combined diff
				}
				both++
				ch, ok := read[path]
				if !ok {
					t.Errorf("merge %.8s: %q changed relative to both parents, not in the combined diff", m, path)
					continue
				}
				if !reflect.DeepEqual(ch, want) {
					t.Errorf("merge %.8s, %q: read %+v, git's diff against parent %d is %+v", m, path, ch, k+1, want)
				}
			}
			for path := range read {
				if _, ok := sep[k][path]; !ok {
					t.Errorf("merge %.8s: %q read from the combined diff but unchanged relative to parent %d", m, path, k+1)
				}
			}
		}
	}
	return both
}

// TestParseCombinedHeaders reads hunks whose header counts git printed
// wrapped below zero, a line lost from both parents, a file new in the
// merge and a binary file.
func TestParseCombinedHeaders(t *testing.T) {
	t.Parallel()
	stream := "commit m1 p1 p2\n\n" +
		"diff --combined a.txt\nindex 1,2..3\n--- a/a.txt\n--- a/old.txt\n+++ b/a.txt\n" +
		"@@@ -174,4 -175,18446744073709551615 +175,18446744073709551615 @@@ func x()\n" +
		"- x\n--y\n ++z\n+ w\n" +
		"diff --combined new.txt\nnew file mode 100644\n--- /dev/null\n--- /dev/null\n+++ b/new.txt\n@@@ -1,0 -1,0 +1,2 @@@\n++a\n++b\n" +
		"diff --combined \"b\\303\\244r.bin\"\nindex 1,2..3\nBinary files differ\n"
	got, err := walk.ParseCombined(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]linemap.Change{{
		{OldPath: "a.txt", NewPath: "a.txt", Hunks: []linemap.Hunk{{OldStart: 174, OldLines: 2, NewStart: 174, NewLines: 0}, {OldStart: 176, OldLines: 0, NewStart: 176, NewLines: 1}}},
		{NewPath: "new.txt", Hunks: []linemap.Hunk{{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 2}}},
		{OldPath: "bär.bin", NewPath: "bär.bin", Binary: true},
	}, {
		{OldPath: "old.txt", NewPath: "a.txt", Hunks: []linemap.Hunk{{OldStart: 175, OldLines: 1, NewStart: 175, NewLines: 1}}},
		{NewPath: "new.txt", Hunks: []linemap.Hunk{{OldStart: 0, OldLines: 0, NewStart: 1, NewLines: 2}}},
		{OldPath: "bär.bin", NewPath: "bär.bin", Binary: true},
	}}
	if !reflect.DeepEqual(got["m1"], want) {
		t.Errorf("read %+v\nwant %+v", got["m1"], want)
	}
}

// TestTruthOctopus walks a merge of three branches that also edits a file
// each of them changed, and a file none did, against git blame.
func TestTruthOctopus(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("a.txt", numbered("a", 1, 9))
	r.Write("b.txt", numbered("b", 1, 9))
	r.Commit("base")
	for i, br := range []string{"one", "two", "three"} {
		r.Git("checkout", "-q", "-b", br, "main")
		r.Write(fmt.Sprintf("f%d.txt", i), numbered(br, 1, 5))
		r.Write("a.txt", numbered("a", 1, 3*i+1)+"AI "+br+"\n"+numbered("a", 3*i+2, 9))
		r.Commit("AI: " + br)
	}
	r.Git("checkout", "-q", "main")
	r.Write("b.txt", numbered("b", 1, 4)+"main\n"+numbered("b", 5, 9))
	r.Commit("main")
	if _, errs, err := r.Run("", "git", "merge", "-q", "--no-ff", "--no-commit", "one", "two", "three"); err != nil {
		t.Fatalf("octopus: %v\n%s", err, errs)
	}
	r.Write("b.txt", numbered("b", 1, 4)+"main\nmerge\n"+numbered("b", 5, 9))
	r.Write("a.txt", "merge top\n"+r.Git("show", ":a.txt"))
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "AI: octopus")
	if got := strings.Fields(r.Git("rev-list", "--min-parents=3", "HEAD")); len(got) != 1 {
		t.Fatalf("%d octopus merges", len(got))
	}
	truth(t, r, "", true)
}

// TestCombinedMergesTraceAsSeparate walks generated histories with merges
// twice, reading the merges from the combined diffs (the default) and
// from full diffs against each parent, and finds the same births, deaths
// and survivors, event by event.
func TestCombinedMergesTraceAsSeparate(t *testing.T) {
	t.Parallel()
	testCombinedAsSeparate(t, false, seeds(12, 21, 16))
}

// With moves, a merge's lines added relative to every parent are searched
// in the files changed relative to each parent: reading the combined diff
// (with the added lines' content) and listing those files only when a
// search needs them finds the same moves, births, deaths and survivors as
// reading every merge against each parent.
func TestCombinedMergesTraceAsSeparateMoves(t *testing.T) {
	t.Parallel()
	testCombinedAsSeparate(t, true, seeds(31, 32, 33, 34))
}

func testCombinedAsSeparate(t *testing.T, moves bool, seeds []int64) {
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			h := newHistory(t, r, seed)
			h.branches = true
			h.repeated = seed%2 == 0
			h.moves = moves
			h.run(steps(100))
			repo := openRepo(t, r)
			trace := func(separate bool) []string {
				var out []string
				opts := walk.Options{
					Attributor:     byMessage,
					SeparateMerges: separate,
					Moves:          moves,
					OnBirth: func(b *walk.Birth) {
						out = append(out, fmt.Sprintf("birth %s %q %d %s", b.Commit.ID, b.Path, b.Lines, b.Attribution.Origin))
					},
					OnDeath: func(d walk.Death) {
						out = append(out, fmt.Sprintf("death %s %q +%d %d by %s %q %s", d.Birth.Commit.ID, d.Birth.Path, d.Offset, d.Lines, d.Commit.ID, d.Path, d.Kind))
					},
					OnMove: func(d walk.Death) {
						out = append(out, fmt.Sprintf("move %s %q +%d %d by %s %q", d.Birth.Commit.ID, d.Birth.Path, d.Offset, d.Lines, d.Commit.ID, d.Path))
					},
				}
				res, err := walk.Run(context.Background(), repo, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range res.Survivors {
					out = append(out, fmt.Sprintf("survivor %s %q +%d %d at %q:%d", s.Birth.Commit.ID, s.Birth.Path, s.Offset, s.Lines, s.Path, s.Line))
				}
				return out
			}
			combined, separate := trace(false), trace(true)
			if len(combined) == 0 {
				t.Fatal("no events: the test checks nothing")
			}
			for i := range max(len(combined), len(separate)) {
				var c, s string
				if i < len(combined) {
					c = combined[i]
				}
				if i < len(separate) {
					s = separate[i]
				}
				if c != s {
					t.Fatalf("event %d of %d/%d: combined %q, separate %q", i, len(combined), len(separate), c, s)
				}
			}
		})
	}
}

// A merge whose last line it has from no parent and which ends without a
// newline: git's combined diff does not always say so ("\\ No newline at
// end of file" is printed in one of these two merges, not in the other),
// and blame tells "X" at the end of a file from "X\n", so with moves the
// merge's file must hold the same content as read from separate diffs.
func TestCombinedMovesLastLineWithoutNewline(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("f.txt", "alpha\nbeta\ngamma\n")
	r.Write("g.txt", "one\ntwo\nthree\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", "alpha\nbeta\ngamma\nside\n")
	r.Write("g.txt", "one\ntwo\nthree\nside\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "alpha\nbeta")
	r.Write("g.txt", "zero\none\ntwo\nthree\n")
	r.Commit("main")
	r.Run("", "git", "merge", "-q", "--no-ff", "--no-commit", "side") // conflicts: resolved below
	r.Write("f.txt", "alpha\nbeta\nthe merge's own last line")
	r.Write("g.txt", "zero\none\ntwo\nthree\nside\nthe merge's own last line")
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "merge")
	repo := openRepo(t, r)
	lines := func(separate bool) map[string][]linemap.Line {
		res, err := walk.Run(context.Background(), repo, walk.Options{Moves: true, SeparateMerges: separate})
		if err != nil {
			t.Fatal(err)
		}
		st := res.Tree.Export()
		out := map[string][]linemap.Line{}
		for i, p := range st.Paths {
			out[p] = st.Versions[st.Files[i]].Lines
		}
		return out
	}
	combined, separate := lines(false), lines(true)
	for _, p := range []string{"f.txt", "g.txt"} {
		c, s := combined[p], separate[p]
		if len(s) == 0 || fmt.Sprint(c) != fmt.Sprint(s) {
			t.Errorf("%s: combined %v, separate %v", p, c, s)
		}
		if want := linemap.LineOf("the merge's own last line", false); len(c) == 0 || c[len(c)-1] != want {
			t.Errorf("%s: last line %v, want %v", p, c, want)
		}
	}
}

// A merge's own lines copied from a file only its first parent changed
// (so it has that parent's version, and the block is gone from it) are
// found in the second parent's version of that file, as blame's search
// for copies in the files changed relative to each parent finds them: the
// files changed relative to the second parent are listed for it.
func TestCombinedMovesCopiedFromSecondParent(t *testing.T) {
	t.Parallel()
	block := "func copiedAcrossTheMerge(alpha, beta int) int {\n\treturn alpha*beta + alpha - beta\n}\n"
	r := newRepo(t)
	r.Write("a.txt", "first line of a\nsecond line of a\n")
	r.Write("lib.txt", "library header line\n"+block+"library footer line\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("a.txt", "first line of a\nsecond line of a\nside adds this\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("a.txt", "main adds this\nfirst line of a\nsecond line of a\n")
	r.Write("lib.txt", "library header line\nlibrary footer line\n")
	r.Commit("main")
	r.Run("", "git", "merge", "-q", "--no-ff", "--no-commit", "side")
	r.Write("a.txt", "main adds this\nfirst line of a\nsecond line of a\nside adds this\n"+block)
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "merge")
	repo := openRepo(t, r)
	merge := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	trace := func(separate bool) ([]string, int) {
		var out []string
		inMerge := 0
		res, err := walk.Run(context.Background(), repo, walk.Options{Moves: true, SeparateMerges: separate,
			OnBirth: func(b *walk.Birth) {
				out = append(out, fmt.Sprintf("birth %s %q %d", b.Commit.ID, b.Path, b.Lines))
				if b.Commit.ID == merge {
					inMerge += b.Lines
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Survivors {
			out = append(out, fmt.Sprintf("survivor %s %q +%d %d at %q:%d", s.Birth.Commit.ID, s.Birth.Path, s.Offset, s.Lines, s.Path, s.Line))
		}
		return out, inMerge
	}
	separate, bornSeparate := trace(true)
	combined, bornCombined := trace(false)
	if bornSeparate != 0 {
		t.Fatalf("the merge is the birth of %d lines read from separate diffs, want none (the block is a copy)", bornSeparate)
	}
	if !reflect.DeepEqual(combined, separate) || bornCombined != 0 {
		t.Fatalf("combined (%d lines born in the merge):\n%s\nseparate:\n%s", bornCombined, strings.Join(combined, "\n"), strings.Join(separate, "\n"))
	}
}
