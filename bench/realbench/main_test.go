package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// An strace -f log as strace writes it: calls interrupted by another
// process are split, failed PATH lookups return -1.
const straceLog = `100 execve("/usr/bin/git", ["git", "commit", "-q", "-m", "x"], 0x7ffd /* 44 vars */) = 0
101 execve(".git/hooks/post-commit", [".git/hooks/post-commit"], 0x55 /* 50 vars */) = 0
102 execve("/work/bin/git-ai-survival", ["git-ai-survival", "hook", "post-commit", "--feed"], 0x55 /* 51 vars */ <unfinished ...>
103 execve("/usr/lib/git-core/git", ["git", "-c", "core.quotePath=false", "-c", "color.ui=never", "log", "-p"], 0x55 /* 51 vars */ <unfinished ...>
102 <... execve resumed>)             = 0
104 execve("/usr/local/bin/git", ["git", "notes", "add"], 0x55 /* 51 vars */) = -1 ENOENT (No such file or directory)
104 execve("/usr/lib/git-core/git", ["git", "notes", "add"], 0x55 /* 51 vars */) = 0
103 <... execve resumed>)             = 0
105 execve("/usr/bin/cat", ["cat"], 0x55 /* 51 vars */ <unfinished ...>
105 <... execve resumed>)             = -1 ENOENT (No such file or directory)
`

func TestCountExecs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strace")
	if err := os.WriteFile(path, []byte(straceLog), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := countExecs(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"git commit":                       1,
		"hook post-commit":                 1,
		"git-ai-survival hook post-commit": 1,
		"git log":                          1,
		"git notes":                        1,
	}
	if len(got) != len(want) {
		t.Fatalf("countExecs = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("countExecs[%q] = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if total(got) != 5 {
		t.Errorf("total = %d, want 5", total(got))
	}
}

func TestAdded(t *testing.T) {
	plain := map[string]int{"git commit": 1}
	hooked := map[string]int{"git commit": 1, "git notes": 2, "hook post-commit": 2, "cat": 1}
	if got, want := added(plain, hooked), "2 `git notes`, 2 `hook post-commit`, 1 `cat`"; got != want {
		t.Errorf("added = %q, want %q", got, want)
	}
	if got := added(plain, plain); got != "none" {
		t.Errorf("added of equal counts = %q, want none", got)
	}
}

func TestRotated(t *testing.T) {
	a, b, c := &benchkit.Repo{Name: "a"}, &benchkit.Repo{Name: "b"}, &benchkit.Repo{Name: "c"}
	clones := []*benchkit.Repo{a, b, c}
	want := [][]*benchkit.Repo{{a, b, c}, {b, c, a}, {c, a, b}, {a, b, c}}
	for i, w := range want {
		if got := rotated(clones, i); !slices.Equal(got, w) {
			t.Errorf("rotated(%d) = %v, want %v", i, names(got), names(w))
		}
	}
	if !slices.Equal(clones, []*benchkit.Repo{a, b, c}) {
		t.Errorf("rotated changed its argument: %v", names(clones))
	}
}

func names(rs []*benchkit.Repo) []string {
	var n []string
	for _, r := range rs {
		n = append(n, r.Name)
	}
	return n
}

// The empty hooks are executable scripts that git runs and that do
// nothing: a commit runs post-commit once and succeeds.
func TestEmptyHooks(t *testing.T) {
	dir := t.TempDir()
	env, err := benchkit.Environ(filepath.Join(dir, "home"), dir)
	if err != nil {
		t.Fatal(err)
	}
	r := &benchkit.Repo{Dir: filepath.Join(dir, "repo"), Env: env}
	top := &benchkit.Repo{Dir: dir, Env: env}
	if _, err := top.Git("init", "-q", r.Dir); err != nil {
		t.Fatal(err)
	}
	hooks := []string{"post-checkout", "post-commit", "post-merge", "post-rewrite", "pre-push"}
	if err := emptyHooks(r, hooks); err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		p := filepath.Join(r.Dir, ".git", "hooks", h)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: mode %v, want 0755", h, fi.Mode().Perm())
		}
		if b, _ := os.ReadFile(p); string(b) != "#!/bin/sh\n:\n" {
			t.Errorf("%s = %q", h, b)
		}
	}
	tr := filepath.Join(dir, "trace2")
	if _, _, _, err := r.Run(nil, []string{"GIT_TRACE2_EVENT=" + tr}, "git", "commit", "-q", "--allow-empty", "-m", "x"); err != nil {
		t.Fatal(err)
	}
	hts, err := hookTimes(tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(hts) != 1 || hts[0].hook != "post-commit" || hts[0].runs != 1 {
		t.Errorf("hooks run by a commit: %+v, want post-commit once", hts)
	}
}
