package hooks_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// fakeBinary is a stand-in for git-ai-survival that appends its arguments
// and stdin to a log: "args: hook <name> <args...>\n<stdin>end\n". Given
// --feed, it logs "fed" for git's output on stdin instead of the output.
// The record is written with one printf, so that fakes running at once
// (a deferred post-commit beside a deferred post-rewrite) do not
// interleave their lines.
const fakeBinary = `#!/bin/sh
rec=$(
	printf 'args:'
	for a in "$@"; do printf ' %s' "$a"; done
	printf '\n'
	case " $* " in
	*" --feed "*) [ "$(wc -c | tr -d ' ')" -gt 0 ] && printf 'fed\n' ;;
	*) cat ;;
	esac
	printf 'end'
)
printf '%s\n' "$rec" >>'LOG'
`

// postCommitLog is what the fake logs for one post-commit hook.
const postCommitLog = "args: hook post-commit --feed\nfed\nend\n"

// withFake puts the fake git-ai-survival first on r's PATH and returns
// the path of its log.
func withFake(t *testing.T, r *gittest.Repo) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "hook.log")
	writeFile(t, filepath.Join(dir, "bin", "git-ai-survival"), strings.Replace(fakeBinary, "LOG", log, 1), 0o755)
	setPath(r, filepath.Join(dir, "bin")+string(os.PathListSeparator)+getenv(r.Env, "PATH"))
	return log
}

// withoutBinary leaves no git-ai-survival on r's PATH.
func withoutBinary(t *testing.T, r *gittest.Repo) {
	t.Helper()
	var keep []string
	for _, d := range filepath.SplitList(getenv(r.Env, "PATH")) {
		if _, err := os.Stat(filepath.Join(d, "git-ai-survival")); err == nil {
			continue
		}
		keep = append(keep, d)
	}
	setPath(r, strings.Join(keep, string(os.PathListSeparator)))
}

func getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

func setPath(r *gittest.Repo, path string) {
	for i, kv := range r.Env {
		if strings.HasPrefix(kv, "PATH=") {
			r.Env[i] = "PATH=" + path
		}
	}
}

// open opens the repository around dir with r's environment.
func open(t *testing.T, r *gittest.Repo, dir string) *gitx.Repo {
	t.Helper()
	repo, err := gitx.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	return repo
}

func install(t *testing.T, r *gittest.Repo) *hooks.Result {
	t.Helper()
	return installIn(t, r, r.Dir)
}

func installIn(t *testing.T, r *gittest.Repo, dir string) *hooks.Result {
	t.Helper()
	res, err := hooks.Install(context.Background(), open(t, r, dir))
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	return res
}

func uninstall(t *testing.T, r *gittest.Repo) *hooks.Result {
	t.Helper()
	res, err := hooks.Uninstall(context.Background(), open(t, r, r.Dir))
	if err != nil {
		t.Fatalf("uninstall: %v", err)
	}
	return res
}

// actions lists "<hook> <action>" per hook of res.
func actions(res *hooks.Result) string {
	var s []string
	for _, c := range res.Hooks {
		s = append(s, c.Hook+" "+string(c.Action))
	}
	return strings.Join(s, ", ")
}

func writeFile(t *testing.T, p, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readLog reads a log that may not exist yet.
func readLog(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// snapshot describes every file below dir: path, mode, and content or link
// target, one per line.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			lines = append(lines, rel+" -> "+target)
		case fi.IsDir():
			lines = append(lines, rel+"/ "+fi.Mode().String())
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			lines = append(lines, rel+" "+fi.Mode().String()+" "+digestOf(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// digestOf is b itself when short, else its start and a digest.
func digestOf(b []byte) string {
	if len(b) < 60 {
		return strings.ReplaceAll(string(b), "\n", `\n`)
	}
	return fmt.Sprintf("%s… %x", strings.ReplaceAll(string(b[:40]), "\n", `\n`), sha256.Sum256(b))
}

// configValues is `git config --get-all key` (all scopes) as a list.
func configValues(r *gittest.Repo, key string) []string {
	out, _, err := r.Run("", "git", "config", "--get-all", key)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// push runs git push and returns its stderr and whether it succeeded.
func push(r *gittest.Repo, args ...string) (string, bool) {
	_, errs, err := r.Run("", "git", append([]string{"push", "-q"}, args...)...)
	return errs, err == nil
}

// bareRemote makes a bare repository beside r and adds it as remote name.
func bareRemote(t *testing.T, r *gittest.Repo, name string) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(r.Dir), name+".git")
	r.Git("init", "-q", "--bare", dir)
	r.Git("remote", "add", name, dir)
	return dir
}

const zeroID = "0000000000000000000000000000000000000000"
