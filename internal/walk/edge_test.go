package walk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func numbered(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}

func run(t *testing.T, r *gittest.Repo, opts walk.Options) *walk.Result {
	t.Helper()
	res, err := walk.Run(context.Background(), openRepo(t, r), opts)
	if err != nil {
		t.Fatalf("walk %q: %v", opts.Range, err)
	}
	return res
}

func TestPathsQuotingCRLFAndFinalNewline(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	names := []string{"a b.txt", "ünï/cödé.go", "new\nline.txt", "tab\there.txt", `quote".txt`, "back\\slash.txt"}
	for i, n := range names {
		r.Write(n, numbered("v1 "+fmt.Sprint(i), 1, 5))
	}
	r.Write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
	r.Write("nonl.txt", "a\nb\nc") // no final newline
	r.Commit("AI: first")
	r.Write("a b.txt", numbered("v2", 1, 3)+numbered("v1 0", 2, 5))
	r.Write("crlf.txt", "one\r\nTWO\r\nthree\r\nfour\r\n")
	r.Write("nonl.txt", "a\nb\nC")
	r.Git("mv", "new\nline.txt", "renamed\nfile.txt")
	r.Commit("second")
	r.Write("renamed\nfile.txt", numbered("v1 2", 1, 4)+"v3\n")
	r.Write("nonl.txt", "a\nb\nC\nd\n")
	r.Commit("AI: third")
	truth(t, r, "", true)
}

func TestEmptyCommitsAndMerges(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("f.txt", numbered("base", 1, 10))
	r.Commit("AI: base")
	r.Commit("empty")
	r.Git("checkout", "-q", "-b", "side")
	r.Commit("AI: empty on side")
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--no-ff", "-m", "merge of nothing", "side") // no diff against either parent
	r.Tick()
	// A merge identical to its second parent, whose first parent differs.
	r.Git("checkout", "-q", "side")
	r.Write("f.txt", numbered("base", 1, 5)+"side\n"+numbered("base", 6, 10))
	r.Commit("side edit")
	r.Git("checkout", "-q", "main")
	r.Write("g.txt", "main only\n")
	r.Commit("AI: main edit")
	r.Git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	r.Tick()
	truth(t, r, "", true)
}

func TestOctopusMerge(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("a.txt", numbered("a", 1, 6))
	r.Write("b.txt", numbered("b", 1, 6))
	r.Write("c.txt", numbered("c", 1, 6))
	r.Commit("base")
	for i, f := range []string{"a", "b", "c"} {
		r.Git("checkout", "-q", "-b", "br"+f, "main")
		r.Write(f+".txt", numbered(f, 1, 3)+fmt.Sprintf("new %d\n", i)+numbered(f, 4, 6))
		r.Commit("AI: on " + f)
	}
	r.Git("checkout", "-q", "main")
	r.Write("d.txt", "main\n")
	r.Commit("main")
	r.Git("merge", "-q", "--no-ff", "-m", "octopus", "bra", "brb", "brc")
	r.Tick()
	truth(t, r, "", true)
}

func TestBinaryFilesDoNotCount(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("img.bin", "\x00\x01\x02\nabc\n")
	r.Write("text.txt", numbered("t", 1, 4))
	r.Commit("AI: add")
	r.Write("img.bin", "\x00\x01\x03\nabd\nmore\n")
	r.Write("text.txt", numbered("t", 1, 5))
	r.Commit("edit")
	r.Git("mv", "img.bin", "moved.bin")
	r.Commit("AI: move")
	e := newEvents(t)
	res := run(t, r, e.options(""))
	e.check(res)
	for _, b := range e.births {
		if strings.HasSuffix(b.Path, ".bin") {
			t.Errorf("binary %s has %d lines born", b.Path, b.Lines)
		}
	}
	if got := lineCount(res.Survivors); got != 5 {
		t.Errorf("%d lines survive, want the 5 of text.txt", got)
	}
}

// A filter decides what counts, never which commit a line belongs to: a
// file renamed from an excluded path into an included one keeps the
// commits that wrote its lines, and lines count under the path where they
// end (where they survive, or where they died).
func TestFilterCountsWhereLinesEnd(t *testing.T) {
	r := newRepo(t)
	r.Write("src/a.go", numbered("a", 1, 5))
	r.Write("vendor/v.go", numbered("v", 1, 50))
	r.Write("vendor/gone.go", numbered("g", 1, 3))
	first := r.Commit("both")
	r.Write("src/a.go", numbered("a", 1, 7))
	r.Git("mv", "vendor/v.go", "src/v.go")
	r.Write("src/v.go", numbered("v", 1, 40))
	r.Git("rm", "-q", "vendor/gone.go")
	r.Commit("edit, move v.go out of vendor/, drop gone.go")
	e := newEvents(t)
	opts := e.options("")
	coll := survival.NewCollector()
	coll.Filter = func(p string) bool { return !strings.HasPrefix(p, "vendor/") }
	onCommit, onBirth, onDeath := opts.OnCommit, opts.OnBirth, opts.OnDeath
	opts.OnCommit = func(c *walk.Commit) { onCommit(c); coll.Commit(c) }
	opts.OnBirth = func(b *walk.Birth) { onBirth(b); coll.Birth(b) }
	opts.OnDeath = func(d walk.Death) { onDeath(d); coll.Death(d) }
	res := run(t, r, opts)
	e.check(res)
	// The walk follows every file: 58 lines born in the first commit,
	// 2 in the second; 10 of v.go and 3 of gone.go die.
	if got := sumBorn(e.bornBy()); got != 60 {
		t.Errorf("%d lines born, want 60 (every path is walked)", got)
	}
	fromFirst := 0
	for _, s := range res.Survivors {
		if s.Path == "src/v.go" && s.Birth.Commit.ID == first {
			fromFirst += s.Lines
		}
	}
	if fromFirst != 40 {
		t.Errorf("%d lines of src/v.go from the first commit, want 40 (as git blame says)", fromFirst)
	}
	rep := coll.Report(res.Range, res.End, res.Survivors)
	// Counted: src/a.go (7 survive) and src/v.go (40 survive where they
	// end); the 10 lines the rename cut died under vendor/v.go (they were
	// never in src/), and gone.go under vendor/: neither counts.
	u := rep.Totals.Human
	u.Added += rep.Totals.AI.Added + rep.Totals.Unknown.Added
	u.Surviving += rep.Totals.AI.Surviving + rep.Totals.Unknown.Surviving
	u.Deleted += rep.Totals.AI.Deleted + rep.Totals.Unknown.Deleted
	if u.Added != 47 || u.Surviving != 47 || u.Deleted != 0 {
		t.Errorf("added %d, surviving %d, deleted %d; want 47, 47, 0", u.Added, u.Surviving, u.Deleted)
	}
}

// Per-line provenance: a note can say lines 2-3 of a file are the agent's
// and the rest a person's.
func TestLineLevelAttribution(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("f.txt", numbered("x", 1, 5))
	id := r.Commit("mixed")
	ai := provenance.Attribution{Origin: provenance.AI, Agent: "cursor", Model: "m1", Evidence: provenance.EvidenceCheckpoint}
	attr := walk.AttributorFunc(func(c *walk.Commit) (provenance.Commit, provenance.Source, error) {
		p := provenance.Commit{ID: c.ID, Default: provenance.HumanAttribution(), HasDefault: true, Files: map[string][]provenance.Span{}}
		if c.ID == id {
			p.Files["f.txt"] = []provenance.Span{{Range: provenance.Range{Start: 2, End: 3}, Attribution: ai}}
		}
		return p, provenance.SourceNote, nil
	})
	var births []*walk.Birth
	res := run(t, r, walk.Options{Attributor: attr, OnBirth: func(b *walk.Birth) { births = append(births, b) }})
	got := map[string]int{}
	for _, b := range births {
		got[b.Attribution.Label()] += b.Lines
	}
	if got["human"] != 3 || got["ai (cursor, m1)"] != 2 {
		t.Errorf("births %v", got)
	}
	var order []string
	for _, s := range res.Survivors {
		order = append(order, fmt.Sprintf("%d+%d:%s", s.Line, s.Lines, s.Birth.Attribution.Origin))
	}
	if want := "1+1:human 2+2:ai 4+2:human"; strings.Join(order, " ") != want {
		t.Errorf("survivors %v, want %s", order, want)
	}
}

func TestMillionLineFile(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large file")
	}
	r := newRepo(t)
	const n = 1_000_000
	var b strings.Builder
	b.Grow(n * 12)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	big := b.String()
	r.Write("big.txt", big)
	r.Commit("AI: big")
	// Replace one line in every thousand, near the start, middle and end
	// of each block, and append a few.
	lines := strings.SplitAfter(big, "\n")
	lines = lines[:len(lines)-1]
	for i := 500; i < n; i += 1000 {
		lines[i] = fmt.Sprintf("edited %d\n", i)
	}
	r.Write("big.txt", strings.Join(lines, "")+"tail 1\ntail 2\n")
	r.Commit("edit")
	r.Git("mv", "big.txt", "moved.txt")
	r.Commit("AI: rename")
	e := newEvents(t)
	res := run(t, r, e.options(""))
	e.check(res)
	// (a walked commit keeps no message: subjects come from git)
	subject := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.Git("log", "--format=%H %s")), "\n") {
		id, s, _ := strings.Cut(l, " ")
		subject[id] = s
	}
	byCommit := map[string]int{}
	for _, s := range res.Survivors {
		byCommit[subject[s.Birth.Commit.ID]] += s.Lines
	}
	if byCommit["AI: big"] != n-1000 || byCommit["edit"] != 1002 {
		t.Errorf("survivors by commit %v", byCommit)
	}
	if e.deaths != 1000 {
		t.Errorf("%d deaths, want 1000", e.deaths)
	}
	ns := numstat(t, r, "HEAD")
	for id, born := range e.bornBy() {
		if ns[id] != born {
			t.Errorf("commit %.8s: %d born, numstat %d", id, born, ns[id])
		}
	}
}

func TestRangeErrors(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	repo := openRepo(t, r)
	if _, err := walk.Run(context.Background(), repo, walk.Options{}); err == nil || !strings.Contains(err.Error(), "no commits") {
		t.Errorf("empty repository: %v", err)
	}
	r.Write("f", "x\n")
	r.Commit("one")
	for rng, want := range map[string]string{
		"nope..HEAD":  `"nope" does not name a commit`,
		"HEAD..nope":  `"nope" does not name a commit`,
		"missing":     `"missing" does not name a commit`,
		"HEAD...HEAD": "symmetric difference",
		"--all":       "not a revision",
	} {
		_, err := walk.Run(context.Background(), repo, walk.Options{Range: rng})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("range %q: error %v, want it to say %s", rng, err, want)
		}
	}
	// An empty range is no error: nothing was added.
	res, err := walk.Run(context.Background(), repo, walk.Options{Range: "HEAD..HEAD"})
	if err != nil || res.Commits != 0 || len(res.Survivors) != 0 || res.End == "" {
		t.Errorf("empty range: %+v, %v", res, err)
	}
}

func TestRangeStartingAtMergeBoundary(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("f.txt", numbered("base", 1, 8))
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", numbered("base", 1, 4)+"side\n"+numbered("base", 5, 8))
	r.Write("s.txt", "side file\n")
	r.Commit("AI: side")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "top\n"+numbered("base", 1, 8))
	start := r.Commit("main")
	r.Git("merge", "-q", "--no-ff", "-m", "merge", "side")
	r.Tick()
	r.Write("f.txt", "top\n"+numbered("base", 1, 4)+"side\nafter\n"+numbered("base", 5, 8))
	r.Commit("AI: after")
	// side's commit is in start..HEAD; base and main are not.
	truth(t, r, start+"..HEAD", true)
	truth(t, r, "side..HEAD", true)
}

func TestShallowClone(t *testing.T) {
	t.Parallel()
	src := newRepo(t)
	for i := range 4 {
		src.Write("f.txt", numbered("l", 1, 3*(i+1)))
		src.Commit(fmt.Sprintf("AI: %d", i))
	}
	clone := &gittest.Repo{T: t, Dir: filepath.Join(filepath.Dir(src.Dir), "clone"), Home: src.Home, Env: src.Env}
	clone.Git("clone", "-q", "--depth", "2", "file://"+src.Dir, clone.Dir)
	repo := openRepo(t, clone)
	_, err := walk.Run(context.Background(), repo, walk.Options{})
	if !errors.Is(err, walk.ErrShallow) || !strings.Contains(err.Error(), "git fetch --unshallow") {
		t.Fatalf("walk of a shallow clone: %v", err)
	}
	t.Log(err)
	// A range that stays inside the clone's history works.
	res, err := walk.Run(context.Background(), repo, walk.Options{Range: "HEAD~1..HEAD", Attributor: byMessage})
	if err != nil {
		t.Fatal(err)
	}
	if got := lineCount(res.Survivors); got != 3 {
		t.Errorf("%d lines survive in HEAD~1..HEAD, want 3", got)
	}
}

func TestMissingObject(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("keep.txt", "k\n")
	r.Write("lost.txt", numbered("x", 1, 3))
	r.Commit("one")
	r.Write("lost.txt", numbered("x", 1, 4))
	r.Commit("two")
	blob := strings.TrimSpace(r.Git("rev-parse", "HEAD~1:lost.txt"))
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	_, err := walk.Run(context.Background(), openRepo(t, r), walk.Options{})
	if err == nil || !strings.Contains(err.Error(), blob) || !strings.Contains(err.Error(), "lost.txt") {
		t.Fatalf("error %v should name object %s and lost.txt", err, blob)
	}
	t.Log(err)
}

func TestProgressAndCancel(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	for i := range 5 {
		r.Write("f.txt", numbered("l", 1, i+1))
		r.Commit(fmt.Sprint(i))
	}
	var calls []string
	run(t, r, walk.Options{OnProgress: func(done, total int) { calls = append(calls, fmt.Sprintf("%d/%d", done, total)) }})
	if got := strings.Join(calls, " "); got != "1/5 2/5 3/5 4/5 5/5" {
		t.Errorf("progress %s", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := walk.Run(ctx, openRepo(t, r), walk.Options{OnCommit: func(*walk.Commit) {
		if n++; n == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

func TestCommitMetadata(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("f", "x\n")
	r.Git("add", "-A")
	r.Git("-c", "user.name=Ann Author", "-c", "user.email=ann@example.com", "commit", "-q", "-m", "Subject\n\nBody line\n\nCo-authored-by: Claude <noreply@anthropic.com>")
	var got *walk.Commit
	var msg string
	run(t, r, walk.Options{OnCommit: func(c *walk.Commit) { got, msg = c, c.Message }})
	if got.Author != "Ann Author <ann@example.com>" || got.Committer != "Ann Author <ann@example.com>" ||
		got.AuthorTime.Unix() != gittest.Epoch || !strings.Contains(msg, "Co-authored-by: Claude") ||
		len(got.Parents) != 0 || got.Index != 0 {
		t.Errorf("commit %+v, message %q", got, msg)
	}
	// Applied, the commit keeps what the figures read, not its message.
	if got.Message != "" || got.ID == "" || got.Provenance.ID != got.ID {
		t.Errorf("commit after the walk %+v", got)
	}
}
