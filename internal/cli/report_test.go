package cli_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

type rate struct {
	Added        int      `json:"added"`
	Surviving    int      `json:"surviving"`
	SurvivalRate *float64 `json:"survival_rate"`
}

type reportJSON struct {
	SchemaVersion int    `json:"schema_version"`
	Range         string `json:"range"`
	End           string `json:"end"`
	Commits       struct {
		Total     int `json:"total"`
		WithNotes int `json:"with_notes"`
		Inferred  int `json:"inferred"`
	} `json:"commits"`
	Totals  map[string]rate `json:"totals"`
	AIShare *float64        `json:"ai_share"`
	ByAgent []struct {
		Agent string `json:"agent"`
		Model string `json:"model"`
		rate
	} `json:"by_agent"`
}

func lines(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(prefix + " line " + string(rune('a'+i-1)) + "\n")
	}
	return b.String()
}

// history builds five commits with known fates:
//
//	c1 human (note):     a.txt h1..h10
//	c2 claude (trailer): a.txt +c1..c5, b.txt d1..d4
//	c3 human (note):     deletes c1,c2 and rewrites h3
//	c4 cursor (trailer): renames b.txt to c.txt, rewrites d2
//	c5 no evidence:      adds three lines to c.txt
func history(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Write("a.txt", lines("h", 10))
	r.Commit("c1 human")
	r.Write("a.txt", lines("h", 10)+lines("c", 5))
	r.Write("src/b.txt", lines("d", 4))
	r.Commit("c2 claude\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	a := strings.Replace(lines("h", 10)+lines("c", 5), "c line a\nc line b\n", "", 1)
	a = strings.Replace(a, "h line c\n", "h line c, rewritten\n", 1)
	r.Write("a.txt", a)
	r.Commit("c3 human")
	r.Git("mv", "src/b.txt", "src/c.txt")
	r.Write("src/c.txt", strings.Replace(lines("d", 4), "d line b\n", "d line b by cursor\n", 1))
	r.Commit("c4 cursor\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>")
	r.Write("src/c.txt", strings.Replace(lines("d", 4), "d line b\n", "d line b by cursor\n", 1)+lines("u", 3))
	r.Commit("c5 unknown")
	r.MustTool("annotate", "HEAD~4", "--human")
	r.MustTool("annotate", "HEAD~2", "--human")
	return r
}

func report(t *testing.T, r *gittest.Repo, args ...string) reportJSON {
	t.Helper()
	var rep reportJSON
	out := r.MustTool(append([]string{"report", "--format", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, out)
	}
	return rep
}

func TestReportFigures(t *testing.T) {
	t.Parallel()
	r := history(t)
	rep := report(t, r)
	want := map[string][2]int{"ai": {10, 7}, "human": {11, 10}, "unknown": {3, 3}}
	for o, w := range want {
		if got := rep.Totals[o]; got.Added != w[0] || got.Surviving != w[1] {
			t.Errorf("%s: added %d surviving %d, want %d %d", o, got.Added, got.Surviving, w[0], w[1])
		}
	}
	if rep.SchemaVersion != 1 || rep.End != r.Head() || rep.Commits.Total != 5 || rep.Commits.WithNotes != 2 || rep.Commits.Inferred != 2 {
		t.Errorf("header = %+v", rep)
	}
	if rep.AIShare == nil || *rep.AIShare != 0.35 || *rep.Totals["ai"].SurvivalRate != 0.7 {
		t.Errorf("ai_share %v, ai survival %v; want 0.35 and 0.7", rep.AIShare, rep.Totals["ai"].SurvivalRate)
	}
	agents := map[string][2]int{}
	for _, a := range rep.ByAgent {
		agents[a.Agent] = [2]int{a.Added, a.Surviving}
	}
	if len(agents) != 2 || agents["claude-code"] != [2]int{9, 6} || agents["cursor"] != [2]int{1, 1} {
		t.Errorf("by_agent = %+v", rep.ByAgent)
	}
	// The oracle: git blame of every file, each line's commit mapped to
	// its origin, gives the same surviving counts.
	origin := map[string]string{}
	for _, id := range strings.Fields(r.Git("rev-list", "HEAD")) {
		var s shown
		_ = json.Unmarshal([]byte(r.MustTool("show", id, "--format", "json")), &s)
		origin[id] = s.Origin.Origin
		if s.Source == "none" {
			origin[id] = "unknown"
		}
	}
	blamed := map[string]int{}
	for _, f := range strings.Fields(r.Git("ls-files")) {
		for _, l := range strings.Split(r.Git("blame", "--root", "-l", "-s", f), "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				blamed[origin[strings.TrimPrefix(f[0], "^")]]++
			}
		}
	}
	for o, w := range want {
		if blamed[o] != w[1] {
			t.Errorf("git blame counts %d surviving %s lines, report %d", blamed[o], o, w[1])
		}
	}

	// A range counts only lines born in it; older lines are background.
	rep = report(t, r, "HEAD~2..HEAD")
	if rep.Totals["ai"].Added != 1 || rep.Totals["human"].Added != 0 || rep.Totals["unknown"].Added != 3 || rep.Commits.Total != 2 || rep.Range != "HEAD~2..HEAD" {
		t.Errorf("range report = %+v", rep)
	}
	// Without inference the trailer commits are unknown.
	rep = report(t, r, "--no-infer")
	if rep.Totals["ai"].Added != 0 || rep.Totals["unknown"].Added != 13 || rep.Commits.Inferred != 0 {
		t.Errorf("--no-infer report = %+v", rep.Totals)
	}
}

func TestReportGateAndBadInput(t *testing.T) {
	t.Parallel()
	r := history(t)
	for _, tt := range []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"--fail-under", "70"}, 0, ""},
		{[]string{"--fail-under", "70.1"}, 1, "AI survival 70.0% is below --fail-under 70.1%"},
		{[]string{"--fail-under", "101"}, 2, `invalid --fail-under "101"`},
		{[]string{"--fail-under", "lots"}, 2, `invalid --fail-under "lots"`},
		{[]string{"--fail-under", "NaN"}, 2, `invalid --fail-under "NaN"`},
		{[]string{"--fail-under", "-Inf"}, 2, `invalid --fail-under "-Inf"`},
		{[]string{"--format", "pdf"}, 2, `invalid --format "pdf"`},
		{[]string{"nope..HEAD"}, 2, `"nope"`},
	} {
		_, errs, code := r.Tool("", append([]string{"report"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.inStderr) {
			t.Errorf("report %v: exit %d, stderr %q; want %d, %q", tt.args, code, errs, tt.code, tt.inStderr)
		}
	}
	// A shallow clone: say so and how to fix it, never a wrong number.
	clone := gittest.NewAt(t, filepath.Join(t.TempDir(), "shallow"), r.Home)
	clone.Git("clone", "-q", "--depth", "2", "file://"+r.Dir, clone.Dir)
	_, errs, code := clone.Tool("", "report")
	if code != 2 || !strings.Contains(errs, "shallow") || !strings.Contains(errs, "git fetch --unshallow") {
		t.Errorf("report in a shallow clone: exit %d, %q", code, errs)
	}
}

func TestBlameMatchesGitBlame(t *testing.T) {
	t.Parallel()
	r := history(t)
	var got struct {
		Lines []struct {
			Line   int    `json:"line"`
			Origin string `json:"origin"`
			Commit string `json:"commit"`
			Agent  string `json:"agent"`
		} `json:"lines"`
	}
	if err := json.Unmarshal([]byte(r.MustTool("blame", "src/c.txt", "--format", "json")), &got); err != nil {
		t.Fatal(err)
	}
	gitLines := strings.Split(strings.TrimSpace(r.Git("blame", "--root", "-l", "-s", "src/c.txt")), "\n")
	if len(got.Lines) != len(gitLines) || len(got.Lines) != 7 {
		t.Fatalf("blame has %d lines, git blame %d", len(got.Lines), len(gitLines))
	}
	wantOrigin := []string{"ai", "ai", "ai", "ai", "unknown", "unknown", "unknown"}
	wantAgent := []string{"claude-code", "cursor", "claude-code", "claude-code", "", "", ""}
	for i, l := range got.Lines {
		if l.Line != i+1 || l.Commit != strings.Fields(gitLines[i])[0] || l.Origin != wantOrigin[i] || l.Agent != wantAgent[i] {
			t.Errorf("line %d = %+v; git blame says %s, want %s %s", i+1, l, gitLines[i], wantOrigin[i], wantAgent[i])
		}
	}
	// Relative paths from a subdirectory, and a missing file.
	r.Dir = filepath.Join(r.Dir, "src")
	if out := r.MustTool("blame", "c.txt"); strings.Count(out, "\n") != 7 {
		t.Errorf("blame from a subdirectory:\n%s", out)
	}
	if _, errs, code := r.Tool("", "blame", "nope.txt"); code != 2 || !strings.Contains(errs, "src/nope.txt") {
		t.Errorf("blame of a missing file: exit %d, %q", code, errs)
	}
}

func TestReportGolden(t *testing.T) {
	t.Parallel()
	r := history(t)
	for _, format := range []string{"text", "markdown", "json"} {
		got := r.MustTool("report", "--format", format)
		path := filepath.Join("..", "..", "testdata", "report", "history."+format+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/cli -run Golden -update)", err)
		}
		if got != string(want) {
			t.Errorf("report --format %s differs from %s:\n%s", format, path, got)
		}
	}
}
