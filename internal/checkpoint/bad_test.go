package checkpoint_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// TestBadInput: every bad input is one warning, exit 0, and nothing
// recorded: the commit that follows is the person's.
func TestBadInput(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	r.Write("src/greet.go", "package greet\n")
	r.Commit("Start")
	cases := []struct {
		name, agent, input string
		args               []string
		warn               string
	}{
		{"empty", "claude-code", "", nil, "payload on stdin is empty"},
		{"truncated", "claude-code", payload(t, r, "bad/truncated.json"), nil, "not valid JSON"},
		{"not json", "claude-code", payload(t, r, "bad/not-json.txt"), nil, "not valid JSON"},
		{"wrong types", "claude-code", payload(t, r, "bad/wrong-types.json"), nil, "not valid JSON"},
		{"unknown tool", "claude-code", payload(t, r, "bad/unknown-tool.json"), nil, `tool "WebFetch" does not write files`},
		{"outside", "claude-code", payload(t, r, "bad/outside.json"), nil, "is outside the repository"},
		{"no file path", "claude-code", payload(t, r, "bad/no-file-path.json"), nil, "has no file_path"},
		{"cursor other event", "cursor", payload(t, r, "bad/cursor-other-event.json"), nil, `"beforeReadFile" is not a file edit`},
		{"cursor given claude", "cursor", payload(t, r, "claude/post-edit.json"), nil, `"PostToolUse" is not a file edit`},
		{"bad flag", "claude-code", "", []string{"--bogus"}, "unknown flag: --bogus"},
		{"both phases", "aider", "", []string{"--before", "--after"}, "exclude each other"},
		{"unknown agent", "aider", "{}", nil, `agent "aider" has no hook payload format`},
		{"outside generic", "aider", "", []string{"--after", "--", "../elsewhere.txt"}, "is outside the repository"},
		{"git dir", "aider", "", []string{"--after", "--", ".git/config"}, "inside the git directory"},
	}
	for _, c := range cases {
		errs := checkpoint(t, r, c.agent, c.input, c.args...)
		if !strings.Contains(errs, c.warn) || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.HasPrefix(errs, "warning: ") {
			t.Errorf("%s: stderr %q, want one warning line with %q", c.name, errs, c.warn)
		}
	}
	// The payloads above named src/greet.go: a person's change to it is
	// still theirs.
	r.Write("src/greet.go", "package greet\n\nconst X = 1\n")
	head := r.Commit("By hand")
	if got, want := layout(t, r, head), "src/greet.go:2-3:human"; got != want {
		t.Errorf("show: got %s, want %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "..", "outside.txt")); err == nil {
		t.Error("outside.txt was written")
	}

	// Not a repository at all (the payload's cwd and the process's): exit
	// 0, and nothing said (agent hooks installed for the user run in every
	// directory).
	dir := t.TempDir()
	cmd := exec.Command(filepath.Join(gittest.BinDir(t), "git-ai-survival"), "checkpoint", "--agent", "claude-code")
	cmd.Dir, cmd.Env = dir, append(append([]string{}, r.Env...), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	cmd.Stdin = strings.NewReader(strings.ReplaceAll(payload(t, r, "claude/pre-edit.json"), r.Dir, dir))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("outside a repository: %v", err)
	}
	if stdout.Len() != 0 || stderr.Len() != 0 {
		t.Errorf("outside a repository: stdout %q, stderr %q, want nothing", stdout.String(), stderr.String())
	}
}

func TestCheckpointOutsideRepository(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	dir := t.TempDir()
	in := `{"session_id":"s","cwd":"` + dir + `","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"` + dir + `/a.txt","content":"x"}}`
	cmd := exec.Command(filepath.Join(gittest.BinDir(t), "git-ai-survival"), "checkpoint", "--agent", "claude-code")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, r.Env, strings.NewReader(in)
	// Agent hooks installed for the user run everywhere: outside a
	// repository a checkpoint says nothing.
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("got %v %q", err, out)
	}
}

func TestDeletedBetweenPreAndPost(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	pre := payload(t, r, "claude/pre-write.json")
	quiet(t, r, "claude-code", pre)
	apply(t, r, pre)
	quiet(t, r, "claude-code", payload(t, r, "claude/post-write.json"))
	pre = payload(t, r, "claude/pre-edit.json")
	quiet(t, r, "claude-code", pre)
	os.Remove(filepath.Join(r.Dir, "src/greet.go"))
	if errs := checkpoint(t, r, "claude-code", payload(t, r, "claude/post-edit.json")); !strings.Contains(errs, "was deleted") {
		t.Errorf("stderr %q", errs)
	}
	// A person writes the file again: it is theirs.
	r.Write("src/greet.go", "package greet\n\nimport \"fmt\"\n")
	head := r.Commit("By hand")
	if got, want := layout(t, r, head), "src/greet.go:1-3:human"; got != want {
		t.Errorf("show: got %s, want %s", got, want)
	}
}

func TestBinaryFile(t *testing.T) {
	t.Parallel()
	r := setup(t)
	quiet(t, r, "aider", "", "--before", "--", "img.bin")
	r.Write("img.bin", "\x00\x01\x02binary\n")
	if errs := checkpoint(t, r, "aider", "", "--after", "--", "img.bin"); !strings.Contains(errs, "binary file") {
		t.Errorf("stderr %q", errs)
	}
	if p := pendingFiles(t, r); len(p) != 0 {
		t.Errorf("pending: %v", p)
	}
	r.Commit("Binary")
}

// TestResetAndCheckout: agent lines whose file is reset or checked out
// are dropped, never given to the lines a person writes next.
func TestResetAndCheckout(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	r.Write("a.go", "package a\n")
	r.Commit("a")
	for _, undo := range [][]string{{"checkout", "--", "a.go"}, {"reset", "-q", "--hard"}, {"stash", "-q"}, {"restore", "a.go"}} {
		quiet(t, r, "aider", "", "--before", "--", "a.go")
		r.Write("a.go", "package a\n\nfunc A() {\n\treturn\n}\n\n}\n")
		quiet(t, r, "aider", "", "--after", "--", "a.go")
		r.Git(undo...)
		// reset and stash leave a "reset:" entry in HEAD's reflog, which
		// the commit checks; checkout and restore are seen by the next
		// checkpoint that looks at the working tree (here an agent's shell
		// command).
		if undo[0] == "checkout" || undo[0] == "restore" {
			quiet(t, r, "claude-code", payload(t, r, "claude/pre-bash.json"))
			quiet(t, r, "claude-code", payload(t, r, "claude/post-bash.json"))
			os.Remove(filepath.Join(r.Dir, "src/gen.txt"))
		}
		r.Write("a.go", "package a\n\n// B is by hand.\nfunc B() {\n\treturn\n}\n")
		head := r.Commit("B by hand " + undo[0])
		if got := layout(t, r, head); strings.Contains(got, "ai") {
			t.Errorf("after %v: %s", undo, got)
		}
		r.Git("reset", "-q", "--hard", "HEAD~1")
	}
}

// TestConcurrentCheckpoints: parallel agents checkpointing at once (the
// same file and others) wait for each other; every line ends up with the
// agent that wrote it.
func TestConcurrentCheckpoints(t *testing.T) {
	t.Parallel()
	r := setup(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			agent := fmt.Sprintf("agent-%d", i)
			path := fmt.Sprintf("f%d.txt", i)
			_, e1, _ := r.Tool("", "checkpoint", "--agent", agent, "--before", "--", path, "shared.txt")
			os.WriteFile(filepath.Join(r.Dir, path), []byte(fmt.Sprintf("line by %s\n", agent)), 0o644)
			_, e2, _ := r.Tool("", "checkpoint", "--agent", agent, "--after", "--", path)
			errs[i] = e1 + e2
		}(i)
	}
	wg.Wait()
	for i, e := range errs {
		if e != "" {
			t.Errorf("agent %d: %s", i, e)
		}
	}
	head := r.Commit("Parallel")
	var want []string
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("f%d.txt:1:ai:agent-%d", i, i))
	}
	if got := layout(t, r, head); got != strings.Join(want, " ") {
		t.Errorf("show:\n got %s\nwant %s", got, strings.Join(want, " "))
	}
}

// TestGeneric: the --before/--after form for any agent, with paths or for
// the whole working tree.
func TestGeneric(t *testing.T) {
	t.Parallel()
	r := setup(t)
	r.Write("app.py", "def main():\n    pass\n")
	r.Commit("App")
	quiet(t, r, "aider", "", "--model", "gpt-5", "--before", "--", "app.py")
	r.Write("app.py", "def main():\n    print('hi')\n")
	quiet(t, r, "aider", "", "--model", "gpt-5", "--after", "--", "app.py")
	// No paths: every changed file.
	quiet(t, r, "codex", "", "--before")
	r.Write("lib.py", "X = 1\n")
	quiet(t, r, "codex", "", "--after")
	head := r.Commit("Hello")
	if got, want := layout(t, r, head), "app.py:2:ai:aider lib.py:1:ai:codex"; got != want {
		t.Errorf("show: got %s, want %s", got, want)
	}
	if m := showJSON(t, r, head).Files[0].Ranges[0].Model; m != "gpt-5" {
		t.Errorf("model %q", m)
	}
}

// TestTrailerWithoutCheckpoints keeps the evidence rules: a commit no
// checkpoint touches is classified from its message as before.
func TestTrailerWithoutCheckpoints(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	r.Write("x.go", "package x\n")
	head := r.Commit("x" + claudeTrailer)
	if got, want := layout(t, r, head), "x.go:1:ai:claude-code"; got != want {
		t.Errorf("show: got %s, want %s", got, want)
	}
}
