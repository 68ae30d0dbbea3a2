package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// instRepo is a repository with a bare remote "origin".
func instRepo(t *testing.T) (*gittest.Repo, string) {
	t.Helper()
	r := gittest.New(t)
	r.Git("init", "-q", "--bare", filepath.Join(filepath.Dir(r.Dir), "origin.git"))
	r.Git("remote", "add", "origin", filepath.Join(filepath.Dir(r.Dir), "origin.git"))
	top, err := filepath.EvalSymlinks(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return r, top
}

// instOpener opens r with r's isolated environment.
func instOpener(r *gittest.Repo) func(context.Context) (*gitx.Repo, error) {
	return func(ctx context.Context) (*gitx.Repo, error) {
		repo, err := gitx.Open(ctx, r.Dir)
		if err == nil {
			repo.Git.Env = r.Env
		}
		return repo, err
	}
}

func TestNewCmdInstallAndUninstallArgs(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := Test()
	f := &Factory{IO: ios}
	var gotInstall *InstallOptions
	cmd := NewCmdInstall(f, func(_ context.Context, o *InstallOptions) error { gotInstall = o; return nil })
	cmd.SetArgs([]string{})
	if err := cmd.Execute(); err != nil || gotInstall == nil || gotInstall.IO != ios || gotInstall.Repo == nil {
		t.Errorf("install: err %v, options %+v", err, gotInstall)
	}
	var gotUninstall *UninstallOptions
	ucmd := NewCmdUninstall(f, func(_ context.Context, o *UninstallOptions) error { gotUninstall = o; return nil })
	ucmd.SetArgs([]string{})
	if err := ucmd.Execute(); err != nil || gotUninstall == nil || gotUninstall.IO != ios {
		t.Errorf("uninstall: err %v, options %+v", err, gotUninstall)
	}

	for _, args := range [][]string{{"install", "extra"}, {"uninstall", "extra"}} {
		ios, _, _, errb := Test()
		if code := Run(context.Background(), &Factory{IO: ios, Getenv: os.Getenv}, args); code != ExitError {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitError, errb)
		}
	}
}

func TestInstallRunOutput(t *testing.T) {
	t.Parallel()
	r, top := instRepo(t)
	dir := filepath.Join(top, ".git", "hooks")

	ios, _, out, errb := Test()
	if err := installRun(context.Background(), &InstallOptions{IO: ios, Repo: instOpener(r)}); err != nil {
		t.Fatal(err)
	}
	want := "post-commit: installed " + dir + "/post-commit\n" +
		"pre-push: installed " + dir + "/pre-push\n" +
		"post-rewrite: installed " + dir + "/post-rewrite\n" +
		"post-merge: installed " + dir + "/post-merge\n" +
		"post-checkout: installed " + dir + "/post-checkout\n" +
		"config: added remote.origin.fetch +refs/notes/ai*:refs/notes/remotes/origin/ai*\n"
	if out.String() != want || errb.String() != "" {
		t.Errorf("install stdout:\n%s\nwant:\n%s\nstderr: %q", out, want, errb)
	}

	ios, _, out, errb = Test()
	if err := installRun(context.Background(), &InstallOptions{IO: ios, Repo: instOpener(r)}); err != nil {
		t.Fatal(err)
	}
	want = "post-commit: up to date " + dir + "/post-commit\n" +
		"pre-push: up to date " + dir + "/pre-push\n" +
		"post-rewrite: up to date " + dir + "/post-rewrite\n" +
		"post-merge: up to date " + dir + "/post-merge\n" +
		"post-checkout: up to date " + dir + "/post-checkout\n"
	if out.String() != want || errb.String() != "" {
		t.Errorf("second install stdout:\n%s\nwant:\n%s\nstderr: %q", out, want, errb)
	}

	ios, _, out, errb = Test()
	if err := uninstallRun(context.Background(), &UninstallOptions{IO: ios, Repo: instOpener(r)}); err != nil {
		t.Fatal(err)
	}
	want = "post-commit: removed " + dir + "/post-commit\n" +
		"pre-push: removed " + dir + "/pre-push\n" +
		"post-rewrite: removed " + dir + "/post-rewrite\n" +
		"post-merge: removed " + dir + "/post-merge\n" +
		"post-checkout: removed " + dir + "/post-checkout\n" +
		"config: removed remote.origin.fetch +refs/notes/ai*:refs/notes/remotes/origin/ai*\n"
	if out.String() != want || errb.String() != "" {
		t.Errorf("uninstall stdout:\n%s\nwant:\n%s\nstderr: %q", out, want, errb)
	}

	ios, _, out, errb = Test()
	if err := uninstallRun(context.Background(), &UninstallOptions{IO: ios, Repo: instOpener(r)}); err != nil {
		t.Fatal(err)
	}
	if want := "git-ai-survival is not installed in this repository; nothing to uninstall\n"; out.String() != want || errb.String() != "" {
		t.Errorf("uninstall with nothing installed: stdout %q, stderr %q", out, errb)
	}
}

// The real binary, run as git runs it, from a subdirectory, over hooks that
// are already there.
func TestInstallCommandChainsExistingHooks(t *testing.T) {
	// Not parallel: it writes a hook script that git then runs, and a
	// fork by a parallel test can hold it open for writing (ETXTBSY).
	r, top := instRepo(t)
	dir := filepath.Join(top, ".git", "hooks")
	if err := os.WriteFile(filepath.Join(dir, "pre-push"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "post-rewrite"), []byte("#!/usr/bin/env python3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Write("sub/f.txt", "x\n")
	sub := *r
	sub.Dir = filepath.Join(r.Dir, "sub")

	out, errs, code := sub.Tool("", "install")
	want := "post-commit: installed " + dir + "/post-commit\n" +
		"pre-push: installed in the existing hook " + dir + "/pre-push, which still runs\n" +
		"post-rewrite: installed " + dir + "/post-rewrite, the existing hook moved to " + dir + "/post-rewrite.ai-survival-orig still runs\n" +
		"post-merge: installed " + dir + "/post-merge\n" +
		"post-checkout: installed " + dir + "/post-checkout\n" +
		"config: added remote.origin.fetch +refs/notes/ai*:refs/notes/remotes/origin/ai*\n"
	if code != 0 || out != want || errs != "" {
		t.Errorf("install: exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %q", code, out, want, errs)
	}

	out, errs, code = sub.Tool("", "uninstall")
	want = "post-commit: removed " + dir + "/post-commit\n" +
		"pre-push: restored " + dir + "/pre-push\n" +
		"post-rewrite: restored " + dir + "/post-rewrite from " + dir + "/post-rewrite.ai-survival-orig\n" +
		"post-merge: removed " + dir + "/post-merge\n" +
		"post-checkout: removed " + dir + "/post-checkout\n" +
		"config: removed remote.origin.fetch +refs/notes/ai*:refs/notes/remotes/origin/ai*\n"
	if code != 0 || out != want || errs != "" {
		t.Errorf("uninstall: exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %q", code, out, want, errs)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "post-rewrite")); err != nil || string(b) != "#!/usr/bin/env python3\n" {
		t.Errorf("post-rewrite after uninstall: %q, %v", b, err)
	}
}

func TestInstallWarningsGoToStderr(t *testing.T) {
	// Not parallel: it writes a hook script that git then runs, and a
	// fork by a parallel test can hold it open for writing (ETXTBSY).
	r, top := instRepo(t)
	p := filepath.Join(top, ".git", "hooks", "post-commit")
	newer := "#!/bin/sh\n# >>> git-ai-survival hook v99 >>>\n# <<< git-ai-survival hook <<<\n"
	if err := os.WriteFile(p, []byte(newer), 0o755); err != nil {
		t.Fatal(err)
	}
	out, errs, code := r.Tool("", "install")
	if code != 0 || !strings.HasPrefix(out, "post-commit: left the newer version in "+p+"\n") {
		t.Errorf("install: exit %d, stdout %q", code, out)
	}
	if want := "warning: " + p + " holds a newer git-ai-survival hook (v99, this is v" + strconv.Itoa(hooks.Version) + "); left as is\n"; errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
}

func TestInstallErrors(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	plain := filepath.Join(root, "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	plain, _ = filepath.EvalSymlinks(plain)
	r := gittest.NewAt(t, plain, filepath.Join(root, "home"))
	r.Env = append(r.Env, "GIT_CEILING_DIRECTORIES="+filepath.Dir(plain))
	for _, cmd := range []string{"install", "uninstall"} {
		out, errs, code := r.Tool("", cmd)
		want := "git-ai-survival: " + plain + ": not a git repository (run this inside a git repository, or 'git init' one)\n"
		if code != 2 || out != "" || errs != want {
			t.Errorf("%s outside a repository: exit %d, stdout %q, stderr %q; want exit 2, stderr %q", cmd, code, out, errs, want)
		}
	}

	bare := filepath.Join(root, "bare.git")
	r.Git("init", "-q", "--bare", bare)
	r.Dir = bare
	for _, cmd := range []string{"install", "uninstall"} {
		out, errs, code := r.Tool("", cmd)
		want := "git-ai-survival: git ai-survival " + cmd + " needs a working tree, and " + bare + " is a bare repository\n"
		if code != 2 || out != "" || errs != want {
			t.Errorf("%s in a bare repository: exit %d, stdout %q, stderr %q; want exit 2, stderr %q", cmd, code, out, errs, want)
		}
	}

	r, top := instRepo(t)
	r.Write("afile", "x\n")
	r.Git("config", "core.hooksPath", "afile/hooks")
	out, errs, code := r.Tool("", "install")
	want := "git-ai-survival: cannot create the hooks directory " + filepath.Join(top, "afile", "hooks") + ": " + filepath.Join(top, "afile") + ": not a directory\n"
	if code != 2 || out != "" || errs != want {
		t.Errorf("unusable hooks directory: exit %d, stdout %q, stderr %q; want exit 2, stderr %q", code, out, errs, want)
	}
}
