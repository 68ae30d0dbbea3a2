package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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

// The rotation of four clones puts each first in turn.
func TestRotatedFour(t *testing.T) {
	a, b, c, d := &benchkit.Repo{Name: "a"}, &benchkit.Repo{Name: "b"}, &benchkit.Repo{Name: "c"}, &benchkit.Repo{Name: "d"}
	cl := clones{plain: a, hooked: b, empty: c, lazy: d}
	if got := cl.all(); !slices.Equal(got, []*benchkit.Repo{a, b, c, d}) {
		t.Errorf("all = %v", names(got))
	}
	if got := rotated(cl.all(), 3); !slices.Equal(got, []*benchkit.Repo{d, a, b, c}) {
		t.Errorf("rotated(3) = %v, want d a b c", names(got))
	}
	cl.lazy = nil
	if got := cl.all(); !slices.Equal(got, []*benchkit.Repo{a, b, c}) {
		t.Errorf("all without lazy = %v", names(got))
	}
}

// notesOfMade counts the commits made in a clone, rebased ones included
// and the cloned ones not, and names those without a note, oldest first;
// the commits of the notes ref itself are not among them.
func TestNotesOfMade(t *testing.T) {
	dir := t.TempDir()
	env, err := benchkit.Environ(filepath.Join(dir, "home"), dir)
	if err != nil {
		t.Fatal(err)
	}
	top := &benchkit.Repo{Dir: dir, Env: env}
	origin := &benchkit.Repo{Dir: filepath.Join(dir, "origin"), Env: env}
	r := &benchkit.Repo{Dir: filepath.Join(dir, "clone"), Env: env}
	must := func(r *benchkit.Repo, args ...string) string {
		t.Helper()
		out, err := r.Git(args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out)
	}
	must(top, "init", "-q", origin.Dir)
	for i := 0; i < 2; i++ {
		must(origin, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("origin ", i))
		origin.Tick++
	}
	must(top, "clone", "-q", origin.Dir, r.Dir)
	if m, err := notesOfMade(r); err != nil || m.commits != 0 || len(m.missing) != 0 {
		t.Fatalf("notesOfMade of a fresh clone = %+v, %v; want no commit", m, err)
	}
	if n, err := notesCount(r); err != nil || n != 0 {
		t.Fatalf("notesCount without a notes ref = %d, %v; want 0", n, err)
	}
	base := must(r, "rev-parse", "HEAD")
	var made []string
	for i := 0; i < 3; i++ {
		if _, _, _, err := r.Run(nil, nil, "git", "commit", "-q", "--allow-empty", "-m", fmt.Sprint("made ", i)); err != nil {
			t.Fatal(err)
		}
		r.Tick++
		made = append(made, must(r, "rev-parse", "HEAD"))
	}
	// Rebased on a later date: three more commits, the first three left
	// on no branch.
	if _, _, _, err := r.Run(nil, nil, "git", "rebase", "-q", "--force-rebase", base); err != nil {
		t.Fatal(err)
	}
	rebased := strings.Fields(must(r, "rev-list", "--reverse", base+"..HEAD"))
	if len(rebased) != 3 || rebased[0] == made[0] {
		t.Fatalf("rebase made %v from %v", rebased, made)
	}
	all := append(append([]string{}, made...), rebased...)
	for _, c := range all {
		if c != made[1] && c != rebased[2] {
			must(r, "notes", "--ref="+notesRef, "add", "-m", "n", c)
		}
	}
	m, err := notesOfMade(r)
	if err != nil {
		t.Fatal(err)
	}
	if m.commits != 6 || !slices.Equal(m.missing, []string{made[1], rebased[2]}) {
		t.Errorf("notesOfMade = %d commits, missing %v; want 6, missing %v", m.commits, m.missing, []string{made[1], rebased[2]})
	}
	if n, err := notesCount(r); err != nil || n != 4 {
		t.Errorf("notesCount = %d, %v; want 4", n, err)
	}
	if !hasNote(r, made[0]) || hasNote(r, made[1]) {
		t.Errorf("hasNote(%s, %s) = %v, %v; want true, false", made[0], made[1], hasNote(r, made[0]), hasNote(r, made[1]))
	}
}

// The lazy row's ratios are the lazy median over plain's, empty hooks'
// and the default install's.
func TestLazyRow(t *testing.T) {
	d := func(msecs ...int) []time.Duration {
		var out []time.Duration
		for _, m := range msecs {
			out = append(out, time.Duration(m)*time.Millisecond)
		}
		return out
	}
	got := lazyRow("op", d(20, 20, 20), d(25, 25, 25), d(40, 40, 40), d(21, 21, 21), 1.1)
	for _, want := range []string{"| op | 20.0 ms | 25.0 ms | 21.0 ms | **1.05x** | 1.05–1.05x | at most 1.1x: met | 0.84x |", "| 0.53x | 0.53–0.53x |"} {
		if !strings.Contains(got, want) {
			t.Errorf("lazyRow = %q, want it to hold %q", got, want)
		}
	}
	if got := lazyRow("op", d(20), d(25), d(40), d(23), 1.1); !strings.Contains(got, "**1.15x**") || !strings.Contains(got, "**MISSED**") {
		t.Errorf("lazyRow over the target = %q", got)
	}
}

// The processes table has the lazy columns only when the lazy clone was
// traced, with a dash for an operation it was not traced in.
func TestCountsTable(t *testing.T) {
	plain := map[string]int{"git commit": 1}
	hooked := map[string]int{"git commit": 1, "hook post-commit": 1}
	lazy := map[string]int{"git commit": 1}
	got := countsTable([]procCount{{what: "commit", plain: plain, hooked: hooked}})
	if want := "| operation | plain | with hooks | what the hooks added |\n|---|---:|---:|---|\n| commit | 1 | 2 | 1 `hook post-commit` |\n"; got != want {
		t.Errorf("countsTable without lazy = %q, want %q", got, want)
	}
	got = countsTable([]procCount{{what: "commit", plain: plain, hooked: hooked, lazy: lazy}, {what: "rebase", plain: plain, hooked: hooked}})
	want := "| operation | plain | with hooks | lazy | what the hooks added | what the lazy hooks added |\n|---|---:|---:|---:|---|---|\n" +
		"| commit | 1 | 2 | 1 | 1 `hook post-commit` | none |\n" +
		"| rebase | 1 | 2 | — | 1 `hook post-commit` | — |\n"
	if got != want {
		t.Errorf("countsTable with lazy = %q, want %q", got, want)
	}
}

// The report gives the lazy clone its own table in each series, the
// catch-up's cost per commit, and says when a commit made in it has no
// note.
func TestReportLazy(t *testing.T) {
	ms := func(n int) []time.Duration { return []time.Duration{time.Duration(n) * time.Millisecond} }
	s := &series{label: "quiet", plain: ms(10), empty: ms(14), hooked: ms(16), lazy: ms(10),
		catchUp: ms(90), idle: ms(50), caughtUp: 1,
		rebases: []rebaseTimes{{n: 15, plain: ms(100), empty: ms(200), hooked: ms(220), lazy: ms(130)}}}
	res := &result{opts: options{changed: 3, lazy: true, catchUp: []string{"status"}}, bundle: "r.bundle",
		hooks: []string{"post-checkout", "post-commit"}, lazyHooks: []string{"post-checkout"}, series: []*series{s},
		hookedMade: &made{commits: 2}, lazyMade: &made{commits: 2, missing: []string{"abc"}}}
	md := report(res)
	for _, want := range []string{
		"The four clones are measured in alternation",
		"With `git-ai-survival install --lazy` (post-checkout):",
		"| `git commit` of 3 edited files (1 each) | 10.0 ms | 14.0 ms | 10.0 ms | **1.00x** |",
		"| `git rebase --force-rebase` of 15 commits (1 each) | 100.0 ms | 200.0 ms | 130.0 ms | **1.30x** | 1.30–1.30x | at most 1.2x: **MISSED** |",
		"(1 notes for 1 commits), in 90.0 ms per commit caught up",
		"with nothing owed, took 50.0 ms (median): catching up cost about 40.0 ms a commit",
		"every one of the 2 commits the benchmark made in it",
		"In the lazy clone, **1 of the 2 commits the benchmark made in it have no note** (abc): **the run failed**.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	res.opts.lazy, res.lazyMade, s.lazy = false, nil, nil
	if md := report(res); strings.Contains(md, "lazy") || !strings.Contains(md, "The three clones") {
		t.Errorf("report without the lazy clone:\n%s", md)
	}
}
