package hooks_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
)

func realDir(t *testing.T, p string) string {
	t.Helper()
	rp, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

func TestFreshInstall(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	remote := bareRemote(t, r, "origin")
	res := install(t, r)

	dir := filepath.Join(realDir(t, r.Dir), ".git", "hooks")
	if res.Dir != dir {
		t.Errorf("Dir = %s, want %s", res.Dir, dir)
	}
	if got, want := actions(res), "post-commit installed, pre-push installed, post-rewrite installed, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	for _, h := range hooks.All {
		p := filepath.Join(dir, h.Name)
		if got := readFile(t, p); got != h.Script() {
			t.Errorf("%s:\n%s\nwant:\n%s", p, got, h.Script())
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o755 {
			t.Errorf("%s has mode %v", p, fi.Mode())
		}
	}
	wantConfig := []hooks.ConfigChange{
		{Key: "remote.origin.fetch", Value: "+refs/notes/ai*:refs/notes/remotes/origin/ai*"},
	}
	if !reflect.DeepEqual(res.Config, wantConfig) {
		t.Errorf("config changes %v, want %v", res.Config, wantConfig)
	}
	if got := configValues(r, "notes.rewriteRef"); len(got) != 0 {
		t.Errorf("notes.rewriteRef = %q, want none (the post-rewrite hook remaps notes)", got)
	}
	if got, want := configValues(r, "remote.origin.fetch"), []string{"+refs/heads/*:refs/remotes/origin/*", "+refs/notes/ai*:refs/notes/remotes/origin/ai*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("remote.origin.fetch = %q, want %q", got, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}

	// The hooks run the binary with git's arguments and stdin.
	r.Write("a.txt", "a\n")
	first := r.Commit("first")
	if got, want := readLog(t, log), postCommitLog; got != want {
		t.Fatalf("after commit the log is\n%s\nwant\n%s", got, want)
	}
	if errs, ok := push(r, "origin", "main"); !ok {
		t.Fatalf("push failed: %s", errs)
	}
	want := postCommitLog +
		"args: hook pre-push origin " + remote + "\nrefs/heads/main " + first + " refs/heads/main " + zeroID + "\nend\n"
	if got := readLog(t, log); got != want {
		t.Fatalf("after push the log is\n%s\nwant\n%s", got, want)
	}
	r.Git("commit", "-q", "--amend", "-m", "first, amended")
	amended := r.Head()
	if got, entry := readLog(t, log), "args: hook post-rewrite amend\n"+first+" "+amended+"\nend\n"; !strings.Contains(got, entry) {
		t.Fatalf("after amend the log is\n%s\nwant it to hold\n%s", got, entry)
	}
}

func TestReinstallChangesNothing(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	bareRemote(t, r, "origin")
	dir := filepath.Join(r.Dir, ".git", "hooks")
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/bin/sh\necho foreign\n", 0o755)
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/usr/bin/env perl\nexit 0;\n", 0o755)
	install(t, r)

	hooksBefore := snapshot(t, dir)
	stateBefore := snapshot(t, filepath.Join(r.Dir, ".git", "ai-survival"))
	configBefore := readFile(t, filepath.Join(r.Dir, ".git", "config"))
	res := install(t, r)
	if got, want := actions(res), "post-commit up to date, pre-push up to date, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if len(res.Config) != 0 || len(res.Warnings) != 0 {
		t.Errorf("config changes %v, warnings %q", res.Config, res.Warnings)
	}
	if got := snapshot(t, dir); got != hooksBefore {
		t.Errorf("hooks changed:\n%s\nwas\n%s", got, hooksBefore)
	}
	if got := snapshot(t, filepath.Join(r.Dir, ".git", "ai-survival")); got != stateBefore {
		t.Errorf("state changed:\n%s\nwas\n%s", got, stateBefore)
	}
	if got := readFile(t, filepath.Join(r.Dir, ".git", "config")); got != configBefore {
		t.Errorf("config changed:\n%s\nwas\n%s", got, configBefore)
	}
}

// foreignPostCommit writes a post-commit hook of someone else's into r:
// it appends "foreign post-commit <HEAD>" to flog. It returns the hook's
// path, its text and flog.
func foreignPostCommit(t *testing.T, r *gittest.Repo) (p, foreign, flog string) {
	t.Helper()
	flog = filepath.Join(t.TempDir(), "foreign.log")
	p = filepath.Join(r.Dir, ".git", "hooks", "post-commit")
	foreign = "#!/bin/sh\necho \"foreign post-commit $(git rev-parse HEAD)\" >>'" + flog + "'\n"
	writeFile(t, p, foreign, 0o755)
	return p, foreign, flog
}

func TestForeignPostCommitIsChained(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	p, foreign, flog := foreignPostCommit(t, r)

	res := install(t, r)
	if got, want := actions(res), "post-commit chained, pre-push installed, post-rewrite installed, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if got, want := readFile(t, p), "#!/bin/sh\n"+hooks.PostCommit.Block()+foreign[len("#!/bin/sh\n"):]; got != want {
		t.Errorf("chained hook:\n%s\nwant:\n%s", got, want)
	}
	c := r.Commit("one")
	if got, want := readLog(t, log), postCommitLog; got != want {
		t.Errorf("our log: %q, want %q", got, want)
	}
	if got, want := readLog(t, flog), "foreign post-commit "+c+"\n"; got != want {
		t.Errorf("foreign log: %q, want %q", got, want)
	}
}

// foreignPrePush logs its arguments and stdin to flog and fails unless the
// file allow exists.
func foreignPrePush(shebang, flog, allow string) string {
	return shebang + "\n" +
		"{ printf 'foreign pre-push: %s\\n' \"$*\"; cat; } >>'" + flog + "'\n" +
		"if [ ! -e '" + allow + "' ]; then echo 'push blocked by the foreign hook' >&2; exit 1; fi\n"
}

func TestForeignPrePushGetsStdinAndStillBlocks(t *testing.T) {
	for _, shebang := range []string{"#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/sh -e"} {
		t.Run(shebang, func(t *testing.T) {
			r := gittest.New(t)
			log := withFake(t, r)
			remote := bareRemote(t, r, "origin")
			tmp := t.TempDir()
			flog, allow := filepath.Join(tmp, "foreign.log"), filepath.Join(tmp, "allow")
			writeFile(t, filepath.Join(r.Dir, ".git", "hooks", "pre-push"), foreignPrePush(shebang, flog, allow), 0o755)
			if got, want := actions(install(t, r)), "post-commit installed, pre-push chained, post-rewrite installed, post-merge installed, post-checkout installed"; got != want {
				t.Errorf("actions: %s, want %s", got, want)
			}
			r.Write("a.txt", "a\n")
			c := r.Commit("one")
			refLine := "refs/heads/main " + c + " refs/heads/main " + zeroID + "\n"

			errs, ok := push(r, "origin", "main")
			if ok {
				t.Fatal("push succeeded although the foreign pre-push hook failed")
			}
			if !strings.Contains(errs, "push blocked by the foreign hook") {
				t.Errorf("push stderr: %s", errs)
			}
			if _, _, err := r.Run("", "git", "--git-dir", remote, "rev-parse", "--verify", "-q", "refs/heads/main"); err == nil {
				t.Error("the remote got main although the push was blocked")
			}
			if got, want := readLog(t, flog), "foreign pre-push: origin "+remote+"\n"+refLine; got != want {
				t.Errorf("foreign log:\n%s\nwant\n%s", got, want)
			}
			ours := "args: hook pre-push origin " + remote + "\n" + refLine + "end\n"
			if got, want := readLog(t, log), postCommitLog+ours; got != want {
				t.Errorf("our log:\n%s\nwant\n%s", got, want)
			}

			writeFile(t, allow, "", 0o644)
			if errs, ok := push(r, "origin", "main"); !ok {
				t.Fatalf("push failed although the foreign hook allows it: %s", errs)
			}
			if got := strings.TrimSpace(r.Git("--git-dir", remote, "rev-parse", "refs/heads/main")); got != c {
				t.Errorf("remote main = %s, want %s", got, c)
			}
		})
	}
}

// Husky v9: core.hooksPath=.husky/_ holds stubs that source "h", which finds
// the user's script from the stub's $0.
const huskyV9Helper = `#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n

[ ! -f "$s" ] && exit 0

[ "${HUSKY-}" = "0" ] && exit 0

sh -e "$s" "$@"
c=$?

[ $c != 0 ] && echo "husky - $n script failed (code $c)"
[ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
exit $c
`

const huskyV9Stub = "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n"

func TestHuskyV9(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	remote := bareRemote(t, r, "origin")
	flog := filepath.Join(t.TempDir(), "husky.log")
	r.Write(".husky/_/.gitignore", "*\n")
	writeFile(t, filepath.Join(r.Dir, ".husky/_/h"), huskyV9Helper, 0o644)
	for _, h := range hooks.All {
		writeFile(t, filepath.Join(r.Dir, ".husky/_", h.Name), huskyV9Stub, 0o755)
	}
	r.Write(".husky/post-commit", "echo 'husky post-commit' >>'"+flog+"'\n")
	r.Write(".husky/pre-push", "{ printf 'husky pre-push: %s\\n' \"$*\"; cat; } >>'"+flog+"'\n")
	r.Git("config", "core.hooksPath", ".husky/_")
	before := snapshot(t, filepath.Join(r.Dir, ".husky"))

	res := install(t, r)
	if want := filepath.Join(realDir(t, r.Dir), ".husky", "_"); res.Dir != want {
		t.Errorf("Dir = %s, want %s", res.Dir, want)
	}
	if got, want := actions(res), "post-commit chained, pre-push chained, post-rewrite chained, post-merge chained, post-checkout chained"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if len(res.Warnings) != 0 { // .husky/_ is ignored
		t.Errorf("warnings %q", res.Warnings)
	}
	c1 := r.Commit("one")
	if errs, ok := push(r, "origin", "main"); !ok {
		t.Fatalf("push: %s", errs)
	}
	line1 := "refs/heads/main " + c1 + " refs/heads/main " + zeroID + "\n"
	want := "husky post-commit\nhusky pre-push: origin " + remote + "\n" + line1
	if got := readLog(t, flog); got != want {
		t.Errorf("husky scripts logged\n%s\nwant\n%s", got, want)
	}
	ours := postCommitLog + "args: hook pre-push origin " + remote + "\n" + line1 + "end\n"
	if got := readLog(t, log); got != ours {
		t.Errorf("our log\n%s\nwant\n%s", got, ours)
	}

	if got, want := actions(uninstall(t, r)), "post-commit restored, pre-push restored, post-rewrite restored, post-merge restored, post-checkout restored"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got := snapshot(t, filepath.Join(r.Dir, ".husky")); got != before {
		t.Errorf(".husky after uninstall:\n%s\nwas\n%s", got, before)
	}
	c2 := r.Commit("two")
	if errs, ok := push(r, "origin", "main"); !ok {
		t.Fatalf("push: %s", errs)
	}
	want += "husky post-commit\nhusky pre-push: origin " + remote + "\nrefs/heads/main " + c2 + " refs/heads/main " + c1 + "\n"
	if got := readLog(t, flog); got != want {
		t.Errorf("after uninstall, husky scripts logged\n%s\nwant\n%s", got, want)
	}
	if got := readLog(t, log); got != ours {
		t.Errorf("our hooks ran after uninstall:\n%s", got)
	}
}

// Husky v8: the user's hooks live in .husky and source _/husky.sh, which
// runs the hook again with `sh -e "$0"`: our block must run once.
const huskyV8Helper = `#!/usr/bin/env sh
if [ -z "$husky_skip_init" ]; then
  hook_name="$(basename -- "$0")"
  if [ "$HUSKY" = "0" ]; then
    exit 0
  fi
  readonly husky_skip_init=1
  export husky_skip_init
  sh -e "$0" "$@"
  exitCode="$?"
  if [ $exitCode != 0 ]; then
    echo "husky - $hook_name hook exited with code $exitCode (error)"
  fi
  exit $exitCode
fi
`

func TestHuskyV8OursRunsOnce(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	remote := bareRemote(t, r, "origin")
	flog := filepath.Join(t.TempDir(), "husky.log")
	writeFile(t, filepath.Join(r.Dir, ".husky/_/husky.sh"), huskyV8Helper, 0o644)
	writeFile(t, filepath.Join(r.Dir, ".husky/pre-push"), "#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\n"+
		"{ printf 'husky pre-push: %s\\n' \"$*\"; cat; } >>'"+flog+"'\n", 0o755)
	r.Git("config", "core.hooksPath", ".husky")

	if got, want := actions(install(t, r)), "post-commit installed, pre-push chained, post-rewrite installed, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	c := r.Commit("one")
	if errs, ok := push(r, "origin", "main"); !ok {
		t.Fatalf("push: %s", errs)
	}
	line := "refs/heads/main " + c + " refs/heads/main " + zeroID + "\n"
	if got, want := readLog(t, flog), "husky pre-push: origin "+remote+"\n"+line; got != want {
		t.Errorf("husky script logged\n%s\nwant\n%s", got, want)
	}
	if got, want := readLog(t, log), postCommitLog+"args: hook pre-push origin "+remote+"\n"+line+"end\n"; got != want {
		t.Errorf("our log\n%s\nwant\n%s", got, want)
	}
}

func TestHooksPathAbsolute(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	shared := filepath.Join(realDir(t, t.TempDir()), "shared")
	dir := filepath.Join(shared, "hooks")
	r.Git("config", "core.hooksPath", dir)

	res := install(t, r)
	if res.Dir != dir {
		t.Errorf("Dir = %s, want %s", res.Dir, dir)
	}
	if want := []string{dir + " is outside this repository (core.hooksPath): the hooks there now run for every repository that uses it"}; !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings %q, want %q", res.Warnings, want)
	}
	if got := readFile(t, filepath.Join(dir, "post-commit")); got != hooks.PostCommit.Script() {
		t.Errorf("post-commit:\n%s", got)
	}
	r.Commit("one")
	if got, want := readLog(t, log), postCommitLog; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	uninstall(t, r)
	if _, err := os.Stat(shared); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directories install created are still there: %v", err)
	}
}

func TestHooksPathRelativeFromSubdirectory(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	r.Git("config", "core.hooksPath", ".githooks")
	sub := filepath.Join(r.Dir, "src", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	res := installIn(t, r, sub)
	dir := filepath.Join(realDir(t, r.Dir), ".githooks")
	if res.Dir != dir {
		t.Errorf("Dir = %s, want %s", res.Dir, dir)
	}
	if want := []string{dir + " is part of the working tree: the hooks changed there show in 'git status' (commit them to share them, or list them in .git/info/exclude)"}; !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings %q, want %q", res.Warnings, want)
	}
	if got := snapshot(t, dir); !strings.Contains(got, "post-commit -rwxr-xr-x") || !strings.Contains(got, "pre-push -rwxr-xr-x") || !strings.Contains(got, "post-rewrite -rwxr-xr-x") {
		t.Errorf("hooks directory:\n%s", got)
	}
	inSub := *r
	inSub.Dir = sub
	inSub.Write("f.txt", "x\n")
	inSub.Commit("from a subdirectory")
	if got, want := readLog(t, log), postCommitLog; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(sub, ".githooks")); !errors.Is(err, os.ErrNotExist) {
		t.Error("hooks were installed relative to the subdirectory")
	}
	if got, want := actions(uninstall(t, r)), "post-commit removed, pre-push removed, post-rewrite removed, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("uninstall left the hooks directory it created: %v", err)
	}
}

func TestLinkedWorktree(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	r.Commit("root")
	wt := filepath.Join(filepath.Dir(r.Dir), "wt")
	r.Git("worktree", "add", "-q", "-b", "side", wt)

	res := installIn(t, r, wt)
	common := filepath.Join(realDir(t, r.Dir), ".git")
	if want := filepath.Join(common, "hooks"); res.Dir != want {
		t.Errorf("Dir = %s, want %s", res.Dir, want)
	}
	if _, err := os.Stat(filepath.Join(common, "ai-survival", "install", "state.json")); err != nil {
		t.Errorf("no state in the common dir: %v", err)
	}
	inWT := *r
	inWT.Dir = wt
	inWT.Commit("in the worktree")
	r.Commit("in the main worktree")
	if got, want := readLog(t, log), postCommitLog+postCommitLog; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	// Installing again from the main worktree finds the same hooks.
	if got, want := actions(install(t, r)), "post-commit up to date, pre-push up to date, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
}

func TestUninstallRestoresByteForByte(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	bareRemote(t, r, "origin")
	r.Git("config", "--add", "notes.rewriteRef", "refs/notes/commits")
	dir := filepath.Join(r.Dir, ".git", "hooks")
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/bin/sh\n# keep me\nexit 0", 0o750)    // shell, no final newline
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/usr/bin/env perl\nexit 0;\n", 0o755)     // not shell
	writeFile(t, filepath.Join(r.Dir, "tools", "post-rewrite"), "#!/bin/sh\nexit 0\n", 0o755) // behind a symlink
	if err := os.Symlink("../../tools/post-rewrite", filepath.Join(dir, "post-rewrite")); err != nil {
		t.Fatal(err)
	}
	hooksBefore := snapshot(t, dir)
	configBefore := readFile(t, filepath.Join(r.Dir, ".git", "config"))

	res := install(t, r)
	if got, want := actions(res), "post-commit chained, pre-push wrapped, post-rewrite wrapped, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("install actions: %s, want %s", got, want)
	}
	if got := readFile(t, filepath.Join(dir, "pre-push")); got != hooks.PrePush.Wrapper() {
		t.Errorf("pre-push wrapper:\n%s", got)
	}
	if got := readFile(t, filepath.Join(dir, "pre-push.ai-survival-orig")); got != "#!/usr/bin/env perl\nexit 0;\n" {
		t.Errorf("pre-push moved aside: %q", got)
	}

	res = uninstall(t, r)
	if got, want := actions(res), "post-commit restored, pre-push restored, post-rewrite restored, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	wantConfig := []hooks.ConfigChange{
		{Key: "remote.origin.fetch", Value: "+refs/notes/ai*:refs/notes/remotes/origin/ai*"},
	}
	if !reflect.DeepEqual(res.Config, wantConfig) {
		t.Errorf("config changes %v, want %v", res.Config, wantConfig)
	}
	if got := snapshot(t, dir); got != hooksBefore {
		t.Errorf("hooks after uninstall:\n%s\nbefore install:\n%s", got, hooksBefore)
	}
	if got := readFile(t, filepath.Join(r.Dir, ".git", "config")); got != configBefore {
		t.Errorf("config after uninstall:\n%s\nbefore install:\n%s", got, configBefore)
	}
	if got := configValues(r, "notes.rewriteRef"); !reflect.DeepEqual(got, []string{"refs/notes/commits"}) {
		t.Errorf("notes.rewriteRef = %q", got)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "ai-survival")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state left behind: %v", err)
	}
	if res := uninstall(t, r); !res.NothingInstalled || len(res.Hooks) != 0 {
		t.Errorf("second uninstall: %+v", res)
	}
}

func TestUninstallRemovesCreatedHooksAndConfig(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	bareRemote(t, r, "origin")
	dir := filepath.Join(r.Dir, ".git", "hooks")
	hooksBefore := snapshot(t, dir)
	configBefore := readFile(t, filepath.Join(r.Dir, ".git", "config"))
	install(t, r)
	if got, want := actions(uninstall(t, r)), "post-commit removed, pre-push removed, post-rewrite removed, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got := snapshot(t, dir); got != hooksBefore {
		t.Errorf("hooks after uninstall:\n%s\nbefore install:\n%s", got, hooksBefore)
	}
	if got := readFile(t, filepath.Join(r.Dir, ".git", "config")); got != configBefore {
		t.Errorf("config after uninstall:\n%s\nbefore install:\n%s", got, configBefore)
	}
}

func TestWrappedHooksRunWithStdinAndStatus(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	remote := bareRemote(t, r, "origin")
	tmp := t.TempDir()
	flog, allow := filepath.Join(tmp, "foreign.log"), filepath.Join(tmp, "allow")
	dir := filepath.Join(r.Dir, ".git", "hooks")
	// pre-push: a symbolic link to a script kept elsewhere.
	writeFile(t, filepath.Join(r.Dir, "tools", "pre-push.sh"), foreignPrePush("#!/bin/sh", flog, allow), 0o755)
	if err := os.Symlink(filepath.Join(r.Dir, "tools", "pre-push.sh"), filepath.Join(dir, "pre-push")); err != nil {
		t.Fatal(err)
	}
	// post-commit: not executable, so git does not run it, and nor do we.
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/bin/sh\necho ran >>'"+flog+"'\n", 0o644)
	// post-rewrite: executable text without #! line (git runs it with sh).
	writeFile(t, filepath.Join(dir, "post-rewrite"), "{ printf 'foreign post-rewrite: %s\\n' \"$*\"; cat; } >>'"+flog+"'\n", 0o755)
	before := snapshot(t, dir)

	if got, want := actions(install(t, r)), "post-commit wrapped, pre-push wrapped, post-rewrite wrapped, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	c := r.Commit("one")
	if got := readLog(t, flog); got != "" {
		t.Errorf("the hook that was not executable ran: %q", got)
	}
	if _, ok := push(r, "origin", "main"); ok {
		t.Fatal("push succeeded although the foreign pre-push failed")
	}
	refLine := "refs/heads/main " + c + " refs/heads/main " + zeroID + "\n"
	if got, want := readLog(t, flog), "foreign pre-push: origin "+remote+"\n"+refLine; got != want {
		t.Errorf("foreign log:\n%s\nwant\n%s", got, want)
	}
	r.Git("commit", "-q", "--amend", "-m", "one, amended")
	amended := r.Head()
	if got, want := readLog(t, flog), "foreign pre-push: origin "+remote+"\n"+refLine+"foreign post-rewrite: amend\n"+c+" "+amended+"\n"; got != want {
		t.Errorf("foreign log:\n%s\nwant\n%s", got, want)
	}
	for _, entry := range []string{
		"args: hook pre-push origin " + remote + "\n" + refLine + "end\n",
		"args: hook post-rewrite amend\n" + c + " " + amended + "\nend\n",
	} {
		if got := readLog(t, log); !strings.Contains(got, entry) {
			t.Errorf("our log\n%s\nlacks\n%s", got, entry)
		}
	}

	if got, want := actions(uninstall(t, r)), "post-commit restored, pre-push restored, post-rewrite restored, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("hooks after uninstall:\n%s\nbefore install:\n%s", got, before)
	}
}

func TestMissingBinaryWarnsOnceAndNeverFails(t *testing.T) {
	r := gittest.New(t)
	withoutBinary(t, r)
	bareRemote(t, r, "origin")
	flog := filepath.Join(t.TempDir(), "foreign.log")
	writeFile(t, filepath.Join(r.Dir, ".git", "hooks", "pre-push"), "#!/bin/sh\ncat >>'"+flog+"'\n", 0o755)
	install(t, r)

	r.Write("a.txt", "a\n")
	r.Git("add", "a.txt")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "one")
	if err != nil {
		t.Fatalf("commit failed: %v\n%s", err, errs)
	}
	if want := hooks.PostCommit.Warning() + "\n"; errs != want {
		t.Errorf("commit stderr %q, want %q", errs, want)
	}
	errs, ok := push(r, "origin", "main")
	if !ok {
		t.Fatalf("push failed: %s", errs)
	}
	if want := hooks.PrePush.Warning() + "\n"; errs != want {
		t.Errorf("push stderr %q, want %q", errs, want)
	}
	if got, want := readLog(t, flog), "refs/heads/main "+r.Head()+" refs/heads/main "+zeroID+"\n"; got != want {
		t.Errorf("the chained hook got %q, want %q", got, want)
	}
	want := "warning: git-ai-survival is not on PATH; provenance not recorded for this commit (install it, or run 'git ai-survival uninstall')"
	if hooks.PostCommit.Warning() != want {
		t.Errorf("warning %q, want %q", hooks.PostCommit.Warning(), want)
	}
}

func TestUpgradeOlderBlockAndKeepNewer(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	dir := filepath.Join(r.Dir, ".git", "hooks")
	old := "# >>> git-ai-survival hook v0 >>>\ngit-ai-survival hook \"$(basename \"$0\")\" \"$@\"\n# <<< git-ai-survival hook <<<\n"
	newer := "#!/bin/sh\n# >>> git-ai-survival hook v99 >>>\n: from the future\n# <<< git-ai-survival hook <<<\n"
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/bin/sh\n"+old, 0o755)
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/bin/bash\n"+old+"exit 0\n", 0o700)
	writeFile(t, filepath.Join(dir, "post-rewrite"), newer, 0o755)

	res := install(t, r)
	if got, want := actions(res), "post-commit updated, pre-push updated, post-rewrite newer, post-merge installed, post-checkout installed"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if got := readFile(t, filepath.Join(dir, "post-commit")); got != hooks.PostCommit.Script() {
		t.Errorf("post-commit:\n%s", got)
	}
	if got, want := readFile(t, filepath.Join(dir, "pre-push")), "#!/bin/bash\n"+hooks.PrePush.Block()+"exit 0\n"; got != want {
		t.Errorf("pre-push:\n%s\nwant\n%s", got, want)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "pre-push")); fi.Mode().Perm() != 0o700 {
		t.Errorf("pre-push mode %v, want -rwx------", fi.Mode())
	}
	if got := readFile(t, filepath.Join(dir, "post-rewrite")); got != newer {
		t.Errorf("post-rewrite was changed:\n%s", got)
	}
	wantWarning := filepath.Join(realDir(t, r.Dir), ".git", "hooks", "post-rewrite") + " holds a newer git-ai-survival hook (v99, this is v" + strconv.Itoa(hooks.Version) + "); left as is"
	if !reflect.DeepEqual(res.Warnings, []string{wantWarning}) {
		t.Errorf("warnings %q, want %q", res.Warnings, wantWarning)
	}

	// Hooks found with our block are ours to take out again.
	if got, want := actions(uninstall(t, r)), "post-commit removed, pre-push restored, post-rewrite removed, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got := readFile(t, filepath.Join(dir, "pre-push")); got != "#!/bin/bash\nexit 0\n" {
		t.Errorf("pre-push after uninstall: %q", got)
	}
}

func TestUninstallKeepsEditsMadeAfterInstall(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	dir := filepath.Join(r.Dir, ".git", "hooks")
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/bin/sh\necho foreign\n", 0o755)
	install(t, r)
	appendTo := func(p, s string) {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	appendTo(filepath.Join(dir, "post-commit"), "echo edited\n")
	appendTo(filepath.Join(dir, "pre-push"), "echo mine\n")
	if err := os.Remove(filepath.Join(dir, "post-rewrite")); err != nil {
		t.Fatal(err)
	}

	if got, want := actions(uninstall(t, r)), "post-commit stripped, pre-push stripped, post-rewrite missing, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got, want := readFile(t, filepath.Join(dir, "post-commit")), "#!/bin/sh\necho foreign\necho edited\n"; got != want {
		t.Errorf("post-commit %q, want %q", got, want)
	}
	if got, want := readFile(t, filepath.Join(dir, "pre-push")), "#!/bin/sh\necho mine\n"; got != want {
		t.Errorf("pre-push %q, want %q", got, want)
	}
}

// A hook manager that re-creates its hooks after install (husky on npm
// install) replaces our chained hook: installing again chains the new one,
// and uninstall restores the new one.
func TestForeignHookReplacedAfterInstall(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	p := filepath.Join(r.Dir, ".git", "hooks", "pre-push")
	writeFile(t, p, "#!/bin/sh\necho first\n", 0o755)
	install(t, r)
	writeFile(t, p, "#!/bin/sh\necho second\n", 0o755)
	if got, want := actions(install(t, r)), "post-commit up to date, pre-push chained, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	uninstall(t, r)
	if got := readFile(t, p); got != "#!/bin/sh\necho second\n" {
		t.Errorf("pre-push after uninstall: %q", got)
	}
}

// Hooks holding our block without a state (a hooks directory committed to
// the repository, or a deleted state) are recognised.
func TestHooksWithoutStateAreRecognised(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	dir := filepath.Join(r.Dir, ".git", "hooks")
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/bin/sh\necho foreign\n", 0o755)
	writeFile(t, filepath.Join(dir, "post-rewrite"), "#!/usr/bin/env perl\n", 0o755)
	install(t, r)
	stateDir := filepath.Join(r.Dir, ".git", "ai-survival")
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	if got, want := actions(install(t, r)), "post-commit up to date, pre-push up to date, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	if got, want := actions(uninstall(t, r)), "post-commit removed, pre-push restored, post-rewrite restored, post-merge removed, post-checkout removed"; got != want {
		t.Errorf("uninstall actions: %s, want %s", got, want)
	}
	if got := readFile(t, filepath.Join(dir, "pre-push")); got != "#!/bin/sh\necho foreign\n" {
		t.Errorf("pre-push %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "post-rewrite")); got != "#!/usr/bin/env perl\n" {
		t.Errorf("post-rewrite %q", got)
	}
}

func TestConfigValuesOfOthersAreKept(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	bareRemote(t, r, "origin")
	r.Git("config", "--add", "notes.rewriteRef", "refs/notes/commits")

	res := install(t, r)
	if len(res.Config) != 1 {
		t.Errorf("config changes %v", res.Config)
	}
	// A remote added later gets its refspec on the next install.
	bareRemote(t, r, "backup")
	res = install(t, r)
	if want := []hooks.ConfigChange{{Key: "remote.backup.fetch", Value: "+refs/notes/ai*:refs/notes/remotes/backup/ai*"}}; !reflect.DeepEqual(res.Config, want) {
		t.Errorf("config changes %v, want %v", res.Config, want)
	}
	// Someone adds our value too: one copy stays after uninstall.
	r.Git("config", "--add", "remote.origin.fetch", "+refs/notes/ai*:refs/notes/remotes/origin/ai*")
	// Someone changes a value we added: it is theirs now.
	r.Git("config", "--replace-all", "remote.backup.fetch", "+refs/notes/*:refs/notes/*", "notes/ai")

	uninstall(t, r)
	if got, want := configValues(r, "notes.rewriteRef"), []string{"refs/notes/commits"}; !reflect.DeepEqual(got, want) {
		t.Errorf("notes.rewriteRef = %q, want %q", got, want)
	}
	if got, want := configValues(r, "remote.origin.fetch"), []string{"+refs/heads/*:refs/remotes/origin/*", "+refs/notes/ai*:refs/notes/remotes/origin/ai*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("remote.origin.fetch = %q, want %q", got, want)
	}
	if got, want := configValues(r, "remote.backup.fetch"), []string{"+refs/heads/*:refs/remotes/backup/*", "+refs/notes/*:refs/notes/*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("remote.backup.fetch = %q, want %q", got, want)
	}
}

// Older versions set notes.rewriteRef; installing again takes out the
// value they added (and only that one), and uninstall has nothing more to
// do with it.
func TestReinstallRemovesTheRewriteRefOlderVersionsSet(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	r.Git("config", "--add", "notes.rewriteRef", "refs/notes/commits")
	configBefore := readFile(t, filepath.Join(r.Dir, ".git", "config"))
	install(t, r)
	// What an older version left: its value, recorded in the state.
	r.Git("config", "--add", "notes.rewriteRef", "refs/notes/ai-survival")
	statePath := filepath.Join(r.Dir, ".git", "ai-survival", "install", "state.json")
	st := readFile(t, statePath)
	st = strings.Replace(st, `"config": null`, `"config": [{"key": "notes.rewriteRef", "value": "refs/notes/ai-survival"}]`, 1)
	if !strings.Contains(st, "notes.rewriteRef") {
		t.Fatalf("state.json has no config list to edit:\n%s", st)
	}
	writeFile(t, statePath, st, 0o644)

	res := install(t, r)
	want := []hooks.ConfigChange{{Key: "notes.rewriteRef", Value: "refs/notes/ai-survival", Removed: true}}
	if !reflect.DeepEqual(res.Config, want) {
		t.Errorf("config changes %v, want %v", res.Config, want)
	}
	if got, want := configValues(r, "notes.rewriteRef"), []string{"refs/notes/commits"}; !reflect.DeepEqual(got, want) {
		t.Errorf("notes.rewriteRef = %q, want %q", got, want)
	}
	if res := install(t, r); len(res.Config) != 0 {
		t.Errorf("third install changed config: %v", res.Config)
	}
	uninstall(t, r)
	if got := readFile(t, filepath.Join(r.Dir, ".git", "config")); got != configBefore {
		t.Errorf("config after uninstall:\n%s\nbefore install:\n%s", got, configBefore)
	}
}

// A value of notes.rewriteRef someone else set stays, whatever it is.
func TestRewriteRefOfOthersIsLeftAlone(t *testing.T) {
	for name, setup := range map[string][]string{
		"global value": {"config", "--global", "notes.rewriteRef", "refs/notes/ai-survival"},
		"local value":  {"config", "notes.rewriteRef", "refs/notes/ai-survival"},
		"glob":         {"config", "notes.rewriteRef", "refs/notes/*"},
	} {
		t.Run(name, func(t *testing.T) {
			r := gittest.New(t)
			withFake(t, r)
			r.Git(setup...)
			before := configValues(r, "notes.rewriteRef")
			if res := install(t, r); len(res.Config) != 0 {
				t.Errorf("config changes %v", res.Config)
			}
			if got := configValues(r, "notes.rewriteRef"); !reflect.DeepEqual(got, before) {
				t.Errorf("notes.rewriteRef = %q, want %q", got, before)
			}
			uninstall(t, r)
			if got := configValues(r, "notes.rewriteRef"); !reflect.DeepEqual(got, before) {
				t.Errorf("after uninstall notes.rewriteRef = %q, want %q", got, before)
			}
		})
	}
}

func TestUnusableHooksDirectory(t *testing.T) {
	r := gittest.New(t)
	r.Write("afile", "x\n")
	top := realDir(t, r.Dir)
	r.Git("config", "core.hooksPath", "afile/hooks")
	_, err := hooks.Install(context.Background(), open(t, r, r.Dir))
	want := "cannot create the hooks directory " + filepath.Join(top, "afile", "hooks") + ": " + filepath.Join(top, "afile") + ": not a directory"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}

	r.Git("config", "core.hooksPath", "afile")
	_, err = hooks.Install(context.Background(), open(t, r, r.Dir))
	want = "cannot use " + filepath.Join(top, "afile") + " as the hooks directory: it is not a directory (check core.hooksPath)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}

	if os.Geteuid() == 0 {
		t.Log("running as root: a read-only directory is writable, not tested")
		return
	}
	r.Git("config", "core.hooksPath", "ro")
	ro := filepath.Join(r.Dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(ro, 0o755) })
	_, err = hooks.Install(context.Background(), open(t, r, r.Dir))
	want = "cannot write to the hooks directory " + filepath.Join(top, "ro") + ": permission denied"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestBareRepository(t *testing.T) {
	root := t.TempDir()
	r := gittest.NewAt(t, filepath.Join(root, "bare.git"), filepath.Join(root, "home"))
	r.Git("init", "-q", "--bare", r.Dir)
	_, err := hooks.Install(context.Background(), open(t, r, r.Dir))
	want := "git ai-survival install needs a working tree, and " + realDir(t, r.Dir) + " is a bare repository"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// The block hands the same stdin to git-ai-survival and to the rest of the
// hook, under every shell we insert into and with -e and -u from the #! line.
func TestBlockPassesStdinThrough(t *testing.T) {
	inputs := []string{
		"",
		"refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main " + zeroID + "\n",
		"a b c d\ne f g h\n",
		"$HOME `id` $(id) \\n \\\\ 'single' \"double\" \t tab  \nai_survival_EOF\n",
	}
	for _, shell := range []string{"sh", "bash", "dash", "zsh", "ksh"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			continue
		}
		for _, flags := range []string{"", " -e", " -eu"} {
			for i, in := range inputs {
				r := &gittest.Repo{T: t, Env: gittest.Environ(t.TempDir(), "")}
				log := withFake(t, r)
				script := filepath.Join(t.TempDir(), "pre-push")
				writeFile(t, script, "#!"+path+flags+"\n"+hooks.PrePush.Block()+"printf 'rest: %s\\n' \"$*\"\ncat\nexit 7\n", 0o755)
				cmd := exec.Command(script, "origin", "/some/url")
				cmd.Env = r.Env
				cmd.Stdin = strings.NewReader(in)
				out, err := cmd.Output()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 7 {
					t.Errorf("%s%s input %d: exit %v, want 7", shell, flags, i, err)
				}
				if want := "rest: origin /some/url\n" + in; string(out) != want {
					t.Errorf("%s%s: the rest of the hook read %q, want %q", shell, flags, out, want)
				}
				if got, want := readLog(t, log), "args: hook pre-push origin /some/url\n"+in+"end\n"; got != want {
					t.Errorf("%s%s: git-ai-survival got %q, want %q", shell, flags, got, want)
				}
			}
		}
	}
}

// A remote without notes yet: git fetch keeps working once we are
// installed (a plain refspec naming refs/notes/ai-survival made it fail with
// "couldn't find remote ref"), and a reinstall replaces that plain refspec
// where an older version added it.
func TestFetchWorksBeforeTheRemoteHasNotes(t *testing.T) {
	r := gittest.New(t)
	withFake(t, r)
	bareRemote(t, r, "origin")
	r.Git("commit", "-q", "--allow-empty", "-m", "first")
	r.Git("push", "-q", "origin", "HEAD:refs/heads/main")
	install(t, r)
	if _, errs, err := r.Run("", "git", "fetch", "origin"); err != nil {
		t.Fatalf("git fetch after install failed: %v\n%s", err, errs)
	}

	// What an older version left: the plain refspec, recorded in the state.
	old := "+refs/notes/ai-survival:refs/notes/remotes/origin/ai-survival"
	r.Git("config", "--add", "remote.origin.fetch", old)
	statePath := filepath.Join(r.Dir, ".git", "ai-survival", "install", "state.json")
	st := readFile(t, statePath)
	st = strings.Replace(st, `"config": [`, `"config": [{"key": "remote.origin.fetch", "value": "`+old+`"}, `, 1)
	if !strings.Contains(st, old) {
		t.Fatalf("state.json has no config list to edit:\n%s", st)
	}
	writeFile(t, statePath, st, 0o644)
	if _, _, err := r.Run("", "git", "fetch", "origin"); err == nil {
		t.Fatalf("git fetch with the old plain refspec succeeded; the test no longer shows the failure")
	}
	res := install(t, r)
	want := []hooks.ConfigChange{{Key: "remote.origin.fetch", Value: old, Removed: true}}
	if !reflect.DeepEqual(res.Config, want) {
		t.Errorf("config changes %v, want %v", res.Config, want)
	}
	if got, want := configValues(r, "remote.origin.fetch"), []string{"+refs/heads/*:refs/remotes/origin/*", "+refs/notes/ai*:refs/notes/remotes/origin/ai*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("remote.origin.fetch = %q, want %q", got, want)
	}
	if _, errs, err := r.Run("", "git", "fetch", "origin"); err != nil {
		t.Fatalf("git fetch after reinstall failed: %v\n%s", err, errs)
	}
}

func TestFetchesNotes(t *testing.T) {
	for spec, want := range map[string]bool{
		"+refs/notes/ai*:refs/notes/remotes/origin/ai*":                   true,
		"+refs/notes/ai-survival:refs/notes/remotes/origin/ai-survival":   true,
		"refs/notes/*:refs/notes/remotes/origin/*":                        true,
		"+refs/notes/ai-survival*:refs/notes/remotes/origin/ai-survival*": true,
		"+refs/notes/ai*:refs/notes/remotes/backup/ai*":                   false,
		"+refs/notes/ai-survival:refs/notes/ai-survival":                  false,
		"+refs/heads/*:refs/remotes/origin/*":                             false,
		"refs/notes/ai-survival":                                          false,
	} {
		if got := hooks.FetchesNotes(spec, "origin"); got != want {
			t.Errorf("FetchesNotes(%q) = %v, want %v", spec, got, want)
		}
	}
}

// Without GIT_AI_SURVIVAL_HOOK_SYNC, post-rewrite saves git's lines (and a
// rebase's list of its commits) next to a marker and runs the binary in the
// background with --deferred and git's pid; the hook it wraps still reads
// the same lines.
func TestPostRewriteInTheBackground(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	var env []string
	for _, kv := range r.Env {
		if !strings.HasPrefix(kv, hookrun.SyncEnv+"=") {
			env = append(env, kv)
		}
	}
	r.Env = env
	tmp := t.TempDir()
	flog := filepath.Join(tmp, "foreign.log")
	dir := filepath.Join(r.Dir, ".git", "hooks")
	writeFile(t, filepath.Join(dir, "post-rewrite"), "#!/bin/sh\n{ printf 'foreign post-rewrite: %s\\n' \"$*\"; cat; } >>'"+flog+"'\n", 0o755)
	install(t, r)
	deferred := filepath.Join(r.Dir, ".git", hookrun.DeferredDir)
	if err := os.MkdirAll(deferred, 0o755); err != nil { // as the first commit's hook does
		t.Fatal(err)
	}
	r.Write("f.txt", "one\n")
	c := r.Commit("one")
	r.Git("commit", "-q", "--amend", "-m", "one, amended")
	amended := r.Head()
	if got, want := readLog(t, flog), "foreign post-rewrite: amend\n"+c+" "+amended+"\n"; got != want {
		t.Errorf("foreign log:\n%s\nwant\n%s", got, want)
	}
	markers, _ := filepath.Glob(filepath.Join(deferred, hookrun.RewritePrefix+"*[0-9]"))
	if len(markers) != 1 {
		t.Fatalf("markers: %v", markers)
	}
	if got := readFile(t, markers[0]+hookrun.RewritePairs); got != c+" "+amended+"\n" {
		t.Errorf("saved lines: %q", got)
	}
	name := filepath.Base(markers[0])
	waitFor(t, log, func(got string) bool {
		_, rest, ok := strings.Cut(got, "args: hook post-rewrite --deferred "+name+" --after ")
		return ok && strings.Contains(rest, " amend\nend\n") // stdin: none
	})
	for _, p := range []string{markers[0], markers[0] + hookrun.RewritePairs} {
		os.Remove(p)
	}

	// A rebase: the list of its commits is saved too.
	r.Write("f.txt", "two\n")
	r.Commit("two")
	r.Git("rebase", "-q", "--force-rebase", "HEAD~1")
	markers, _ = filepath.Glob(filepath.Join(deferred, hookrun.RewritePrefix+"*[0-9]"))
	if len(markers) != 1 {
		t.Fatalf("markers after the rebase: %v", markers)
	}
	if got := readFile(t, markers[0]+hookrun.RewritePending); got != r.Head()+"\n" {
		t.Errorf("saved list of the rebase's commits: %q, want %s", got, r.Head())
	}
}

// waitFor polls the log at path until cond holds, for at most 30 s (a
// guard against a hang on a loaded machine, not a timing), and shows
// the log when it gives up.
func waitFor(t *testing.T, path string, cond func(log string) bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got := readLog(t, path)
		if cond(got) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("timed out waiting on the log; it holds:\n%s", got)
		}
	}
}

// install --lazy takes our block out of a chained post-commit hook, which
// runs as it did before install (byte for byte), and installing again
// without it chains it again; uninstall undoes the rest.
func TestLazyLeavesThePostCommitHookOut(t *testing.T) {
	r := gittest.New(t)
	log := withFake(t, r)
	p, foreign, flog := foreignPostCommit(t, r)
	install(t, r)
	ctx := context.Background()
	res, err := hooks.InstallWith(ctx, open(t, r, r.Dir), hooks.Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := actions(res), "post-commit restored, pre-push up to date, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions: %s, want %s", got, want)
	}
	if got := readFile(t, p); got != foreign {
		t.Errorf("post-commit after install --lazy:\n%s\nwant:\n%s", got, foreign)
	}
	if !hooks.Active(ctx, open(t, r, r.Dir)) {
		t.Errorf("Active is false after install --lazy")
	}
	c := r.Commit("one")
	if got := readLog(t, log); got != "" {
		t.Errorf("our log after a commit without post-commit hook: %q", got)
	}
	if got, want := readLog(t, flog), "foreign post-commit "+c+"\n"; got != want {
		t.Errorf("foreign log: %q, want %q", got, want)
	}
	if got, want := actions(install(t, r)), "post-commit chained, pre-push up to date, post-rewrite up to date, post-merge up to date, post-checkout up to date"; got != want {
		t.Errorf("actions of install after --lazy: %s, want %s", got, want)
	}
	if _, err := hooks.InstallWith(ctx, open(t, r, r.Dir), hooks.Options{Lazy: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.Uninstall(ctx, open(t, r, r.Dir)); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != foreign {
		t.Errorf("post-commit after uninstall:\n%s\nwant:\n%s", got, foreign)
	}
	if hooks.Active(ctx, open(t, r, r.Dir)) {
		t.Errorf("Active is true after uninstall")
	}
}
