package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// A person moves an agent's block to another file: without --moves its
// lines die and are born again as the person's; with --moves they keep
// their origin, as git blame -M -C -C says.
func TestReportAndBlameWithMoves(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	head := "package util\n\n// Helpers written by hand.\nfunc Hand() int { return 1 }\n"
	block := "// Sum adds every value in the slice and returns the total.\nfunc Sum(values []int) int {\n\ttotal := 0\n\tfor _, v := range values {\n\t\ttotal += v\n\t}\n\treturn total\n}\n"
	r.Write("util.go", head)
	r.Commit("Add util")
	r.Write("util.go", head+"\n"+block)
	r.Commit("Add Sum\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	r.Write("util.go", head)
	r.Write("sum.go", "package util\n\n"+block)
	r.Commit("Move Sum to its own file")

	plain := report(t, r)
	moves := report(t, r, "--moves")
	t.Run("thresholds", func(t *testing.T) {
		raw := func(args ...string) map[string]json.RawMessage {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.MustTool(append([]string{"report", "--format", "json"}, args...)...)), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		for _, c := range []struct {
			args      []string
			moves     string
			surviving int
		}{
			{nil, "null", 0},
			{[]string{"--moves"}, `{"within":20,"across":40}`, 8},
			{[]string{"--moves=30,60"}, `{"within":30,"across":60}`, 8},
			// The block scores less than 1000: to blame -C1000 it is new.
			{[]string{"--moves=1000"}, `{"within":1000,"across":1000}`, 0},
		} {
			m := raw(c.args...)
			if got := strings.Join(strings.Fields(string(m["moves"])), ""); got != c.moves {
				t.Errorf("%v: moves %s, want %s", c.args, got, c.moves)
			}
			if rep := report(t, r, c.args...); rep.Totals["ai"].Surviving != c.surviving {
				t.Errorf("%v: %d AI lines survive, want %d", c.args, rep.Totals["ai"].Surviving, c.surviving)
			}
		}
		text := r.MustTool("report", "--moves=100,120")
		if !strings.Contains(text, "git blame -M100 -C120 -C traces") {
			t.Errorf("the text header does not say the thresholds:\n%s", text)
		}
		for _, bad := range []string{"--moves=abc", "--moves=0", "--moves=1,2,3"} {
			if _, stderr, code := r.Tool("", "report", bad); code != 2 || !strings.Contains(stderr, "invalid --moves") {
				t.Errorf("%s: exit %d, %s", bad, code, stderr)
			}
		}
	})
	t.Run("pathspec", func(t *testing.T) {
		// Lines count under the path where they end: with moves, the
		// block lives on in sum.go; only the blank separator died in
		// util.go.
		for _, c := range []struct {
			args             []string
			added, surviving int
		}{
			{[]string{"--", "util.go"}, 9, 0},
			{[]string{"--moves", "--", "util.go"}, 1, 0},
			{[]string{"--moves", "--", "sum.go"}, 8, 8},
			{[]string{"--moves", "--", ":!sum.go"}, 1, 0},
		} {
			rep := report(t, r, c.args...)
			if ai := rep.Totals["ai"]; ai.Added != c.added || ai.Surviving != c.surviving {
				t.Errorf("%v: ai %+v, want %d added, %d surviving", c.args, ai, c.added, c.surviving)
			}
		}
		if _, stderr, code := r.Tool("", "report", "--", ":(attr:x)y"); code != 2 || !strings.Contains(stderr, "not supported") {
			t.Errorf("bad pathspec: exit %d, %s", code, stderr)
		}
		if _, stderr, code := r.Tool("", "report", "HEAD", "util.go"); code != 2 || !strings.Contains(stderr, "pathspecs after --") {
			t.Errorf("report HEAD util.go: exit %d, %s", code, stderr)
		}
		if _, stderr, code := r.Tool("", "ci", "--no-fetch", "util.go"); code != 2 || !strings.Contains(stderr, "pathspecs go after --") {
			t.Errorf("ci util.go: exit %d, %s", code, stderr)
		}
	})
	if plain.Totals["ai"].Added != 9 || plain.Totals["ai"].Surviving != 0 {
		t.Errorf("without --moves: ai %+v, want 9 added, 0 surviving", plain.Totals["ai"])
	}
	if moves.Totals["ai"].Added != 9 || moves.Totals["ai"].Surviving != 8 {
		t.Errorf("with --moves: ai %+v, want 9 added, 8 surviving (the blank separator stayed behind)", moves.Totals["ai"])
	}
	var got struct {
		Lines []struct {
			Line   int    `json:"line"`
			Origin string `json:"origin"`
			Commit string `json:"commit"`
		} `json:"lines"`
	}
	if err := json.Unmarshal([]byte(r.MustTool("blame", "sum.go", "--moves", "--format", "json")), &got); err != nil {
		t.Fatal(err)
	}
	oracle := strings.Split(strings.TrimSpace(r.Git("blame", "--root", "-l", "-s", "-M", "-C", "-C", "sum.go")), "\n")
	if len(got.Lines) != len(oracle) {
		t.Fatalf("blame --moves has %d lines, git blame -M -C -C %d", len(got.Lines), len(oracle))
	}
	for i, l := range got.Lines {
		if want := strings.Fields(oracle[i])[0]; l.Commit != want {
			t.Errorf("sum.go:%d from %s, git blame -M -C -C says %s", l.Line, l.Commit[:8], want[:8])
		}
	}
}
