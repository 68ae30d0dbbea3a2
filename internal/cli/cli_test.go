package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

func TestExitCodesAndUsage(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("f", "1\n")
	r.Commit("root")
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"show", "--format", "yaml"}, 2, `invalid --format "yaml"`},
		{[]string{"show", "--nope"}, 2, "unknown flag: --nope"},
		{[]string{"show", "no-such-rev"}, 2, `"no-such-rev" does not name a commit`},
		{[]string{"annotate", "HEAD", "--agent", "aider", "--human"}, 2, "exclude each other"},
		{[]string{"annotate", "HEAD", "--model", "m"}, 2, "--model goes with --agent"},
		{[]string{"annotate", "--human"}, 2, "name the commits to tag"},
		{[]string{"annotate", "x..y"}, 2, `range "x..y" does not resolve`},
		{[]string{"hook", "no-such-hook"}, 0, `unknown hook "no-such-hook"`},
	}
	for _, tt := range tests {
		out, errs, code := r.Tool("", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.inStderr) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want exit %d and %q", tt.args, code, errs, out, tt.code, tt.inStderr)
		}
		if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
			t.Errorf("%v: a panic trace reached the user:\n%s", tt.args, errs)
		}
	}
	out, _, code := r.Tool("", "version")
	if code != 0 || !strings.HasPrefix(out, "git-ai-survival ") {
		t.Errorf("version = %q, exit %d", out, code)
	}
	for _, cmd := range []string{"show", "annotate", "hook", "report", "blame", "install", "uninstall", "version", "sync", "ci", "checkpoint"} {
		out, _, code := r.Tool("", cmd, "--help")
		if code != 0 || !strings.Contains(out, "$ git ai-survival "+cmd) || !strings.Contains(out, "Usage:\n  git ai-survival "+cmd) {
			t.Errorf("%s --help (exit %d) lacks usage or examples:\n%s", cmd, code, out)
		}
	}
}

func TestNotARepository(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	dir := t.TempDir()
	r.Dir = dir
	for _, args := range [][]string{{"show"}, {"annotate"}, {"hook", "post-commit"}} {
		_, errs, code := r.Tool("", args...)
		want := 2
		if args[0] == "hook" {
			want = 0 // a hook never fails
		}
		if code != want || !strings.Contains(errs, "not a git repository") || (want == 2 && !strings.Contains(errs, dir)) {
			t.Errorf("%v outside a repository: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestEmptyAndBareRepository(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	_, errs, code := r.Tool("", "annotate")
	if code != 2 || !strings.Contains(errs, "no commits yet") {
		t.Errorf("annotate in an empty repository: exit %d, %q", code, errs)
	}
	_, errs, code = r.Tool("", "show")
	if code != 2 || !strings.Contains(errs, `"HEAD" does not name a commit`) {
		t.Errorf("show in an empty repository: exit %d, %q", code, errs)
	}
	r.Write("f", "1\n2\n")
	r.Commit("root")
	bare := filepath.Join(filepath.Dir(r.Dir), "bare.git")
	r.Git("clone", "-q", "--bare", r.Dir, bare)
	r.Dir = bare
	out := r.MustTool("annotate", "HEAD", "--human")
	if out != "annotated 1 commit: 1 human\n" {
		t.Errorf("annotate in a bare repository: %q", out)
	}
	out = r.MustTool("show", "--format", "json")
	var res struct {
		Source string         `json:"source"`
		Added  map[string]int `json:"added"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Source != "note" || res.Added["human"] != 2 {
		t.Errorf("show in a bare repository: %v %s", err, out)
	}
}

func TestCorruptAndForeignNotes(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("f", "1\n2\n3\n")
	head := r.Commit("root")
	for _, bad := range []string{"not json at all", `{"v":1,"commit":"` + head + `","origin":"robot"}`, `{"v":1,"commit":"` + head + `"`} {
		r.Git("notes", "--ref=refs/notes/ai-survival", "add", "-f", "-m", bad, head)
		out, errs, code := r.Tool("", "show", "--format", "json")
		var res struct {
			Source   string         `json:"source"`
			Added    map[string]int `json:"added"`
			Warnings []string       `json:"warnings"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
			t.Fatalf("show with note %q: exit %d\n%s%s", bad, code, out, errs)
		}
		if res.Source != "none" || res.Added["unknown"] != 3 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], head[:12]) {
			t.Errorf("show with note %q = %+v", bad, res)
		}
		_, errs, _ = r.Tool("", "show")
		if strings.Count(errs, "warning: ") != 1 || !strings.Contains(errs, "not a valid git-ai-survival note") {
			t.Errorf("text show with note %q: stderr %q", bad, errs)
		}
	}
	// annotate keeps the corrupt note unless forced.
	out := r.MustTool("annotate", "HEAD", "--human")
	if !strings.Contains(out, "kept 1 note already there") {
		t.Errorf("annotate over a corrupt note: %q", out)
	}
	out = r.MustTool("annotate", "HEAD", "--human", "--force")
	if !strings.Contains(out, "replaced 1 note") {
		t.Errorf("annotate --force: %q", out)
	}
}

func TestManPages(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	dir := filepath.Join(t.TempDir(), "man1")
	gen := exec.Command("go", "run", "./internal/tools/genman", dir)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("genman: %v\n%s", err, out)
	}
	for _, page := range []string{"git-ai-survival.1", "git-ai-survival-show.1", "git-ai-survival-annotate.1"} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil || !strings.Contains(string(b), ".SH NAME") {
			t.Errorf("%s: %v", page, err)
		}
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Log("man is not installed: git help ai-survival not checked")
		return
	}
	// git turns "git ai-survival --help" into "git help ai-survival".
	r.Env = append(r.Env, "MANPATH="+filepath.Dir(dir), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80")
	out, errs, err := r.Run("", "git", "ai-survival", "--help")
	if err != nil || !strings.Contains(out, "GIT-AI-SURVIVAL(1)") || !strings.Contains(out, "git ai-survival") {
		t.Errorf("git ai-survival --help: %v\n%s%s", err, out, errs)
	}
}

func TestConfigErrorsAndRules(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("f", "1\n")
	r.Commit("root", "--author", "Bot Person <bot@corp.example>")
	r.Write(".ai-survival.yaml", "rules:\n  - agent: corp-bot\n    author: 'bot@corp'\n")
	out := r.MustTool("annotate")
	if out != "annotated 1 commit: 1 ai (corp-bot)\n" {
		t.Errorf("annotate with a user rule: %q", out)
	}
	r.Write(".ai-survival.yaml", "rules:\n  - agent: x\n    author: '('\n")
	for _, args := range [][]string{{"show"}, {"annotate"}} {
		_, errs, code := r.Tool("", args...)
		if code != 2 || !strings.Contains(errs, ".ai-survival.yaml:3: rules[0].author: invalid regexp") {
			t.Errorf("%v with a bad config: exit %d, %q", args, code, errs)
		}
	}
	_, errs, code := r.Tool("", "--config", filepath.Join(r.Dir, "missing.yaml"), "show")
	if code != 2 || !strings.Contains(errs, "missing.yaml") {
		t.Errorf("--config of a missing file: exit %d, %q", code, errs)
	}
	_, errs, code = r.Tool("", "hook", "post-commit")
	if code != 0 || strings.Count(errs, "warning: ") != 1 || !strings.Contains(errs, "built-in rules used alone") {
		t.Errorf("hook with a bad config: exit %d, %q", code, errs)
	}
}
