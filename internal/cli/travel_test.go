package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/cli"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

const claudeTrailer = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"

// world is gittest's World with the helpers these tests add.
type world struct{ *gittest.World }

func newWorld(t *testing.T) *world { return &world{gittest.NewWorld(t)} }

// remoteNote is the note the remote holds for commit ("" if none).
func (w *world) remoteNote(commit string) string {
	out, _, err := w.Remote.Run("", "git", "notes", "--ref="+provenance.NotesRef, "show", commit)
	if err != nil {
		return ""
	}
	return out
}

func nlines(n int, prefix string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(prefix)
		b.WriteString(strings.Repeat("x", i))
		b.WriteByte('\n')
	}
	return b.String()
}

func layoutOf(t *testing.T, r *gittest.Repo, rev string) string {
	t.Helper()
	s := show(t, r, rev)
	if s.Source != "note" {
		t.Errorf("%s: source %q, want note", rev, s.Source)
	}
	return s.layout()
}

func wantLayout(t *testing.T, r *gittest.Repo, rev, want string) {
	t.Helper()
	if got := layoutOf(t, r, rev); got != want {
		t.Errorf("%s layout:\n got %s\nwant %s", rev, got, want)
	}
}

// checkRemoteNotes asserts every commit reachable from the remote's main
// has a note on the remote that describes it.
func (w *world) checkRemoteNotes() {
	w.T.Helper()
	for _, c := range strings.Fields(w.Remote.Git("rev-list", "main")) {
		note := w.remoteNote(c)
		if !strings.Contains(note, `"commit":"`+c+`"`) {
			w.T.Errorf("remote: commit %s has no note of its own:\n%s", c[:12], note)
		}
	}
}

func TestAmendThatDropsTheTrailerKeepsTheNote(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(3, "h"))
	a.Commit("Human start")
	a.Write("f.go", nlines(3, "h")+nlines(2, "ai"))
	a.Commit("Agent adds two lines" + claudeTrailer)
	wantLayout(t, a, "HEAD", "f.go:4-5:ai:claude-code")
	a.Git("commit", "-q", "--amend", "-m", "Agent adds two lines (reworded, no trailer)")
	wantLayout(t, a, "HEAD", "f.go:4-5:ai:claude-code")
	if s := show(t, a, "HEAD"); s.Origin.Origin != "ai" {
		t.Errorf("reworded commit's origin = %q, want ai", s.Origin.Origin)
	}
	// An amend that changes content: the new line is the person's.
	a.Write("f.go", nlines(3, "h")+nlines(2, "ai")+"fixed by hand\n")
	a.Git("commit", "-q", "--amend", "-a", "--no-edit")
	wantLayout(t, a, "HEAD", "f.go:4-5:ai:claude-code f.go:6:human")
	note := a.Git("notes", "--ref="+provenance.NotesRef, "show", "HEAD")
	head := a.Head()
	for _, l := range strings.Split(strings.TrimSpace(note), "\n") {
		if !strings.Contains(l, head) {
			t.Errorf("the note holds a record of another commit: %s", l)
		}
	}
	a.Git("push", "-q", "origin", "main")
	w.checkRemoteNotes()
}

func TestRebaseOntoMovedMain(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(4, "base"))
	a.Commit("Base")
	a.Git("push", "-q", "origin", "main")
	a.Git("checkout", "-q", "-b", "feature")
	a.Write("f.go", nlines(4, "base")+nlines(3, "ai"))
	a.Commit("Agent work" + claudeTrailer)
	a.Write("f.go", nlines(4, "base")+nlines(3, "ai")+nlines(2, "me"))
	a.Write("g.go", nlines(2, "me"))
	a.Commit("My work")
	a.Git("checkout", "-q", "main")
	a.Write("f.go", nlines(2, "top")+nlines(4, "base"))
	a.Commit("Main moves on")
	a.Git("checkout", "-q", "feature")
	a.Git("rebase", "-q", "main")
	wantLayout(t, a, "HEAD~1", "f.go:7-9:ai:claude-code")
	wantLayout(t, a, "HEAD", "f.go:10-11:human g.go:1-2:human")
	a.Git("push", "-q", "origin", "feature:main")
	w.checkRemoteNotes()
}

func TestInteractiveFixupAndSquashInOneFile(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Write("f.go", nlines(2, "base")+nlines(3, "me"))
	a.Commit("Human commit")
	a.Write("f.go", nlines(2, "base")+nlines(3, "me")+nlines(2, "ai"))
	a.Commit("fixup! Human commit" + claudeTrailer)
	a.Write("f.go", nlines(1, "ai-top")+nlines(2, "base")+nlines(3, "me")+nlines(2, "ai"))
	a.Commit("Agent on top" + claudeTrailer)
	a.Write("f.go", nlines(1, "ai-top")+nlines(2, "base")+nlines(3, "me")+nlines(2, "ai")+nlines(1, "mine"))
	a.Commit("Human squash")
	// fixup the AI commit into the human one; squash the human commit
	// into the AI one.
	a.Env = append(a.Env, `GIT_SEQUENCE_EDITOR=sed -i -e '2s/^pick/fixup/' -e '4s/^pick/squash/'`)
	a.Git("rebase", "-q", "-i", "HEAD~4")
	if n := strings.Count(a.Git("log", "--format=%H"), "\n"); n != 3 {
		t.Fatalf("after the rebase: %d commits, want 3", n)
	}
	wantLayout(t, a, "HEAD~1", "f.go:3-5:human f.go:6-7:ai:claude-code")
	wantLayout(t, a, "HEAD", "f.go:1:ai:claude-code f.go:9:human")
	a.Git("push", "-q", "origin", "main")
	w.checkRemoteNotes()
}

// cursorTopic is a clone on branch topic, forked from a base of three
// lines in f.go, with one commit adding two lines annotated as Cursor's
// (f.go:4-5), whose id it returns: a copy of a world built once.
func cursorTopic(t *testing.T) (*world, *gittest.Repo, string) {
	t.Helper()
	w, repos := cursorTopicWorld.copy(t)
	a := repos[0]
	return w, a, a.Head()
}

// cursorTopicWorld is the world of cursorTopic, built once.
var cursorTopicWorld = &worldTemplate{build: func(w *world) []*gittest.Repo {
	a := w.Clone("a")
	a.Write("f.go", nlines(3, "base"))
	a.Commit("Base")
	a.Git("checkout", "-q", "-b", "topic")
	a.Write("f.go", nlines(3, "base")+nlines(2, "cursor"))
	src := a.Commit("Lines an agent wrote, tagged by hand")
	a.MustTool("annotate", src, "--agent", "cursor", "--force")
	return []*gittest.Repo{a}
}}

func TestCherryPickCarriesProvenance(t *testing.T) {
	t.Parallel()
	w, a, src := cursorTopic(t)
	a.Git("checkout", "-q", "main")
	a.Write("f.go", nlines(1, "first")+nlines(3, "base"))
	a.Commit("Main moves on")
	a.Git("cherry-pick", src)
	wantLayout(t, a, "HEAD", "f.go:5-6:ai:cursor")
	a.Git("push", "-q", "origin", "main")
	w.checkRemoteNotes()
}

// agentThenHumanOnFeature commits a base on main, then on a new branch
// "feature" two lines by an agent (its trailer) and two by a human after
// them, and leaves feature checked out.
func agentThenHumanOnFeature(a *gittest.Repo) {
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Git("checkout", "-q", "-b", "feature")
	a.Write("f.go", nlines(2, "base")+nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Write("f.go", nlines(2, "base")+nlines(2, "ai")+nlines(2, "me"))
	a.Commit("Human")
}

func TestMergeSquashCarriesProvenance(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	agentThenHumanOnFeature(a)
	a.Git("checkout", "-q", "main")
	a.Write("g.go", nlines(1, "other"))
	a.Commit("Main moves on")
	a.Git("merge", "-q", "--squash", "feature")
	a.Git("commit", "-q", "--no-edit")
	wantLayout(t, a, "HEAD", "f.go:3-4:ai:claude-code f.go:5-6:human")

	// With a message of one's own, the post-merge hook's record is what
	// names the squashed commits.
	a.Git("reset", "-q", "--hard", "HEAD~1")
	a.Git("merge", "-q", "--squash", "feature")
	a.Tool("", "hook", "post-merge", "1")
	a.Git("commit", "-q", "-m", "Feature, squashed")
	wantLayout(t, a, "HEAD", "f.go:3-4:ai:claude-code f.go:5-6:human")
	a.Git("push", "-q", "origin", "main")
	w.checkRemoteNotes()
}

func TestFreshCloneSeesEveryNoteAfterFetch(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(2, "h"))
	a.Commit("Human")
	a.Write("f.go", nlines(2, "h")+nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Git("push", "-q", "origin", "main")
	w.checkRemoteNotes()

	// A clone made before install, then install and a plain fetch.
	b := gittest.NewAt(t, filepath.Join(w.Root, "b"), filepath.Join(w.Root, "home-b"))
	b.Git("clone", "-q", w.Remote.Dir, b.Dir)
	b.MustTool("install")
	b.Git("fetch", "-q")
	wantLayout(t, b, "HEAD~1", "f.go:1-2:human")
	wantLayout(t, b, "HEAD", "f.go:3-4:ai:claude-code")
	if a.Git("rev-parse", provenance.NotesRef) != b.Git("rev-parse", provenance.NotesRef) {
		t.Error("the clone's notes ref differs from the pusher's")
	}
}

type reportTotals struct {
	Totals map[string]struct {
		Added     int `json:"added"`
		Surviving int `json:"surviving"`
	} `json:"totals"`
	Commits struct {
		Total     int `json:"total"`
		WithNotes int `json:"with_notes"`
	} `json:"commits"`
}

func reportOf(t *testing.T, r *gittest.Repo) reportTotals {
	t.Helper()
	var rep reportTotals
	out := r.MustTool("report", "--format", "json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	return rep
}

func TestTwoClonesPushingConcurrently(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(2, "base"))
	a.Commit("Base")
	a.Git("push", "-q", "-u", "origin", "main")
	b := w.Clone("b")

	a.Write("a.go", nlines(3, "ai"))
	a.Commit("A's agent" + claudeTrailer)
	b.Write("b.go", nlines(2, "me"))
	b.Commit("B by hand")
	b.Write("b.go", nlines(2, "me")+nlines(2, "ai"))
	b.Commit("B's agent" + claudeTrailer)

	a.Git("push", "-q", "origin", "main")
	b.Git("pull", "-q", "--rebase")
	_, stderr, err := b.Run("", "git", "push", "-q", "origin", "main")
	if err != nil || strings.Contains(stderr, "warning") {
		t.Fatalf("B's push: %v\n%s", err, stderr)
	}
	a.Git("pull", "-q", "--rebase")
	w.checkRemoteNotes()
	wantLayout(t, b, "HEAD", "b.go:3-4:ai:claude-code")
	wantLayout(t, b, "HEAD~1", "b.go:1-2:human")
	wantLayout(t, a, "HEAD~2", "a.go:1-3:ai:claude-code")
	ra, rb := reportOf(t, a), reportOf(t, b)
	if ra.Commits.WithNotes != 4 || ra.Commits.Total != 4 {
		t.Errorf("A's report: %+v", ra.Commits)
	}
	ja, _ := json.Marshal(ra)
	jb, _ := json.Marshal(rb)
	if string(ja) != string(jb) {
		t.Errorf("the clones report different figures:\nA %s\nB %s", ja, jb)
	}
	if ra.Totals["ai"].Added != 5 || ra.Totals["human"].Added != 4 {
		t.Errorf("totals = %+v", ra.Totals)
	}
}

func TestRemoteThatRefusesNotesDoesNotStopThePush(t *testing.T) {
	// Not parallel: it writes a hook script that git then runs, and a
	// fork by a parallel test can hold it open for writing (ETXTBSY).
	w := newWorld(t)
	hook := filepath.Join(w.Remote.Dir, "hooks", "pre-receive")
	script := "#!/bin/sh\nwhile read old new ref; do case $ref in refs/notes/*) echo 'notes are not allowed here' >&2; exit 1;; esac; done\nexit 0\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	a := w.Clone("a")
	a.Write("f.go", nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	_, stderr, err := a.Run("", "git", "push", "-q", "origin", "main")
	if err != nil {
		t.Fatalf("the user's push failed: %v\n%s", err, stderr)
	}
	if got := strings.TrimSpace(w.Remote.Git("rev-parse", "main")); got != a.Head() {
		t.Errorf("remote main = %s, want %s", got, a.Head())
	}
	var warnings []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "warning:") {
			warnings = append(warnings, l)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "git ai-survival sync origin") || !strings.Contains(warnings[0], "refused") {
		t.Errorf("want one warning naming the fix, got:\n%s", stderr)
	}
	if w.remoteNote(a.Head()) != "" {
		t.Error("the remote has the note it refused")
	}
}

func TestForeignAndCorruptRemoteNotes(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(2, "ai"))
	a.Commit("Agent" + claudeTrailer)
	a.Git("push", "-q", "origin", "main")
	before := a.Git("rev-parse", provenance.NotesRef)

	// Another tool owns refs/notes/ai-survival on a second remote.
	other := gittest.NewAt(t, filepath.Join(w.Root, "other.git"), filepath.Join(w.Root, "home-other"))
	other.Git("init", "-q", "--bare", "-b", "main", other.Dir)
	a.Git("push", "-q", "--no-verify", other.Dir, "main")
	other.Git("notes", "--ref="+provenance.NotesRef, "add", "-m", "reviewed-by: someone", a.Head())
	a.Git("remote", "add", "other", other.Dir)
	_, stderr, code := a.Tool("", "sync", "other")
	foreign := other.Git("rev-parse", provenance.NotesRef)[:12]
	want := "git-ai-survival: merging the notes of other: " + foreign + ": the notes ref holds no git-ai-survival notes (another tool's?); the local notes are untouched and were not pushed\n"
	if code == 0 || stderr != want {
		t.Errorf("sync with another tool's notes: exit %d, stderr\n%q\nwant\n%q", code, stderr, want)
	}
	if got := a.Git("rev-parse", provenance.NotesRef); got != before {
		t.Error("the local notes moved")
	}
	_, stderr, err := a.Run("", "git", "push", "-q", "other", "main")
	if err != nil || strings.Count(stderr, "warning:") != 1 || !strings.Contains(stderr, "warning: git-ai-survival: provenance notes not pushed: merging the notes of other: "+foreign+": ") {
		t.Errorf("push to a remote with another tool's notes: %v\n%s", err, stderr)
	}

	// A corrupt note on the origin for a commit we hold a good note of.
	c := gittest.NewAt(t, filepath.Join(w.Root, "c"), filepath.Join(w.Root, "home-c"))
	c.Git("clone", "-q", w.Remote.Dir, c.Dir)
	c.Git("fetch", "-q", "origin", provenance.NotesRef+":"+provenance.NotesRef)
	c.Git("notes", "--ref="+provenance.NotesRef, "add", "-f", "-m", "garbage", a.Head())
	c.Git("push", "-q", "origin", provenance.NotesRef)
	good := show(t, a, "HEAD").layout()
	out, stderr, code := a.Tool("", "sync")
	if code != 0 || !strings.Contains(stderr, "not git-ai-survival notes") || !strings.Contains(stderr, "local notes are kept") {
		t.Errorf("sync over a corrupt note: exit %d\n%s%s", code, out, stderr)
	}
	wantLayout(t, a, "HEAD", good)
	// The push that followed mended the remote's note.
	if !strings.Contains(w.remoteNote(a.Head()), `"commit":"`+a.Head()) {
		t.Errorf("remote note after sync: %q", w.remoteNote(a.Head()))
	}
}

func TestNetworkFailureMidSyncLosesNothing(t *testing.T) {
	t.Parallel()
	w, a := newWorldA(t)
	a.Write("f.go", nlines(2, "me"))
	a.Commit("Mine")
	a.Git("push", "-q", "origin", "main")
	b := w.Clone("b")
	b.Write("g.go", nlines(2, "ai"))
	b.Commit("B's agent" + claudeTrailer)
	b.Git("push", "-q", "origin", "main")
	a.Git("fetch", "-q", "origin", "main")

	a.Write("h.go", nlines(1, "me"))
	local := a.Commit("Local only")
	// Fetching works, pushing does not (the push URL is gone).
	a.Git("remote", "set-url", "--push", "origin", filepath.Join(w.Root, "gone.git"))
	_, stderr, code := a.Tool("", "sync")
	if code == 0 || !strings.Contains(stderr, "sync origin") {
		t.Errorf("sync with a broken push URL: exit %d\n%s", code, stderr)
	}
	// Both the local note and the fetched ones are there.
	wantLayout(t, a, local, "h.go:1:human")
	wantLayout(t, a, "origin/main", "g.go:1-2:ai:claude-code")
	// And the remote is unreachable altogether: still nothing lost.
	a.Git("remote", "set-url", "origin", filepath.Join(w.Root, "gone.git"))
	if _, _, code := a.Tool("", "sync"); code == 0 {
		t.Error("sync with no remote succeeded")
	}
	wantLayout(t, a, local, "h.go:1:human")
}

func TestSyncFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
		fail bool
	}{{nil, "", false}, {[]string{"upstream"}, "upstream", false}, {[]string{"a", "b"}, "", true}} {
		io, _, _, _ := cli.Test()
		var got *cli.SyncOptions
		cmd := cli.NewCmdSync(&cli.Factory{IO: io}, func(_ context.Context, o *cli.SyncOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Out)
		cmd.SetErr(io.ErrOut)
		err := cmd.Execute()
		if (err != nil) != tt.fail || !tt.fail && got.Remote != tt.want {
			t.Errorf("sync %v: err %v, opts %+v", tt.args, err, got)
		}
	}
}

func TestSyncOutput(t *testing.T) {
	t.Parallel()
	_, a := newWorldA(t)
	a.Write("f.go", nlines(1, "me"))
	a.Commit("Mine")
	a.Git("push", "-q", "--no-verify", "origin", "main")
	out, errs, code := a.Tool("", "sync")
	if code != 0 || out != "origin: no notes on the remote yet, notes pushed\n" || errs != "" {
		t.Errorf("first sync: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = a.Tool("", "sync", "origin")
	if out != "origin: remote notes already merged, notes up to date\n" {
		t.Errorf("second sync: %q", out)
	}
}
