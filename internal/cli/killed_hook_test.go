package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// withPath returns a copy of env whose PATH starts with dir.
func withPath(env []string, dir string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			kv = "PATH=" + dir + string(os.PathListSeparator) + v
		}
		out = append(out, kv)
	}
	return out
}

// A post-commit hook whose binary is killed before it writes the note
// says so; the next commit fills the missing note in from the commit's
// evidence, and says that too.
func TestKilledPostCommitHookWarnsAndTheNextCommitFillsIn(t *testing.T) {
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "one\n")
	first := r.Commit("first")

	// A binary that is killed as soon as it starts, as the OOM killer or a
	// closed terminal would.
	killer := t.TempDir()
	script := "#!/bin/sh\nkill -9 $$\n"
	if err := os.WriteFile(filepath.Join(killer, "git-ai-survival"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := r.Env
	r.Env = withPath(env, killer)
	r.Write("b.txt", "two\nthree\n")
	r.Git("add", "b.txt")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "Add b\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	if err != nil {
		t.Fatalf("the commit failed with the hook killed: %v\n%s", err, errs)
	}
	r.Tick()
	killed := r.Head()
	want := "warning: git-ai-survival: provenance not recorded for this commit (it stopped early; the next commit or 'git ai-survival sync' fills the note in from the commit's evidence)\n"
	if errs != want {
		t.Errorf("stderr of the commit whose hook was killed:\n%q\nwant\n%q", errs, want)
	}
	if _, _, err := r.Run("", "git", "notes", "--ref=refs/notes/ai-survival", "list", killed); err == nil {
		t.Fatalf("the killed hook wrote a note")
	}

	r.Env = env
	r.Write("c.txt", "four\n")
	r.Git("add", "c.txt")
	_, errs, err = r.Run("", "git", "commit", "-q", "-m", "Add c")
	if err != nil {
		t.Fatal(err, errs)
	}
	r.Tick()
	want = "warning: git-ai-survival: 1 earlier commit(s) had no note (their hook did not finish); filled in from their commit evidence and pending checkpoints: " + killed[:12] + "\n"
	if errs != want {
		t.Errorf("stderr of the next commit:\n%q\nwant\n%q", errs, want)
	}
	s := show(t, r, killed)
	if s.Source != "note" || s.layout() != "b.txt:1-2:ai:claude-code" {
		t.Errorf("filled-in note of the killed commit: source %q, %s", s.Source, s.layout())
	}
	if s := show(t, r, "HEAD"); s.Source != "note" || s.layout() != "c.txt:1:human" {
		t.Errorf("note of the next commit: source %q, %s", s.Source, s.layout())
	}
	// Commits from before the first note are history, not missed commits.
	if s := show(t, r, first); s.Source != "note" {
		t.Errorf("first commit: source %q", s.Source)
	}
	_, errs, _ = r.Run("", "git", "commit", "-q", "--allow-empty", "-m", "again")
	if errs != "" {
		t.Errorf("a commit after the fill-in warned again: %q", errs)
	}
}

// sync fills in a missing note too.
func TestSyncFillsInAMissingNote(t *testing.T) {
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "one\n")
	r.Commit("first")
	r.Write("b.txt", "two\n")
	r.Git("add", "b.txt")
	r.Git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "no hook")
	missed := r.Head()
	remote := gittest.NewAt(t, filepath.Join(filepath.Dir(r.Dir), "remote.git"), r.Home)
	r.Git("init", "-q", "--bare", remote.Dir)
	r.Git("remote", "add", "origin", remote.Dir)
	_, errs, code := r.Tool("", "sync")
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "1 earlier commit(s) had no note") || !strings.Contains(errs, missed[:12]) {
		t.Errorf("sync stderr: %q", errs)
	}
	if s := show(t, r, missed); s.Source != "note" || s.layout() != "b.txt:1:human" {
		t.Errorf("filled-in note: source %q, %s", s.Source, s.layout())
	}
}

// With the notes ref locked (another writer, or a crash that left the
// lock), amend and rebase still succeed: install sets nothing that makes
// git copy notes itself, and the hooks only warn.
func TestAmendSucceedsWhenTheNotesRefCannotBeWritten(t *testing.T) {
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "one\n")
	r.Commit("first")
	r.Write("a.txt", "one\ntwo\n")
	before := r.Commit("second")
	if got, _, err := r.Run("", "git", "config", "--get-all", "notes.rewriteRef"); err == nil {
		t.Errorf("install set notes.rewriteRef = %q", got)
	}
	lock := filepath.Join(r.Dir, ".git", "refs", "notes", "ai-survival.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, err := r.Run("", "git", "commit", "-q", "--amend", "-m", "second, amended")
	if err != nil {
		t.Fatalf("amend failed with the notes ref locked: %v\n%s", err, errs)
	}
	r.Tick()
	if r.Head() == before {
		t.Fatal("HEAD did not change")
	}
	if !strings.Contains(errs, "warning: git-ai-survival: provenance not recorded for this commit: writing the note of ") || !strings.Contains(errs, "the notes ref is locked by another git process") {
		t.Errorf("no warning that the note was not written: %q", errs)
	}
	if matches, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "fast_import_crash_*")); len(matches) != 0 {
		t.Errorf("fast-import crash reports left: %v", matches)
	}
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
}

// A hook binary killed by a signal (a time limit's SIGTERM, the OOM
// killer's SIGKILL) leaves its own warning on stderr and nothing else: the
// shell running the hook does not add a "Terminated" or "Killed" line, in
// any of the hooks.
func TestKilledHookBinaryLeavesNoShellMessage(t *testing.T) {
	for _, sig := range []string{"TERM", "KILL"} {
		t.Run(sig, func(t *testing.T) {
			t.Parallel()
			r := gittest.New(t)
			remote := t.TempDir()
			r.Git("init", "-q", "--bare", remote)
			r.Git("remote", "add", "origin", remote)
			r.MustTool("install")
			r.Write("a.txt", "one\n")
			r.Commit("first")
			r.Git("push", "-q", "origin", "HEAD:refs/heads/main")

			killer := t.TempDir()
			script := "#!/bin/sh\nprintf 'warning: stopped by a time limit\\n' >&2\nkill -" + sig + " $$\n"
			if err := os.WriteFile(filepath.Join(killer, "git-ai-survival"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			r.Env = withPath(r.Env, killer)
			lost := "warning: git-ai-survival: provenance not recorded for this commit (it stopped early; the next commit or 'git ai-survival sync' fills the note in from the commit's evidence)\n"
			own := "warning: stopped by a time limit\n"
			r.Write("b.txt", "two\n")
			r.Git("add", "b.txt")
			steps := []struct {
				hook string
				args []string
				want string
			}{
				{"post-commit", []string{"commit", "-q", "-m", "second"}, own + lost},
				{"post-rewrite", []string{"commit", "-q", "--amend", "-m", "second, amended"}, own + lost + own}, // post-commit, then post-rewrite
				{"post-checkout", []string{"checkout", "-q", "-b", "side"}, own},
				{"pre-push", []string{"push", "-q", "origin", "HEAD:refs/heads/side"}, own},
				{"post-merge", []string{"merge", "-q", "--ff-only", "side@{1}"}, own},
			}
			for _, s := range steps {
				if s.hook == "post-merge" {
					r.Git("reset", "-q", "--hard", "HEAD~1")
				}
				if s.hook == "post-checkout" {
					// Without pending checkpoints the hook has nothing to do
					// and starts no binary; with them, it runs.
					if _, errs, err := r.Run("", "git", "checkout", "-q", "-b", "side0"); err != nil || errs != "" {
						t.Errorf("post-checkout without checkpoints: %v, stderr %q", err, errs)
					}
					if err := os.MkdirAll(filepath.Join(r.Dir, ".git", "ai-survival", "checkpoints"), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				_, errs, err := r.Run("", "git", s.args...)
				if err != nil {
					t.Fatalf("%s: git %v failed: %v\n%s", s.hook, s.args, err, errs)
				}
				if errs != s.want {
					t.Errorf("%s: stderr of git %v:\n%q\nwant\n%q", s.hook, s.args, errs, s.want)
				}
			}
		})
	}
}
