package checkpoint_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// gemini feeds a Gemini CLI payload to the checkpoint as the installed hook
// does; Gemini CLI parses stdout as JSON, so it must be exactly {}.
func gemini(t *testing.T, r *gittest.Repo, input string) {
	t.Helper()
	out, errs, code := r.Tool(input, "checkpoint", "--agent", "gemini")
	if code != 0 || out != "{}\n" || errs != "" {
		t.Fatalf("checkpoint --agent gemini: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// applyGemini does what the tool of a Gemini CLI payload does.
func applyGemini(t *testing.T, r *gittest.Repo, input string) {
	t.Helper()
	var p struct {
		ToolName  string `json:"tool_name"`
		ToolInput struct {
			FilePath string `json:"file_path"`
			Content  string `json:"content"`
			Old      string `json:"old_string"`
			New      string `json:"new_string"`
			Command  string `json:"command"`
		} `json:"tool_input"`
	}
	if err := json.Unmarshal([]byte(input), &p); err != nil {
		t.Fatal(err)
	}
	in := p.ToolInput
	switch p.ToolName {
	case "write_file":
		writeAbs(t, in.FilePath, in.Content)
	case "replace":
		editFile(t, in.FilePath, []editSpec{{Old: in.Old, New: in.New}})
	case "run_shell_command":
		if out, errs, err := r.Run("", "sh", "-c", in.Command); err != nil {
			t.Fatalf("%s: %v %s %s", in.Command, err, out, errs)
		}
	default:
		t.Fatalf("cannot apply %s", p.ToolName)
	}
}

// geminiSession writes the Gemini CLI session file the fixtures name.
func geminiSession(t *testing.T, r *gittest.Repo) {
	t.Helper()
	writeAbs(t, filepath.Join(r.Home, ".gemini", "tmp", "3c9a", "chats", "session-2026-12-04T10-12-5f2d9c1a.json"), `{
  "sessionId": "5f2d9c1a-8e47-4b3c-a6d0-91e7f2c4b8a3",
  "projectHash": "3c9a",
  "startTime": "2026-12-04T10:12:02.311Z",
  "lastUpdated": "2026-12-04T10:12:31.480Z",
  "messages": [
    {"id": "m1", "timestamp": "2026-12-04T10:12:02.311Z", "type": "user", "content": "Add mean and median"},
    {"id": "m2", "timestamp": "2026-12-04T10:12:30.902Z", "type": "gemini", "content": "", "model": "gemini-2.5-pro",
     "toolCalls": [{"id": "write_file-1", "name": "write_file", "args": {}, "status": "executing", "timestamp": "2026-12-04T10:12:31.100Z"}]}
  ]
}
`)
}

func TestGeminiCLI(t *testing.T) {
	r := setup(t, "gemini")
	geminiSession(t, r)
	settings, err := os.ReadFile(filepath.Join(r.Dir, ".gemini", "settings.json"))
	if err != nil || !strings.Contains(string(settings), `"BeforeTool"`) || !strings.Contains(string(settings), `"AfterTool"`) {
		t.Fatalf(".gemini/settings.json: %v\n%s", err, settings)
	}
	for _, name := range []string{"write", "replace"} {
		if name == "replace" {
			// A person changes a line the agent wrote.
			personEdit(t, r, "app/stats.py", "    return sum(xs) / len(xs)\n", "    return sum(xs) / len(xs) if xs else 0.0\n")
		}
		before := payload(t, r, "gemini/before-"+name+".json")
		gemini(t, r, before)
		applyGemini(t, r, before)
		gemini(t, r, payload(t, r, "gemini/after-"+name+".json"))
	}
	head := r.Commit("Statistics")
	want := "app/stats.py:1:ai:gemini app/stats.py:2:human app/stats.py:3-10:ai:gemini"
	if got := layout(t, r, head); got != want {
		t.Errorf("show:\n got %s\nwant %s", got, want)
	}
	for _, f := range showJSON(t, r, head).Files {
		for _, rg := range f.Ranges {
			if rg.Evidence != "checkpoint" || (rg.Origin == "ai" && (rg.Session != "5f2d9c1a-8e47-4b3c-a6d0-91e7f2c4b8a3" || rg.Model != "gemini-2.5-pro")) {
				t.Errorf("%s %s: evidence %q session %q model %q", f.Path, rg.Lines, rg.Evidence, rg.Session, rg.Model)
			}
		}
	}
	// A shell command: the file it writes is the agent's; a person's
	// change made before it stays theirs.
	personEdit(t, r, "README", "readme\n", "readme\nby hand\n")
	before := payload(t, r, "gemini/before-shell.json")
	gemini(t, r, before)
	applyGemini(t, r, before)
	gemini(t, r, payload(t, r, "gemini/after-shell.json"))
	head = r.Commit("Export")
	if got, want := layout(t, r, head), "README:2:human app/__init__.py:1:ai:gemini"; got != want {
		t.Errorf("show after run_shell_command:\n got %s\nwant %s", got, want)
	}
}

// TestGeminiAfterToolOnly: without the BeforeTool snapshot, the file before
// a replace comes from the tool's result (returnDisplay.originalContent) or
// from undoing the replacement.
func TestGeminiAfterToolOnly(t *testing.T) {
	r := setup(t, "gemini")
	r.Write("app/stats.py", "def mean(xs):\n    return sum(xs) / len(xs)\n\n\ndef median(xs):\n    s = sorted(xs)\n    n = len(s)\n    return s[n // 2]\n")
	r.Commit("Stats")
	// A person's uncommitted line, then the agent's replace.
	personEdit(t, r, "app/stats.py", "def mean", "# Statistics.\n\ndef mean")
	before := payload(t, r, "gemini/before-replace.json")
	applyGemini(t, r, before)
	gemini(t, r, payload(t, r, "gemini/after-replace.json"))
	head := r.Commit("Median")
	if got, want := layout(t, r, head), "app/stats.py:1-2:human app/stats.py:10-11:ai:gemini"; got != want {
		t.Errorf("show:\n got %s\nwant %s", got, want)
	}
}

// codex feeds a Codex CLI payload to the checkpoint; it must print nothing.
func codex(t *testing.T, r *gittest.Repo, input string) {
	t.Helper()
	quiet(t, r, "codex", input)
}

func TestCodexCLI(t *testing.T) {
	r := setup(t, "codex")
	hooksJSON, err := os.ReadFile(filepath.Join(r.Dir, ".codex", "hooks.json"))
	if err != nil || !strings.Contains(string(hooksJSON), `"apply_patch|Bash"`) {
		t.Fatalf(".codex/hooks.json: %v\n%s", err, hooksJSON)
	}
	r.Write("src/cart.ts", "export interface Item {\n  price: number;\n  qty: number;\n}\n\nexport function total(items: Item[]): number {\n  return items.reduce((s, i) => s + i.price, 0);\n}\n")
	r.Commit("Cart")
	// A person's uncommitted line stays theirs.
	personEdit(t, r, "src/cart.ts", "export interface", "// Shopping cart.\nexport interface")
	codex(t, r, payload(t, r, "codex/pre-apply-patch.json"))
	// What apply_patch writes for that patch.
	personEdit(t, r, "src/cart.ts", "  return items.reduce((s, i) => s + i.price, 0);\n",
		"  const sum = items.reduce((s, i) => s + i.price * i.qty, 0);\n  return Math.round(sum * 100) / 100;\n")
	r.Write("src/money.ts", "export function cents(n: number): number {\n  return Math.round(n * 100);\n}\n")
	codex(t, r, payload(t, r, "codex/post-apply-patch.json"))
	head := r.Commit("Quantities")
	want := "src/cart.ts:1:human src/cart.ts:8-9:ai:codex src/money.ts:1-3:ai:codex"
	if got := layout(t, r, head); got != want {
		t.Errorf("show:\n got %s\nwant %s", got, want)
	}
	for _, f := range showJSON(t, r, head).Files {
		for _, rg := range f.Ranges {
			if rg.Origin == "ai" && (rg.Model != "gpt-5.2-codex" || rg.Session != "019ae3c4-7b2d-7f10-9c3e-5a8d1e6f2b40" || rg.Evidence != "checkpoint") {
				t.Errorf("%s %s: model %q session %q evidence %q", f.Path, rg.Lines, rg.Model, rg.Session, rg.Evidence)
			}
		}
	}
	// A shell command.
	pre := payload(t, r, "codex/pre-bash.json")
	codex(t, r, pre)
	var p struct {
		ToolInput struct {
			Command string `json:"command"`
		} `json:"tool_input"`
	}
	if err := json.Unmarshal([]byte(pre), &p); err != nil {
		t.Fatal(err)
	}
	if out, errs, err := r.Run("", "sh", "-c", p.ToolInput.Command); err != nil {
		t.Fatalf("%v %s %s", err, out, errs)
	}
	codex(t, r, payload(t, r, "codex/post-bash.json"))
	head = r.Commit("SKU")
	if got, want := layout(t, r, head), "src/cart.ts:3:ai:codex"; got != want {
		t.Errorf("show after Bash:\n got %s\nwant %s\n%s", got, want, r.Git("show", head))
	}
}

// TestCheckpointSilentWithoutHooks: agent hooks installed for the user run
// in every directory; where our git hooks are not installed, or outside any
// repository, a checkpoint does nothing and says nothing.
func TestCheckpointSilentWithoutHooks(t *testing.T) {
	r := gittest.New(t)
	r.Write("README", "readme\n")
	r.Commit("Start")
	outside := t.TempDir()
	for _, dir := range []string{r.Dir, outside} {
		for _, c := range []struct{ agent, file, stdout string }{
			{"claude-code", "claude/pre-write.json", ""},
			{"claude-code", "claude/post-write.json", ""},
			{"gemini", "gemini/before-write.json", "{}\n"},
			{"codex", "codex/pre-apply-patch.json", ""},
			{"cursor", "cursor/after-file-edit.json", ""},
		} {
			in := strings.ReplaceAll(payload(t, r, c.file), r.Dir, dir)
			out, errs, code := r.Tool(in, "checkpoint", "--agent", c.agent)
			if code != 0 || out != c.stdout || errs != "" {
				t.Errorf("%s %s in %s: exit %d, stdout %q, stderr %q", c.agent, c.file, dir, code, out, errs)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "ai-survival")); err == nil {
		t.Error("a checkpoint recorded state in a repository without our hooks")
	}
}

// TestUserInstall: install --user puts the agent's hooks in the user's
// settings and changes no repository; checkpoints then count only in
// repositories where install was run; uninstall --user restores the file.
func TestUserInstall(t *testing.T) {
	r := gittest.New(t)
	r.Write("README", "readme\n")
	r.Commit("Start")
	if _, errs, code := r.Tool("", "install", "--user"); code != 2 || !strings.Contains(errs, "--user needs at least one --agent") {
		t.Errorf("install --user without --agent: exit %d, %s", code, errs)
	}
	settings := filepath.Join(r.Home, ".gemini", "settings.json")
	orig := "{\n  \"theme\": \"GitHub\"\n}\n"
	writeAbs(t, settings, orig)
	out := r.MustTool("install", "--user", "--agent", "gemini")
	if !strings.Contains(out, "added checkpoint hooks to ~/.gemini/settings.json\n") {
		t.Errorf("install --user: %s", out)
	}
	if b, _ := os.ReadFile(settings); !strings.Contains(string(b), "checkpoint --agent gemini") || !strings.Contains(string(b), `"theme": "GitHub"`) {
		t.Errorf("%s:\n%s", settings, b)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "hooks", "post-commit")); err == nil {
		t.Error("install --user installed git hooks")
	}
	// Without our git hooks: nothing recorded, nothing said.
	before := payload(t, r, "gemini/before-write.json")
	gemini(t, r, before)
	applyGemini(t, r, before)
	gemini(t, r, payload(t, r, "gemini/after-write.json"))
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "ai-survival", "checkpoints")); err == nil {
		t.Error("checkpoint state in a repository without our hooks")
	}
	os.Remove(filepath.Join(r.Dir, "app", "stats.py"))
	// With them: the agent's lines.
	r.MustTool("install")
	gemini(t, r, before)
	applyGemini(t, r, before)
	gemini(t, r, payload(t, r, "gemini/after-write.json"))
	if got, want := layout(t, r, r.Commit("Stats")), "app/stats.py:1-8:ai:gemini"; got != want {
		t.Errorf("show: got %s, want %s", got, want)
	}
	out = r.MustTool("uninstall", "--user")
	if !strings.Contains(out, "restored ~/.gemini/settings.json\n") {
		t.Errorf("uninstall --user: %s", out)
	}
	if b, _ := os.ReadFile(settings); string(b) != orig {
		t.Errorf("not restored:\n%s", b)
	}
}

// TestCodexPostToolUseOnly: without the PreToolUse snapshot, only the
// lines the patch adds are Codex's; a person's uncommitted line is not.
func TestCodexPostToolUseOnly(t *testing.T) {
	r := setup(t, "codex")
	r.Write("src/cart.ts", "export interface Item {\n  price: number;\n  qty: number;\n}\n\nexport function total(items: Item[]): number {\n  return items.reduce((s, i) => s + i.price, 0);\n}\n")
	r.Commit("Cart")
	personEdit(t, r, "src/cart.ts", "export interface", "// Shopping cart.\nexport interface")
	personEdit(t, r, "src/cart.ts", "  return items.reduce((s, i) => s + i.price, 0);\n",
		"  const sum = items.reduce((s, i) => s + i.price * i.qty, 0);\n  return Math.round(sum * 100) / 100;\n")
	r.Write("src/money.ts", "export function cents(n: number): number {\n  return Math.round(n * 100);\n}\n")
	errs := checkpoint(t, r, "codex", payload(t, r, "codex/post-apply-patch.json"))
	if !strings.Contains(errs, "edit of src/cart.ts cannot be rebuilt exactly; 1 changed line(s)") {
		t.Errorf("stderr %q", errs)
	}
	head := r.Commit("Quantities")
	if got, want := layout(t, r, head), "src/cart.ts:1:human src/cart.ts:8-9:ai:codex src/money.ts:1-3:ai:codex"; got != want {
		t.Errorf("show:\n got %s\nwant %s", got, want)
	}
}
