package agentcfg

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func actions(cs []Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Agent+" "+string(c.Action))
	}
	return strings.Join(out, ", ")
}

func TestInstallKeepsEverythingAndUninstallRestores(t *testing.T) {
	top, common := t.TempDir(), t.TempDir()
	claude := filepath.Join(top, ".claude", "settings.json")
	orig := "{\n\t\"permissions\": {\"allow\": [\"Bash(npm test:*)\"]},\n\t\"hooks\": {\n\t\t\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"./lint.sh\"}]}],\n\t\t\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"say done\"}]}]\n\t},\n\t\"env\": {\"A\": \"1\"},\n\t\"n\": 1.50\n}\n"
	os.MkdirAll(filepath.Dir(claude), 0o755)
	os.WriteFile(claude, []byte(orig), 0o600)

	cs, err := Install(top, common, []string{"claude-code", "cursor"})
	if err != nil || actions(cs) != "claude-code added, cursor created" {
		t.Fatalf("install: %s %v", actions(cs), err)
	}
	b, _ := os.ReadFile(claude)
	got := string(b)
	for _, want := range []string{`"./lint.sh"`, `"say done"`, `"Bash(npm test:*)"`, `"A": "1"`, `1.50`, "\t\"permissions\"", Command("claude-code")} {
		if !strings.Contains(got, want) {
			t.Errorf("settings lost %s:\n%s", want, got)
		}
	}
	// Key order kept, ours appended.
	if strings.Index(got, "permissions") > strings.Index(got, "hooks") || strings.Index(got, "hooks") > strings.Index(got, "\"env\"") ||
		strings.Index(got, "./lint.sh") > strings.Index(got, "checkpoint --agent") || strings.Count(got, "checkpoint --agent claude-code") != 2 {
		t.Errorf("order:\n%s", got)
	}
	if fi, _ := os.Stat(claude); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	doc, err := parseObject(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.get("hooks"); !ok {
		t.Fatal("no hooks")
	}
	cur, _ := os.ReadFile(filepath.Join(top, ".cursor", "hooks.json"))
	if want := "{\n  \"version\": 1,\n  \"hooks\": {\n    \"afterFileEdit\": [\n      {\n        \"command\": " + quoted(Command("cursor")) + "\n      }\n    ],\n    \"afterTabFileEdit\": [\n      {\n        \"command\": " + quoted(Command("cursor")) + "\n      }\n    ]\n  }\n}\n"; string(cur) != want {
		t.Errorf("cursor hooks.json:\n%s", cur)
	}

	// Idempotent.
	cs, err = Install(top, common, []string{"claude-code", "cursor"})
	if err != nil || actions(cs) != "claude-code up to date, cursor up to date" {
		t.Fatalf("reinstall: %s %v", actions(cs), err)
	}
	if b2, _ := os.ReadFile(claude); string(b2) != got {
		t.Error("reinstall changed the file")
	}

	cs, err = Uninstall(common)
	if err != nil || actions(cs) != "claude-code restored, cursor removed" {
		t.Fatalf("uninstall: %s %v", actions(cs), err)
	}
	if b, _ := os.ReadFile(claude); string(b) != orig {
		t.Errorf("not restored:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(top, ".cursor")); err == nil {
		t.Error(".cursor left behind")
	}
	if _, err := os.Stat(filepath.Join(common, "ai-survival")); err == nil {
		t.Error("state left behind")
	}
	if cs, err := Uninstall(common); err != nil || len(cs) != 0 {
		t.Errorf("second uninstall: %v %v", cs, err)
	}
}

func TestUninstallAfterEditsRemovesOnlyOurs(t *testing.T) {
	top, common := t.TempDir(), t.TempDir()
	cursor := filepath.Join(top, ".cursor", "hooks.json")
	os.MkdirAll(filepath.Dir(cursor), 0o755)
	os.WriteFile(cursor, []byte(`{"version": 1, "hooks": {"afterFileEdit": [{"command": "./format.sh"}]}}`), 0o644)
	if _, err := Install(top, common, []string{"cursor", "claude-code"}); err != nil {
		t.Fatal(err)
	}
	// A teammate adds hooks after install.
	edit := func(path, old, new string) {
		b, _ := os.ReadFile(path)
		os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
	}
	edit(cursor, `"./format.sh"`, `"./format.sh --all"`)
	claude := filepath.Join(top, ".claude", "settings.json")
	edit(claude, `"hooks": {`, `"model": "opus", "hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "echo hi"}]}],`)
	cs, err := Uninstall(common)
	if err != nil || actions(cs) != "cursor stripped, claude-code stripped" {
		t.Fatalf("uninstall: %s %v", actions(cs), err)
	}
	b, _ := os.ReadFile(cursor)
	if strings.Contains(string(b), "checkpoint") || !strings.Contains(string(b), "./format.sh --all") || strings.Contains(string(b), "afterTabFileEdit") {
		t.Errorf("cursor:\n%s", b)
	}
	b, _ = os.ReadFile(claude)
	if strings.Contains(string(b), "checkpoint") || !strings.Contains(string(b), "echo hi") || !strings.Contains(string(b), `"model": "opus"`) || strings.Contains(string(b), "PreToolUse") {
		t.Errorf("claude:\n%s", b)
	}
}

func TestInstallRefusesBadSettings(t *testing.T) {
	top, common := t.TempDir(), t.TempDir()
	claude := filepath.Join(top, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(claude), 0o755)
	for _, bad := range []string{`{"hooks": `, `[1]`, `{"hooks": []}`, `{"hooks": {"PreToolUse": {}}}`} {
		os.WriteFile(claude, []byte(bad), 0o644)
		if _, err := Install(top, common, []string{"claude-code"}); err == nil || !strings.Contains(err.Error(), "fix it") {
			t.Errorf("%s: %v", bad, err)
		}
		if b, _ := os.ReadFile(claude); string(b) != bad {
			t.Errorf("%s was changed to %s", bad, b)
		}
	}
	if _, err := Install(top, common, []string{"windsurf"}); err == nil {
		t.Error("unknown agent accepted")
	}
}

func TestOurs(t *testing.T) {
	for cmd, want := range map[string]bool{
		Command("claude-code"):                                                    true,
		"git ai-survival checkpoint --agent claude-code":                          true,
		"/usr/local/bin/git-ai-survival checkpoint --agent claude-code --model x": true,
		"git-ai-survival checkpoint --agent claude-codex":                         false,
		"echo git-ai-survival":                                                    false,
	} {
		if got := ours(cmd, "claude-code"); got != want {
			t.Errorf("ours(%q) = %v", cmd, got)
		}
	}
}

// quoted is s as a JSON string, as the settings files hold it.
func quoted(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// TestCommandIsGuarded runs the hook command as the agents do (through a
// shell): without the binary it says so on stderr and succeeds; a failing
// binary never fails the agent's tool call.
func TestCommandIsGuarded(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, agent := range Names() {
		empty := t.TempDir()
		// Gemini CLI reads JSON on stdout, whatever happens.
		wantOut := ""
		if agent == "gemini" {
			wantOut = "{}\n"
		}
		cmd := exec.Command(sh, "-c", Command(agent))
		cmd.Env = []string{"PATH=" + empty}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.String() != MissingWarning+"\n" || stdout.String() != wantOut {
			t.Errorf("%s without the binary: %v, stdout %q, stderr %q", agent, err, stdout.String(), stderr.String())
		}

		bin := t.TempDir()
		log := filepath.Join(bin, "args")
		script := "#!" + sh + "\necho \"$@\" > " + log + "\nexit 3\n"
		if err := os.WriteFile(filepath.Join(bin, "git-ai-survival"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(sh, "-c", Command(agent))
		cmd.Env = []string{"PATH=" + bin}
		out, err := cmd.CombinedOutput()
		got, _ := os.ReadFile(log)
		if err != nil || string(out) != wantOut || string(got) != "checkpoint --agent "+agent+"\n" {
			t.Errorf("%s with a failing binary: %v, output %q, args %q", agent, err, out, got)
		}
	}
}
