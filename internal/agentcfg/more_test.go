package agentcfg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeminiAndCodexSettings: the exact hooks merged into Gemini CLI's and
// Codex CLI's project settings, every key already there kept, and the files
// put back byte for byte.
func TestGeminiAndCodexSettings(t *testing.T) {
	top, common := t.TempDir(), t.TempDir()
	gemini := filepath.Join(top, ".gemini", "settings.json")
	orig := "{\n  \"theme\": \"GitHub\",\n  \"hooks\": {\n    \"BeforeTool\": [\n      {\n        \"matcher\": \"run_shell_command\",\n        \"hooks\": [{\"type\": \"command\", \"command\": \"./guard.sh\", \"timeout\": 5000}]\n      }\n    ]\n  }\n}\n"
	os.MkdirAll(filepath.Dir(gemini), 0o755)
	os.WriteFile(gemini, []byte(orig), 0o644)
	cs, err := Install(top, common, []string{"gemini", "codex"})
	if err != nil || actions(cs) != "gemini added, codex created" {
		t.Fatalf("install: %s %v", actions(cs), err)
	}
	b, _ := os.ReadFile(gemini)
	want := "{\n  \"theme\": \"GitHub\",\n  \"hooks\": {\n    \"BeforeTool\": [\n      {\n        \"matcher\": \"run_shell_command\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"./guard.sh\",\n            \"timeout\": 5000\n          }\n        ]\n      },\n      {\n        \"matcher\": \"write_file|replace|run_shell_command\",\n        \"hooks\": [\n          {\n            \"name\": \"git-ai-survival\",\n            \"type\": \"command\",\n            \"command\": " + quoted(Command("gemini")) + ",\n            \"timeout\": 10000\n          }\n        ]\n      }\n    ],\n    \"AfterTool\": [\n      {\n        \"matcher\": \"write_file|replace|run_shell_command\",\n        \"hooks\": [\n          {\n            \"name\": \"git-ai-survival\",\n            \"type\": \"command\",\n            \"command\": " + quoted(Command("gemini")) + ",\n            \"timeout\": 10000\n          }\n        ]\n      }\n    ]\n  }\n}\n"
	if string(b) != want {
		t.Errorf(".gemini/settings.json:\n%s", b)
	}
	b, _ = os.ReadFile(filepath.Join(top, ".codex", "hooks.json"))
	want = "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"apply_patch|Bash\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": " + quoted(Command("codex")) + ",\n            \"timeout\": 10\n          }\n        ]\n      }\n    ],\n    \"PostToolUse\": [\n      {\n        \"matcher\": \"apply_patch|Bash\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": " + quoted(Command("codex")) + ",\n            \"timeout\": 10\n          }\n        ]\n      }\n    ]\n  }\n}\n"
	if string(b) != want {
		t.Errorf(".codex/hooks.json:\n%s", b)
	}
	if cs, err := Install(top, common, []string{"gemini", "codex"}); err != nil || actions(cs) != "gemini up to date, codex up to date" {
		t.Fatalf("reinstall: %s %v", actions(cs), err)
	}
	cs, err = Uninstall(common)
	if err != nil || actions(cs) != "gemini restored, codex removed" {
		t.Fatalf("uninstall: %s %v", actions(cs), err)
	}
	if b, _ := os.ReadFile(gemini); string(b) != orig {
		t.Errorf("not restored:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(top, ".codex")); err == nil {
		t.Error(".codex left behind")
	}
}

// TestUserInstall: --user writes the user-level files under home and
// records its state outside every repository; uninstall puts them back.
func TestUserInstall(t *testing.T) {
	home, config := t.TempDir(), t.TempDir()
	state := UserStateFile(config)
	claude := filepath.Join(home, ".claude", "settings.json")
	orig := `{"model": "opus", "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}`
	os.MkdirAll(filepath.Dir(claude), 0o755)
	os.WriteFile(claude, []byte(orig), 0o644)
	cs, err := InstallUser(home, state, Names())
	if err != nil || actions(cs) != "claude-code added, codex created, cursor created, gemini created" {
		t.Fatalf("install: %s %v", actions(cs), err)
	}
	for _, f := range []string{".claude/settings.json", ".codex/hooks.json", ".cursor/hooks.json", ".gemini/settings.json"} {
		b, err := os.ReadFile(filepath.Join(home, f))
		if err != nil || !strings.Contains(string(b), "git-ai-survival checkpoint --agent") {
			t.Errorf("%s: %v\n%s", f, err, b)
		}
	}
	if _, err := os.Stat(state); err != nil {
		t.Errorf("state: %v", err)
	}
	cs, err = UninstallUser(state)
	if err != nil || actions(cs) != "claude-code restored, codex removed, cursor removed, gemini removed" {
		t.Fatalf("uninstall: %s %v", actions(cs), err)
	}
	if b, _ := os.ReadFile(claude); string(b) != orig {
		t.Errorf("not restored:\n%s", b)
	}
	ents, _ := os.ReadDir(home)
	if len(ents) != 1 {
		t.Errorf("home after uninstall: %v", ents)
	}
	if _, err := os.Stat(config); err != nil {
		t.Errorf("the configuration directory itself was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(config, "git-ai-survival")); err == nil {
		t.Error("state left behind")
	}
}
