package main

import (
	"os"
	"path/filepath"
	"testing"
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
