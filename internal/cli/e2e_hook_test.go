package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// shown is the part of `show --format json` these tests look at.
type shown struct {
	Commit  string         `json:"commit"`
	Source  string         `json:"source"`
	Partial bool           `json:"partial"`
	Added   map[string]int `json:"added"`
	Origin  struct {
		Origin   string `json:"origin"`
		Agent    string `json:"agent"`
		Model    string `json:"model"`
		Evidence string `json:"evidence"`
	} `json:"origin"`
	Files []struct {
		Path   string `json:"path"`
		Ranges []struct {
			Lines  string `json:"lines"`
			Origin string `json:"origin"`
			Agent  string `json:"agent"`
		} `json:"ranges"`
	} `json:"files"`
}

func show(t *testing.T, r *gittest.Repo, rev string) shown {
	t.Helper()
	var s shown
	out := r.MustTool("show", rev, "--format", "json")
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("show %s: %v\n%s", rev, err, out)
	}
	return s
}

// layout renders a shown commit as "path:lines:origin[:agent]" items.
func (s shown) layout() string {
	var parts []string
	for _, f := range s.Files {
		for _, r := range f.Ranges {
			item := fmt.Sprintf("%s:%s:%s", f.Path, r.Lines, r.Origin)
			if r.Agent != "" {
				item += ":" + r.Agent
			}
			parts = append(parts, item)
		}
	}
	return strings.Join(parts, " ")
}

func TestHooksTagCommitsEndToEnd(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("main.go", "package main\n\nfunc main() {}\n")
	root := r.Commit("Initial commit")
	r.Write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n")
	r.Write("util.go", "package main\n\nfunc helper() int { return 1 }\n")
	ai := r.Commit("Add greeting\n\nGenerated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("util.go", "package main\n\nfunc helper() int { return 1 }\n\nfunc other() int { return 2 }\n")
	r.Commit("aider: add other", "--author", "Dev (aider) <dev@example.com>")
	r.Git("checkout", "-q", "main")
	r.Write("main.go", "// Package main greets.\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n")
	r.Commit("Document the package")
	r.Git("merge", "-q", "--no-ff", "--no-commit", "feature")
	r.Write("util.go", "package main\n\nfunc helper() int { return 1 }\n\nfunc other() int { return 2 }\n\n// resolved by hand\n")
	r.Git("add", "util.go")
	merge := r.Commit("Merge feature")

	tests := []struct {
		rev, origin, agent, layout string
	}{
		{root, "human", "", "main.go:1-3:human"},
		{ai, "ai", "claude-code", "main.go:3-7:ai:claude-code util.go:1-3:ai:claude-code"},
		{"feature", "ai", "aider", "util.go:4-5:ai:aider"},
		{"main~1", "human", "", "main.go:1:human"},
		{merge, "human", "", "util.go:6-7:human"},
	}
	for _, tt := range tests {
		s := show(t, r, tt.rev)
		if s.Source != "note" || s.Origin.Origin != tt.origin || s.Origin.Agent != tt.agent || s.layout() != tt.layout {
			t.Errorf("show %s: source %s, origin %+v, layout %q; want note, %s/%s, %q", tt.rev, s.Source, s.Origin, s.layout(), tt.origin, tt.agent, tt.layout)
		}
	}
	// Every commit got exactly one note, and each non-merge note tags as
	// many lines as git itself counts as added.
	if n := strings.Count(r.Git("notes", "--ref=refs/notes/ai-survival", "list"), "\n"); n != 5 {
		t.Errorf("%d notes, want 5", n)
	}
	for _, id := range strings.Fields(r.Git("rev-list", "--no-merges", "HEAD")) {
		want := 0
		for _, l := range strings.Split(strings.TrimSpace(r.Git("show", "--numstat", "--format=", id)), "\n") {
			var n int
			fmt.Sscanf(l, "%d", &n)
			want += n
		}
		s := show(t, r, id)
		if got := s.Added["ai"] + s.Added["human"]; got != want {
			t.Errorf("%s: note tags %d lines, git counts %d", id[:8], got, want)
		}
	}
}

func TestHookHugeCommitAndDamagedNotesNeverFailCommit(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "a\n")
	r.Commit("root")

	// A 50 MB generated file: the commit succeeds and gets a note, complete
	// or (if reading took too long) partial with the commit's origin.
	size := 50 << 20
	if testing.Short() {
		size = 10 << 20 // make test-slow commits the whole 50 MB
	}
	var big strings.Builder
	line := strings.Repeat("x", 49) + "\n"
	for big.Len() < size {
		big.WriteString(line)
	}
	lines := big.Len() / 50
	if err := os.WriteFile(filepath.Join(r.Dir, "generated.txt"), []byte(big.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r.Commit("Add generated data")
	s := show(t, r, "HEAD")
	if s.Source != "note" || s.Origin.Origin != "human" {
		t.Fatalf("huge commit: %+v", s)
	}
	if !s.Partial && s.layout() != fmt.Sprintf("generated.txt:1-%d:human", lines) {
		t.Errorf("complete note of the huge commit = %q", s.layout())
	}

	// A notes ref that points at a blob: git notes fails, the commit does not.
	blob := strings.TrimSpace(r.Git("hash-object", "-w", "a.txt"))
	r.Git("update-ref", "refs/notes/ai-survival", blob)
	r.Write("a.txt", "a\nb\n")
	r.Git("add", "a.txt")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "still commits")
	if err != nil {
		t.Fatalf("commit failed because of the hook: %v\n%s", err, errs)
	}
	if strings.Count(errs, "warning: ") != 1 || !strings.Contains(errs, "provenance not recorded") {
		t.Errorf("want one warning, got stderr %q", errs)
	}
	if got := strings.TrimSpace(r.Git("log", "-1", "--format=%s")); got != "still commits" {
		t.Errorf("HEAD is %q", got)
	}
}

// hookScript is the installed post-commit hook of r.
func hookScript(t *testing.T, r *gittest.Repo) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, ".git", "hooks", "post-commit"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHookKeepsAnExistingNoteQuietly(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "a\n")
	head := r.Commit("root")
	before := r.Git("notes", "--ref=refs/notes/ai-survival", "show", head)
	tip := r.Git("rev-parse", "refs/notes/ai-survival")
	// The hook runs again for the same commit: git notes add refuses to
	// replace the note, and the script sees the note there.
	out, errs, err := r.Run("", "sh", filepath.Join(".git", "hooks", "post-commit"))
	if err != nil || out != "" || errs != "" {
		t.Fatalf("second run: %v, stdout %q, stderr %q", err, out, errs)
	}
	if got := r.Git("notes", "--ref=refs/notes/ai-survival", "show", head); got != before {
		t.Errorf("note changed:\n%s\nwas:\n%s", got, before)
	}
	if got := r.Git("rev-parse", "refs/notes/ai-survival"); got != tip {
		t.Errorf("notes ref moved from %s to %s", tip, got)
	}
}

func TestHookFromAnotherVersionStillTags(t *testing.T) {
	// Not parallel: it writes a hook script that git then runs, and a
	// fork by a parallel test can hold it open for writing (ETXTBSY).
	r := gittest.New(t)
	r.MustTool("install")
	r.Write("a.txt", "a\n")
	r.Commit("root")
	p := filepath.Join(r.Dir, ".git", "hooks", "post-commit")

	// A hook whose git command is not this binary's: the binary reads the
	// commit itself and says how to update the hook.
	script := hookScript(t, r)
	i := strings.Index(script, "ais-feed-")
	stale := strings.ReplaceAll(script, script[i:i+len("ais-feed-000000000000")], "ais-feed-000000000000")
	if err := os.WriteFile(p, []byte(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Write("a.txt", "a\nb\n")
	r.Git("add", "a.txt")
	_, errs, err := r.Run("", "git", "commit", "-q", "-m", "second")
	if err != nil || !strings.Contains(errs, "from another version") || !strings.Contains(errs, "git ai-survival install") {
		t.Errorf("commit: %v, stderr %q", err, errs)
	}
	if s := show(t, r, "HEAD"); s.Source != "note" || s.layout() != "a.txt:2:human" {
		t.Errorf("note after a stale hook: %+v", s)
	}

	// A hook of the first version, which ran the binary alone.
	old := "#!/bin/sh\n# >>> git-ai-survival hook v1 >>>\ngit-ai-survival hook post-commit </dev/null || :\n# <<< git-ai-survival hook <<<\n"
	if err := os.WriteFile(p, []byte(old), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Write("a.txt", "a\nb\nc\n")
	r.Git("add", "a.txt")
	if _, errs, err := r.Run("", "git", "commit", "-q", "-m", "third"); err != nil || errs != "" {
		t.Errorf("commit: %v, stderr %q", err, errs)
	}
	if s := show(t, r, "HEAD"); s.Source != "note" || s.layout() != "a.txt:3:human" {
		t.Errorf("note after a v1 hook: %+v", s)
	}
	// install brings the hook up to date.
	r.MustTool("install")
	if got := hookScript(t, r); got != script {
		t.Errorf("reinstalled hook:\n%s\nwant:\n%s", got, script)
	}
}

// TestHookStopsAFeedThatHangs runs the hook's pipeline with a feed that
// never writes: the binary gives up at its budget, tags the commit as a
// whole, and stops the feed, so that the pipeline (and git) goes on.
func TestHookStopsAFeedThatHangs(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	head := r.Commit("root\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	bin := filepath.Join(gittest.BinDir(t), "git-ai-survival")
	pipeline := "sleep 600 | '" + bin + "' hook post-commit --feed --note-to-stdout | git notes --ref=refs/notes/ai-survival add -F - HEAD"
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", pipeline)
	cmd.Dir, cmd.Env = r.Dir, r.Env
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil || ctx.Err() != nil {
		t.Fatalf("pipeline: %v (after %s), stderr %q", err, time.Since(start), errb.String())
	}
	if !strings.Contains(errb.String(), "too large to read in time") {
		t.Errorf("stderr %q", errb.String())
	}
	s := show(t, r, head)
	if s.Source != "note" || !s.Partial || s.Origin.Origin != "ai" || s.Origin.Agent != "claude-code" {
		t.Errorf("note = %+v", s)
	}
}
