package restore_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
)

// world is gittest's World with the helpers these tests add.
type world struct{ *gittest.World }

func (w *world) rev(rev string) string {
	return strings.TrimSpace(w.Remote.Git("rev-parse", rev))
}

// replay makes, on the server and with plumbing only, the tree of onto
// with commit's changes applied (the paths commit changed take commit's
// content), as a rebase that met no conflict makes it.
func (w *world) replay(onto string, commits ...string) string {
	w.T.Helper()
	idx := *w.Remote
	idx.Env = append(append([]string{}, w.Remote.Env...), "GIT_INDEX_FILE="+filepath.Join(w.Root, "server-index"))
	idx.Git("read-tree", onto+"^{tree}")
	for _, c := range commits {
		out := idx.Git("diff-tree", "-r", "--no-commit-id", "--no-renames", c)
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			meta, path, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			f := strings.Fields(meta)
			if f[4] == "D" {
				idx.Git("update-index", "--force-remove", "--", path)
			} else {
				idx.Git("update-index", "--add", "--cacheinfo", strings.TrimPrefix(f[1], ":")+","+f[3]+","+path)
			}
		}
	}
	return strings.TrimSpace(idx.Git("write-tree"))
}

// serverCommit is commit-tree as the server runs it: no hook, the
// server's committer, the given author.
func (w *world) serverCommit(tree, msg, author string, parents ...string) string {
	w.T.Helper()
	args := []string{"commit-tree", tree, "-m", msg}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	srv := *w.Remote
	name, email, _ := strings.Cut(strings.TrimSuffix(author, ">"), " <")
	srv.Env = append(append([]string{}, w.Remote.Env...),
		"GIT_COMMITTER_NAME=GitHub", "GIT_COMMITTER_EMAIL=noreply@github.com",
		"GIT_AUTHOR_NAME="+name, "GIT_AUTHOR_EMAIL="+email)
	w.Remote.Tick()
	return strings.TrimSpace(srv.Git(args...))
}

// rebaseMerge replays the branch's commits onto main one by one, as
// "Rebase and merge" does, and moves main; it returns the new commits.
func (w *world) rebaseMerge(branch string) []string {
	w.T.Helper()
	commits := strings.Fields(w.Remote.Git("rev-list", "--reverse", branch, "--not", "main"))
	tip := w.rev("main")
	var made []string
	for _, c := range commits {
		msg := w.Remote.Git("log", "-1", "--format=%B", c)
		author := strings.TrimSpace(w.Remote.Git("log", "-1", "--format=%an <%ae>", c))
		tip = w.serverCommit(w.replay(tip, c), msg, author, tip)
		made = append(made, tip)
	}
	w.Remote.Git("update-ref", "refs/heads/main", tip)
	return made
}

// squashMerge makes one commit of the branch's changes on main, as
// "Squash and merge" does, and moves main.
func (w *world) squashMerge(branch, msg string) string {
	w.T.Helper()
	commits := strings.Fields(w.Remote.Git("rev-list", "--reverse", branch, "--not", "main"))
	tip := w.rev("main")
	c := w.serverCommit(w.replay(tip, commits...), msg, "Alice <alice@example.com>", tip)
	w.Remote.Git("update-ref", "refs/heads/main", c)
	return c
}

type totals struct {
	Totals map[string]struct {
		Added     int `json:"added"`
		Surviving int `json:"surviving"`
	} `json:"totals"`
}

// counts is "ai/human/unknown" lines added in rng by the report.
func counts(t *testing.T, r *gittest.Repo, rng string) string {
	t.Helper()
	var tot totals
	if err := json.Unmarshal([]byte(r.MustTool("report", rng, "--format", "json", "--no-cache")), &tot); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d ai, %d human, %d unknown", tot.Totals["ai"].Added, tot.Totals["human"].Added, tot.Totals["unknown"].Added)
}

type shown struct {
	Source  string   `json:"source"`
	Sources []string `json:"sources"`
	Files   []struct {
		Path   string `json:"path"`
		Ranges []struct {
			Lines    string `json:"lines"`
			Origin   string `json:"origin"`
			Agent    string `json:"agent"`
			Evidence string `json:"evidence"`
		} `json:"ranges"`
	} `json:"files"`
}

func show(t *testing.T, r *gittest.Repo, rev string) shown {
	t.Helper()
	var s shown
	if err := json.Unmarshal([]byte(r.MustTool("show", rev, "--format", "json")), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// layout is "path:lines origin[/agent] evidence; ..." of a commit.
func layout(t *testing.T, r *gittest.Repo, rev string) string {
	t.Helper()
	s := show(t, r, rev)
	var parts []string
	for _, f := range s.Files {
		for _, rg := range f.Ranges {
			who := rg.Origin
			if rg.Agent != "" {
				who += "/" + rg.Agent
			}
			parts = append(parts, fmt.Sprintf("%s:%s %s %s", f.Path, rg.Lines, who, rg.Evidence))
		}
	}
	return strings.Join(parts, "; ")
}

// greeted is where the tests start: a remote whose main has one human
// commit (base), alice's and bob's clones of it, and alice's branch
// "feature" made by greeting and pushed.
type greeted struct {
	w                  *world
	alice, bob         *gittest.Repo
	base, agent, human string
}

// shared is the greeted world built once per test process; each test
// gets a copy of it (see started).
var shared struct {
	once sync.Once
	g    greeted
	ok   bool
}

// started is a copy of the greeted world, which is built once for all
// the tests; a test that needs no bob ignores his clone.
func started(t *testing.T) greeted {
	t.Helper()
	shared.once.Do(func() {
		root, err := gittest.TempDir()
		if err != nil {
			t.Fatal(err)
		}
		w := &world{gittest.NewWorldAt(t, root)}
		alice := w.Clone("alice")
		alice.Write("app.txt", "one\ntwo\n")
		base := alice.Commit("start")
		alice.Git("push", "-q", "-u", "origin", "main")
		bob := w.Clone("bob")
		agent, human := greeting(t, alice, "feature")
		shared.g = greeted{w, alice, bob, base, agent, human}
		shared.ok = true
	})
	if !shared.ok {
		t.Fatal("the shared greeted world could not be built (see the test that built it)")
	}
	g := shared.g
	cw, repos := g.w.Copy(t, g.alice, g.bob)
	return greeted{&world{cw}, repos[0], repos[1], g.base, g.agent, g.human}
}

// greeting is a branch with 3 agent lines and 1 human line in the middle
// of them, pushed with its notes.
func greeting(t *testing.T, alice *gittest.Repo, branch string) (agent, human string) {
	t.Helper()
	alice.Git("checkout", "-q", "-b", branch)
	alice.Write("app.txt", "one\ntwo\na1 agent line\na2 agent line\na3 agent line\n")
	agent = alice.Commit("add the greeting")
	alice.MustTool("annotate", agent, "--agent", "claude-code", "--force")
	alice.Write("app.txt", "one\ntwo\na1 agent line\nh1 a person's line\na2 agent line\na3 agent line\n")
	human = alice.Commit("explain the greeting")
	alice.Git("push", "-q", "origin", branch)
	alice.Git("checkout", "-q", "main")
	return agent, human
}

const greetingLayout = "app.txt:3 ai/claude-code restored; app.txt:4 human restored; app.txt:5-6 ai/claude-code restored"

func TestServerSquashRestoredOnPull(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base, agent, human := g.w, g.bob, g.base, g.agent, g.human
	// The server squashes, keeps the pull request's head and deletes the
	// branch: bob never sees the branch's commits but through the ref.
	w.Remote.Git("update-ref", "refs/pull/7/head", w.rev("feature"))
	squash := w.squashMerge("feature", "Add the greeting (#7)\n\n* add the greeting\n\n* explain the greeting\n")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")

	if _, errs, err := bob.Run("", "git", "pull", "-q"); err != nil || strings.Contains(errs, "warning") {
		t.Fatalf("git pull: %v\n%s", err, errs)
	}
	if got := bob.Head(); got != squash {
		t.Fatalf("bob's HEAD %s, want the squash %s", got, squash)
	}
	if got, want := counts(t, bob, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if got := layout(t, bob, squash); got != greetingLayout {
		t.Errorf("squash layout:\n got %s\nwant %s", got, greetingLayout)
	}
	if got, want := strings.Join(show(t, bob, squash).Sources, " "), agent+" "+human; got != want {
		t.Errorf("sources %q, want %q", got, want)
	}
	if _, _, err := bob.Run("", "git", "rev-parse", "--verify", "refs/ai-survival/pull/7/head"); err != nil {
		t.Errorf("the pull request's head was not kept in refs/ai-survival/pull/7/head: %v", err)
	}
	text := bob.MustTool("show", squash)
	if !strings.Contains(text, "restored from "+agent+", "+human) {
		t.Errorf("show does not name the sources:\n%s", text)
	}
}

func TestServerSquashWithoutHookThenAnnotateRestore(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, base := g.w, g.base
	w.Remote.Git("update-ref", "refs/pull/12/head", w.rev("feature"))
	w.squashMerge("feature", "Add the greeting (#12)")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")

	// A clone without our hooks: the squash has no note, its lines are
	// unknown, as a user would see it with nothing restored.
	carol := gittest.NewAt(t, filepath.Join(w.Root, "carol"), filepath.Join(w.Root, "home-carol"))
	carol.Git("clone", "-q", "file://"+w.Remote.Dir, carol.Dir)
	carol.Git("fetch", "-q", "origin", "refs/notes/ai-survival:refs/notes/ai-survival")
	if got, want := counts(t, carol, base+"..main"), "0 ai, 0 human, 4 unknown"; got != want {
		t.Errorf("before restoring: %s, want %s", got, want)
	}
	if _, errs, code := carol.Tool("", "annotate", "--restore", "--force"); code != 2 || !strings.Contains(errs, "--restore goes alone") {
		t.Errorf("annotate --restore --force: exit %d, %s", code, errs)
	}
	out := carol.MustTool("annotate", "--restore", base+"..main")
	if !strings.Contains(out, "4 of 4 lines from 2 commits (pull request #12)") || !strings.Contains(out, "restored 1 note (1 commit without a note examined)") {
		t.Errorf("annotate --restore said:\n%s", out)
	}
	if got, want := counts(t, carol, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after annotate --restore: %s, want %s", got, want)
	}
	// Nothing left to do the second time, and no note is replaced.
	out = carol.MustTool("annotate", "--restore", base+"..main")
	if !strings.Contains(out, "restored 0 notes (0 commits without a note examined)") {
		t.Errorf("second annotate --restore said:\n%s", out)
	}
}

func TestServerRebaseMergeRestoredOnPull(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base, agent, human := g.w, g.bob, g.base, g.agent, g.human
	// main moves on meanwhile, in another file.
	bob.Write("other.txt", "bob's line\n")
	bob.Commit("bob's change")
	bob.Git("push", "-q", "origin", "main")

	made := w.rebaseMerge("feature")
	bob.Git("pull", "-q")

	if got, want := counts(t, bob, base+"..main"), "3 ai, 2 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if got, want := layout(t, bob, made[0]), "app.txt:3-5 ai/claude-code restored"; got != want {
		t.Errorf("first rebased commit:\n got %s\nwant %s", got, want)
	}
	if got, want := layout(t, bob, made[1]), "app.txt:4 human restored"; got != want {
		t.Errorf("second rebased commit:\n got %s\nwant %s", got, want)
	}
	if got := show(t, bob, made[0]).Sources; len(got) != 1 || got[0] != agent {
		t.Errorf("first rebased commit's sources %v, want %s", got, agent)
	}
	if got := show(t, bob, made[1]).Sources; len(got) != 1 || got[0] != human {
		t.Errorf("second rebased commit's sources %v, want %s", got, human)
	}
}

func TestServerMergeCommitKeepsAttribution(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base := g.w, g.bob, g.base
	bob.Write("other.txt", "bob's line\n")
	bob.Commit("bob's change")
	bob.Git("push", "-q", "origin", "main")

	tree := w.replay("main", strings.Fields(w.Remote.Git("rev-list", "--reverse", "feature", "--not", "main"))...)
	merge := w.serverCommit(tree, "Merge pull request #3 from alice/feature", "Alice <alice@example.com>", w.rev("main"), w.rev("feature"))
	w.Remote.Git("update-ref", "refs/heads/main", merge)

	bob.Git("pull", "-q")
	if got, want := counts(t, bob, base+"..main"), "3 ai, 2 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if s := show(t, bob, merge); s.Source == "note" || len(s.Sources) != 0 {
		t.Errorf("the merge commit got a note (%s, sources %v); a merge is restored from its parents", s.Source, s.Sources)
	}
}

func TestServerSquashWithEditedMessageMatchedByContent(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, alice, base, agent, human := g.w, g.alice, g.base, g.agent, g.human
	// The message names no pull request, the branch is gone from the
	// server and from alice's branches: only her object store and notes
	// still have the commits.
	squash := w.squashMerge("feature", "Greet people\n\nRewritten by the reviewer.")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")
	alice.Git("branch", "-q", "-D", "feature")
	alice.Git("update-ref", "-d", "refs/remotes/origin/feature")

	alice.Git("pull", "-q")
	if got, want := counts(t, alice, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if got := layout(t, alice, squash); got != greetingLayout {
		t.Errorf("squash layout:\n got %s\nwant %s", got, greetingLayout)
	}
	if got, want := strings.Join(show(t, alice, squash).Sources, " "), agent+" "+human; got != want {
		t.Errorf("sources %q, want %q", got, want)
	}
}

func TestGitLabSquashRestoredFromMergeRequestRef(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base := g.w, g.bob, g.base
	w.Remote.Git("update-ref", "refs/merge-requests/9/head", w.rev("feature"))
	w.squashMerge("feature", "Add the greeting\n\nSee merge request team/app!9\n")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")

	bob.Git("pull", "-q")
	if got, want := counts(t, bob, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if got := layout(t, bob, "main"); got != greetingLayout {
		t.Errorf("squash layout:\n got %s\nwant %s", got, greetingLayout)
	}
	if _, _, err := bob.Run("", "git", "rev-parse", "--verify", "refs/ai-survival/merge-requests/9/head"); err != nil {
		t.Errorf("the merge request's head was not kept: %v", err)
	}
}

func TestGitLabSquashMergedByMergeCommit(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base := g.w, g.bob, g.base
	w.Remote.Git("update-ref", "refs/merge-requests/4/head", w.rev("feature"))
	// GitLab's "Merge commit" method with squashing: a squash commit that
	// names nothing, merged by a commit that names the merge request.
	main := w.rev("main")
	squash := w.squashMerge("feature", "Add the greeting")
	merge := w.serverCommit(w.rev(squash+"^{tree}"), "Merge branch 'feature' into 'main'\n\nAdd the greeting\n\nSee merge request team/app!4\n",
		"Alice <alice@example.com>", main, squash)
	w.Remote.Git("update-ref", "refs/heads/main", merge)
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")

	bob.Git("pull", "-q")
	if got, want := counts(t, bob, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
	if got := layout(t, bob, squash); got != greetingLayout {
		t.Errorf("squash layout:\n got %s\nwant %s", got, greetingLayout)
	}
}

func TestSquashWithoutSourcesGetsNoNote(t *testing.T) {
	t.Parallel()
	g := started(t)
	w, bob, base := g.w, g.bob, g.base
	// The pull request's ref is not there and the branch is gone: nothing
	// to restore from, and nothing is made up.
	w.squashMerge("feature", "Add the greeting (#5)")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")
	bob.Git("pull", "-q")
	if got, want := counts(t, bob, base+"..main"), "0 ai, 0 human, 4 unknown"; got != want {
		t.Errorf("after pull: %s, want %s", got, want)
	}
}

func TestFindRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		msg  string
		want restore.Request
	}{
		{"Add the greeting (#123)", restore.Request{Number: 123}},
		{"Add the greeting (#123)\n\n* one\n* two (#4)\n", restore.Request{Number: 123}},
		{"Fix (#12) in the parser", restore.Request{}},
		{"Add the greeting (!45)", restore.Request{Number: 45, GitLab: true}},
		{"Merge branch 'f' into 'main'\n\nAdd it\n\nSee merge request group/sub/app!67\n", restore.Request{Number: 67, GitLab: true}},
		{"Add the greeting", restore.Request{}},
		{"", restore.Request{}},
	} {
		if got := restore.FindRequest(tc.msg); got != tc.want {
			t.Errorf("FindRequest(%q) = %+v, want %+v", tc.msg, got, tc.want)
		}
	}
	if got := (restore.Request{Number: 7}).Ref(); got != "refs/pull/7/head" {
		t.Errorf("GitHub ref %q", got)
	}
	if got := (restore.Request{Number: 7, GitLab: true}).Ref(); got != "refs/merge-requests/7/head" {
		t.Errorf("GitLab ref %q", got)
	}
}

// squashed is a remote whose main ends with a squash of pull request #7
// (3 agent lines, 1 human line), the branch deleted, and the base commit.
func squashed(t *testing.T) (*world, string, string) {
	g := started(t)
	w, base := g.w, g.base
	w.Remote.Git("update-ref", "refs/pull/7/head", w.rev("feature"))
	squash := w.squashMerge("feature", "Add the greeting (#7)")
	w.Remote.Git("update-ref", "-d", "refs/heads/feature")
	return w, base, squash
}

func TestCIRestoresAndPushesOnPushToDefaultBranch(t *testing.T) {
	t.Parallel()
	w, base, squash := squashed(t)
	job := gittest.NewAt(t, filepath.Join(w.Root, "job"), filepath.Join(w.Root, "home-job"))
	job.Git("clone", "-q", "--depth", "1", "file://"+w.Remote.Dir, job.Dir)
	event := filepath.Join(w.Root, "event.json")
	job.Write("../event.json", `{"ref":"refs/heads/main","after":"`+squash+`","repository":{"default_branch":"main"}}`)
	job.Env = append(job.Env, "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH="+event,
		"GITHUB_REF=refs/heads/main", "GITHUB_SHA="+squash,
		"GITHUB_STEP_SUMMARY="+filepath.Join(w.Root, "summary.md"), "GITHUB_OUTPUT="+filepath.Join(w.Root, "output"))
	_, errs, code := job.Tool("", "ci")
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "restored "+squash[:12]+": 4 of 4 lines from 2 commits (pull request #7)") ||
		!strings.Contains(errs, "pushed the restored notes to origin") {
		t.Errorf("ci's log does not say what it restored and pushed:\n%s", errs)
	}
	out, _, err := w.Remote.Run("", "git", "notes", "--ref=refs/notes/ai-survival", "show", squash)
	if err != nil || !strings.Contains(out, `"evidence":"restored"`) || !strings.Contains(out, `"sources":[`) {
		t.Errorf("the remote has no restored note for the squash (%v):\n%s", err, out)
	}
	if got, want := counts(t, job, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("in the job: %s, want %s", got, want)
	}

	// On a pull request, or with --no-restore, nothing is restored.
	other := gittest.NewAt(t, filepath.Join(w.Root, "job2"), filepath.Join(w.Root, "home-job2"))
	other.Git("clone", "-q", "file://"+w.Remote.Dir, other.Dir)
	other.Env = job.Env
	if _, errs, code := other.Tool("", "ci", "--no-restore", "--no-fetch"); code != 0 || strings.Contains(errs, "restored") {
		t.Errorf("ci --no-restore: exit %d\n%s", code, errs)
	}
}

func TestSyncRestoresAndPushes(t *testing.T) {
	t.Parallel()
	w, base, squash := squashed(t)
	carol := gittest.NewAt(t, filepath.Join(w.Root, "carol"), filepath.Join(w.Root, "home-carol"))
	carol.Git("clone", "-q", "file://"+w.Remote.Dir, carol.Dir)
	out := carol.MustTool("sync")
	if !strings.Contains(out, "restored "+squash[:12]+": 4 of 4 lines from 2 commits (pull request #7)") {
		t.Errorf("sync said:\n%s", out)
	}
	if got, want := counts(t, carol, base+"..main"), "3 ai, 1 human, 0 unknown"; got != want {
		t.Errorf("after sync: %s, want %s", got, want)
	}
	if _, _, err := w.Remote.Run("", "git", "notes", "--ref=refs/notes/ai-survival", "show", squash); err != nil {
		t.Errorf("the restored note was not pushed: %v", err)
	}
	// --no-restore leaves a fresh clone's squash without a note.
	dave := gittest.NewAt(t, filepath.Join(w.Root, "dave"), filepath.Join(w.Root, "home-dave"))
	dave.Git("clone", "-q", "file://"+w.Remote.Dir, dave.Dir)
	w.Remote.Git("notes", "--ref=refs/notes/ai-survival", "remove", squash)
	if out := dave.MustTool("sync", "--no-restore"); strings.Contains(out, "restored") {
		t.Errorf("sync --no-restore restored:\n%s", out)
	}
	if _, _, err := w.Remote.Run("", "git", "notes", "--ref=refs/notes/ai-survival", "show", squash); err == nil {
		t.Errorf("sync --no-restore pushed a note for the squash")
	}
}
