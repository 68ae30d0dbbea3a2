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
