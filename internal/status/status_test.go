package status_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// golden compares got with testdata/status/<name>; UPDATE_GOLDEN=1 rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "status", name)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if got != string(want) {
		t.Errorf("status differs from %s:\n--- got\n%s--- want\n%s", p, got, want)
	}
}

// repoWithRemote is a repository with one commit and a bare remote origin.
func repoWithRemote(t *testing.T) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	origin := filepath.Join(filepath.Dir(r.Dir), "origin.git")
	r.Git("init", "-q", "--bare", origin)
	r.Git("remote", "add", "origin", origin)
	r.Write("main.go", "package main\n\nfunc main() {\n}\n")
	r.Commit("first")
	return r
}

func status(t *testing.T, r *gittest.Repo, args ...string) string {
	t.Helper()
	out, errs, code := r.Tool("", append([]string{"status"}, args...)...)
	if code != 0 || errs != "" {
		t.Fatalf("status: exit %d\n%s%s", code, out, errs)
	}
	return out
}

func TestStatusFresh(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	golden(t, "fresh.txt", status(t, r))
}

func TestStatusInstalled(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	r.MustTool("install", "--agent", "claude-code")
	r.Write("main.go", "package main\n\nfunc main() {\n\tprintln(1)\n}\n")
	r.Commit("second")
	r.Git("push", "-q", "origin", "main")
	out := status(t, r)
	golden(t, "installed.txt", out)

	var st struct {
		Hooks []struct {
			State   string `json:"state"`
			Current bool   `json:"current"`
		} `json:"hooks"`
		Notes struct {
			Local   int `json:"local"`
			Remotes []struct {
				Name     string `json:"name"`
				Fetched  bool   `json:"fetched"`
				Notes    int    `json:"notes"`
				Unpushed int    `json:"unpushed"`
			} `json:"remotes"`
		} `json:"notes"`
		Problems []json.RawMessage `json:"problems"`
	}
	js := status(t, r, "--format", "json")
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if len(st.Hooks) != 5 || st.Notes.Local != 1 || len(st.Notes.Remotes) != 1 || !st.Notes.Remotes[0].Fetched ||
		st.Notes.Remotes[0].Notes != 1 || st.Notes.Remotes[0].Unpushed != 0 || len(st.Problems) != 0 {
		t.Errorf("status json:\n%s", js)
	}
	for _, h := range st.Hooks {
		if h.State != "ours" || !h.Current {
			t.Errorf("hook %+v, want ours and current", h)
		}
	}
}

func TestStatusStale(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	// A foreign pre-push hook that install chains, and an older claude hook.
	hook := filepath.Join(r.Dir, ".git", "hooks", "pre-push")
	if err := os.WriteFile(hook, []byte("#!/usr/bin/env python3\nprint('checks')\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.MustTool("install")
	r.Write(".claude/settings.json", `{"hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "git-ai-survival checkpoint --agent claude-code"}]}]}}`+"\n")
	pc := filepath.Join(r.Dir, ".git", "hooks", "post-commit")
	b, err := os.ReadFile(pc)
	if err != nil {
		t.Fatal(err)
	}
	cur := fmt.Sprintf("# >>> git-ai-survival hook v%d >>>", hooks.Version)
	old := strings.Replace(string(b), cur, "# >>> git-ai-survival hook v1 >>>", 1)
	if old == string(b) {
		t.Fatalf("no %q block in the post-commit hook", cur)
	}
	if err := os.WriteFile(pc, []byte(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(r.Dir, ".git", "hooks", "post-checkout")); err != nil {
		t.Fatal(err)
	}
	r.Write(".ai-survival.yaml", "rules:\n  - agent: aider\n    author: '('\n")
	golden(t, "stale.txt", status(t, r))
}

func TestStatusPending(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	r.MustTool("install", "--agent", "claude-code")
	path := filepath.Join(r.Dir, "main.go")
	payload := func(event string) string {
		return `{"session_id":"s1","transcript_path":"","cwd":"` + r.Dir + `","hook_event_name":"` + event +
			`","tool_name":"Edit","tool_input":{"file_path":"` + path + `","old_string":"func main() {\n}","new_string":"func main() {\n\tprintln(1)\n\tprintln(2)\n}"},"tool_use_id":"t1"}`
	}
	checkpoint := func(in string) {
		t.Helper()
		if out, errs, code := r.Tool(in, "checkpoint", "--agent", "claude-code"); code != 0 {
			t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errs)
		}
	}
	checkpoint(payload("PreToolUse"))
	r.Write("main.go", "package main\n\nfunc main() {\n\tprintln(1)\n\tprintln(2)\n}\n")
	checkpoint(payload("PostToolUse"))
	golden(t, "pending.txt", status(t, r))
}

// Without the binary on the PATH the hooks see, status says so first; and
// outside a repository it is a usage error.
func TestStatusBinaryMissingAndNotARepository(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	var env []string
	for _, kv := range r.Env {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(gittest.BinDir(t), "git-ai-survival")
	cmd := exec.Command(bin, "status", "--format", "json")
	cmd.Dir, cmd.Env = r.Dir, append(env, "PATH="+filepath.Dir(git))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var st struct {
		Binary struct {
			OnPath bool `json:"on_path"`
		}
		Problems []struct{ Message, Fix string }
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	if st.Binary.OnPath || len(st.Problems) == 0 || !strings.Contains(st.Problems[0].Message, "not on PATH") {
		t.Errorf("binary missing: %s", out)
	}

	cmd = exec.Command(bin, "status")
	cmd.Dir, cmd.Env = filepath.Dir(r.Home), r.Env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "not a git repository") {
		t.Errorf("outside a repository: %v, %s", err, stderr.String())
	}
}

// Hooks installed for the user (install --user) count as set up.
func TestStatusUserLevelAgentHooks(t *testing.T) {
	t.Parallel()
	r := repoWithRemote(t)
	r.MustTool("install")
	r.MustTool("install", "--user", "--agent", "cursor")
	var st struct {
		Agents []struct {
			Agent, Path, State string
			User               bool
		}
	}
	js := status(t, r, "--format", "json")
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range st.Agents {
		got[a.Agent] = a.Path + " " + a.State
		if a.User != (a.Agent == "cursor") {
			t.Errorf("%s: user %v", a.Agent, a.User)
		}
	}
	if got["cursor"] != "~/.cursor/hooks.json installed" || got["claude-code"] != ".claude/settings.json absent" {
		t.Errorf("agents: %v", got)
	}
}
