package checkpoint_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// payload reads testdata/checkpoint/<name> with {{REPO}} and {{TRANSCRIPT}}
// filled in for r (the transcript is written to r's HOME).
func payload(t *testing.T, r *gittest.Repo, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "checkpoint", name))
	if err != nil {
		t.Fatal(err)
	}
	esc := func(s string) string { q, _ := json.Marshal(s); return string(q[1 : len(q)-1]) }
	transcript := filepath.Join(r.Home, "transcript.jsonl")
	if _, err := os.Stat(transcript); err != nil {
		tb, err := os.ReadFile(filepath.Join("..", "..", "testdata", "checkpoint", "claude", "transcript.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(transcript, []byte(strings.ReplaceAll(string(tb), "{{REPO}}", esc(r.Dir))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := strings.ReplaceAll(string(b), "{{REPO}}", esc(r.Dir))
	s = strings.ReplaceAll(s, "{{HOME}}", esc(r.Home))
	return strings.ReplaceAll(s, "{{TRANSCRIPT}}", esc(transcript))
}

// checkpoint feeds a payload to `git ai-survival checkpoint --agent agent`,
// requires exit 0, and returns stderr.
func checkpoint(t *testing.T, r *gittest.Repo, agent, input string, extra ...string) string {
	t.Helper()
	out, errs, code := r.Tool(input, append([]string{"checkpoint", "--agent", agent}, extra...)...)
	if code != 0 || out != "" {
		t.Fatalf("checkpoint --agent %s: exit %d, stdout %q, stderr %q", agent, code, out, errs)
	}
	return errs
}

// quiet is checkpoint that must not warn.
func quiet(t *testing.T, r *gittest.Repo, agent, input string, extra ...string) {
	t.Helper()
	if errs := checkpoint(t, r, agent, input, extra...); errs != "" {
		t.Fatalf("checkpoint --agent %s warned: %s", agent, errs)
	}
}

type editSpec struct {
	Old        string `json:"old_string"`
	New        string `json:"new_string"`
	ReplaceAll bool   `json:"replace_all"`
}

// apply does what the tool of a Claude Code payload does.
func apply(t *testing.T, r *gittest.Repo, input string) {
	t.Helper()
	var p struct {
		ToolName  string `json:"tool_name"`
		ToolInput struct {
			FilePath string `json:"file_path"`
			Content  string `json:"content"`
			editSpec
			Edits   []editSpec `json:"edits"`
			Command string     `json:"command"`
		} `json:"tool_input"`
	}
	if err := json.Unmarshal([]byte(input), &p); err != nil {
		t.Fatal(err)
	}
	in := p.ToolInput
	switch p.ToolName {
	case "Write":
		writeAbs(t, in.FilePath, in.Content)
	case "Edit":
		editFile(t, in.FilePath, []editSpec{in.editSpec})
	case "MultiEdit":
		editFile(t, in.FilePath, in.Edits)
	case "Bash":
		if out, errs, err := r.Run("", "sh", "-c", in.Command); err != nil {
			t.Fatalf("%s: %v %s %s", in.Command, err, out, errs)
		}
	default:
		t.Fatalf("cannot apply %s", p.ToolName)
	}
}

// applyCursor does the edits of a Cursor payload.
func applyCursor(t *testing.T, input string) {
	t.Helper()
	var p struct {
		FilePath string     `json:"file_path"`
		Edits    []editSpec `json:"edits"`
	}
	if err := json.Unmarshal([]byte(input), &p); err != nil {
		t.Fatal(err)
	}
	editFile(t, p.FilePath, p.Edits)
}

func writeAbs(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editFile(t *testing.T, path string, edits []editSpec) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, e := range edits {
		if !strings.Contains(s, e.Old) {
			t.Fatalf("%s: %q not found", path, e.Old)
		}
		if e.ReplaceAll {
			s = strings.ReplaceAll(s, e.Old, e.New)
		} else {
			s = strings.Replace(s, e.Old, e.New, 1)
		}
	}
	writeAbs(t, path, s)
}

// personEdit replaces old with new in a file, as a person in an editor.
func personEdit(t *testing.T, r *gittest.Repo, path, old, new string) {
	t.Helper()
	editFile(t, filepath.Join(r.Dir, path), []editSpec{{Old: old, New: new}})
}

type shown struct {
	Files []struct {
		Path   string `json:"path"`
		Ranges []struct {
			Lines    string `json:"lines"`
			Origin   string `json:"origin"`
			Agent    string `json:"agent"`
			Model    string `json:"model"`
			Session  string `json:"session"`
			Evidence string `json:"evidence"`
		} `json:"ranges"`
	} `json:"files"`
}

// layout is `show --format json` of rev as "path:lines:origin[:agent]".
func layout(t *testing.T, r *gittest.Repo, rev string) string {
	t.Helper()
	return layoutTB(t, r, rev)
}

func layoutTB(t testing.TB, r *gittest.Repo, rev string) string {
	t.Helper()
	s := showJSON(t, r, rev)
	var parts []string
	for _, f := range s.Files {
		for _, rg := range f.Ranges {
			item := fmt.Sprintf("%s:%s:%s", f.Path, rg.Lines, rg.Origin)
			if rg.Agent != "" {
				item += ":" + rg.Agent
			}
			parts = append(parts, item)
		}
	}
	return strings.Join(parts, " ")
}

func showJSON(t testing.TB, r *gittest.Repo, rev string) shown {
	t.Helper()
	var s shown
	out := r.MustTool("show", rev, "--format", "json")
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("show: %v\n%s", err, out)
	}
	return s
}

// blame is `blame --format json` of path as one "origin[:agent]" per line.
func blame(t *testing.T, r *gittest.Repo, path string) []string {
	t.Helper()
	var b struct {
		Lines []struct {
			Line   int    `json:"line"`
			Origin string `json:"origin"`
			Agent  string `json:"agent"`
		} `json:"lines"`
	}
	out := r.MustTool("blame", path, "--format", "json")
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("blame: %v\n%s", err, out)
	}
	var got []string
	for _, l := range b.Lines {
		s := l.Origin
		if l.Agent != "" {
			s += ":" + l.Agent
		}
		got = append(got, s)
	}
	return got
}

func pendingFiles(t *testing.T, r *gittest.Repo) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(r.Dir, ".git", "ai-survival", "checkpoints"))
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".ckpt") {
			b, _ := os.ReadFile(filepath.Join(r.Dir, ".git", "ai-survival", "checkpoints", e.Name()))
			var h struct {
				Path string `json:"path"`
			}
			line, _, _ := strings.Cut(string(b), "\n")
			_ = json.Unmarshal([]byte(line), &h)
			out = append(out, h.Path)
		}
	}
	sort.Strings(out)
	return out
}

// setup makes a repository with the hooks and the agent's hooks installed:
// a copy of a template built once per set of agents.
func setup(t *testing.T, agents ...string) *gittest.Repo {
	t.Helper()
	return template(t, agents).Copy(t)
}

// template returns the repository setup copies for these agents, building
// it the first time.
func template(t *testing.T, agents []string) *gittest.Repo {
	t.Helper()
	key := strings.Join(agents, " ")
	templates.mu.Lock()
	defer templates.mu.Unlock()
	tpl := templates.m[key]
	if tpl == nil {
		tpl = gittest.NewTemplate(t)
		tpl.Write("README", "readme\n")
		args := []string{"install"}
		for _, a := range agents {
			args = append(args, "--agent", a)
		}
		tpl.MustTool(args...)
		tpl.Commit("Set up")
		if templates.m == nil {
			templates.m = map[string]*gittest.Repo{}
		}
		templates.m[key] = tpl
	}
	return tpl
}

// templates holds the repositories setup copies, by the agents installed.
var templates struct {
	mu sync.Mutex
	m  map[string]*gittest.Repo
}

const claudeTrailer = "\n\nGenerated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>"

func TestClaudeCodeWriteEditBash(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	for _, name := range []string{"write", "edit"} {
		if name == "edit" {
			// A person changes a line the agent wrote.
			personEdit(t, r, "src/greet.go", "// Greet says hello.", "// Greet returns a greeting.")
		}
		pre := payload(t, r, "claude/pre-"+name+".json")
		quiet(t, r, "claude-code", pre)
		apply(t, r, pre)
		quiet(t, r, "claude-code", payload(t, r, "claude/post-"+name+".json"))
	}
	r.Write("NOTES", "written by hand\n")
	head := r.Commit("Add greet" + claudeTrailer)
	want := "NOTES:1:human src/greet.go:1-4:ai:claude-code src/greet.go:5:human src/greet.go:6-11:ai:claude-code"
	if got := layout(t, r, head); got != want {
		t.Errorf("show:\n got %s\nwant %s", got, want)
	}
	s := showJSON(t, r, head)
	for _, f := range s.Files {
		for _, rg := range f.Ranges {
			if rg.Evidence != "checkpoint" {
				t.Errorf("%s %s: evidence %q", f.Path, rg.Lines, rg.Evidence)
			}
			if rg.Origin == "ai" && (rg.Model != "claude-sonnet-4-5-20250929" || rg.Session != "0b6f4c2e-7d1a-4b8e-9a3f-2c5d8e1f6a70") {
				t.Errorf("%s %s: model %q session %q", f.Path, rg.Lines, rg.Model, rg.Session)
			}
		}
	}
	if p := pendingFiles(t, r); len(p) != 0 {
		t.Errorf("pending after a full commit: %v", p)
	}

	// Bash: a person's edit before the command stays theirs; sed's change
	// and the generated file are the agent's.
	personEdit(t, r, "README", "readme\n", "readme\nby hand\n")
	pre := payload(t, r, "claude/pre-bash.json")
	quiet(t, r, "claude-code", pre)
	apply(t, r, pre)
	quiet(t, r, "claude-code", payload(t, r, "claude/post-bash.json"))
	head = r.Commit("Shorter greeting")
	want = "README:2:human src/gen.txt:1-2:ai:claude-code src/greet.go:10:ai:claude-code"
	if got := layout(t, r, head); got != want {
		t.Errorf("show after Bash:\n got %s\nwant %s", got, want)
	}
	got := strings.Join(blame(t, r, "src/greet.go"), " ")
	wantBlame := "ai:claude-code ai:claude-code ai:claude-code ai:claude-code human ai:claude-code ai:claude-code ai:claude-code ai:claude-code ai:claude-code ai:claude-code"
	if got != wantBlame {
		t.Errorf("blame:\n got %s\nwant %s", got, wantBlame)
	}
}

func TestPartialStaging(t *testing.T) {
	t.Parallel()
	r := setup(t, "claude-code")
	var util strings.Builder
	util.WriteString("package greet\n\nimport \"strings\"\n\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&util, "func F%d() int { return %d }\n", i, i)
	}
	util.WriteString("\nfunc Upper(s string) string { return strings.ToUpper(s) }\n")
	r.Write("src/util.go", util.String())
	r.Commit("Helpers")

	pre := payload(t, r, "claude/pre-multiedit.json")
	quiet(t, r, "claude-code", pre)
	apply(t, r, pre)
	quiet(t, r, "claude-code", payload(t, r, "claude/post-multiedit.json"))
	// A person writes a line of their own at the end, then stages only
	// the first hunk (the package comment).
	f, _ := os.OpenFile(filepath.Join(r.Dir, "src/util.go"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("// end of helpers\n")
	f.Close()
	if out, errs, err := r.Run("y\nn\n", "git", "add", "-p", "src/util.go"); err != nil {
		t.Fatalf("git add -p: %v\n%s%s", err, out, errs)
	}
	r.Git("commit", "-q", "-m", "Document the package")
	r.Tick()
	if got, want := layout(t, r, "HEAD"), "src/util.go:1:ai:claude-code"; got != want {
		t.Errorf("first commit:\n got %s\nwant %s", got, want)
	}
	if p := pendingFiles(t, r); len(p) != 1 || p[0] != "src/util.go" {
		t.Errorf("pending after a partial commit: %v", p)
	}
	// The rest, with the agent's comment changed by a person, later.
	personEdit(t, r, "src/util.go", "// Lower is Upper's twin.", "// Lower lowers.")
	head := r.Commit("Lower")
	if got, want := layout(t, r, head), "src/util.go:16:ai:claude-code src/util.go:17:human src/util.go:18:ai:claude-code src/util.go:19:human"; got != want {
		t.Errorf("second commit:\n got %s\nwant %s", got, want)
	}
	if p := pendingFiles(t, r); len(p) != 0 {
		t.Errorf("pending after everything is committed: %v", p)
	}
}

func TestCursor(t *testing.T) {
	t.Parallel()
	r := setup(t, "cursor")
	r.Write("web/math.js", "function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add, sub };\n")
	r.Commit("Math")
	// A person's uncommitted line before Cursor's edit stays theirs.
	personEdit(t, r, "web/math.js", "function add", "'use strict';\n\nfunction add")
	for _, name := range []string{"after-file-edit", "after-tab-file-edit"} {
		p := payload(t, r, "cursor/"+name+".json")
		applyCursor(t, p)
		quiet(t, r, "cursor", p)
	}
	head := r.Commit("Subtract and multiply")
	// The tab completion (12-16) names no model, so it is a range apart.
	want := "web/math.js:1-2:human web/math.js:4:ai:cursor web/math.js:8-11:ai:cursor web/math.js:12-16:ai:cursor"
	if got := layout(t, r, head); got != want {
		t.Errorf("show:\n got %s\nwant %s\n%s", got, want, r.Git("show", head))
	}
	s := showJSON(t, r, head)
	if m := s.Files[0].Ranges[1].Model; m != "gpt-5" {
		t.Errorf("model %q", m)
	}
}
