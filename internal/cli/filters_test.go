package cli

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// filterHistory: Ann and Bob, one hour apart from gittest.Epoch.
//
//	c1 Ann  +0h: a.txt a1..a10
//	c2 Bob  +1h, Claude: a.txt +b1..b5, b.txt d1..d4 (AI)
//	c3 Ann  +2h: rewrites b1,b2 in place, deletes a1
//	c4 Bob  +3h: b.txt +e1..e3
func filterHistory(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	ann, bob := "--author=Ann <ann@example.com>", "--author=Bob <bob@example.org>"
	a := lines("a", 10)
	r.Write("a.txt", a)
	r.Commit("c1", ann)
	r.Write("a.txt", a+lines("b", 5))
	r.Write("b.txt", lines("d", 4))
	r.Commit("c2", bob, "-m", "Co-authored-by: Claude <noreply@anthropic.com>")
	a3 := strings.Replace(strings.Replace(a+lines("b", 5), "b line a\n", "B1\n", 1), "b line b\n", "B2\n", 1)
	r.Write("a.txt", strings.Replace(a3, "a line a\n", "", 1))
	r.Commit("c3", ann)
	r.Write("b.txt", lines("d", 4)+lines("e", 3))
	r.Commit("c4", bob)
	return r
}

func lines(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(prefix + " line " + string(rune('a'+i)) + "\n")
	}
	return b.String()
}

type filtered struct {
	Commits struct{ Total int }
	Totals  map[string]struct{ Added, Surviving int }
	Filters *struct {
		Since, Until string
		Authors      []string
	}
}

func runReport(t *testing.T, r *gittest.Repo, args ...string) filtered {
	t.Helper()
	ios, _, out, errb := Test()
	code := Run(context.Background(), &Factory{IO: ios, Dir: r.Dir, Getenv: os.Getenv}, append([]string{"report", "--format", "json", "--no-cache"}, args...))
	if code != 0 {
		t.Fatalf("report %v: exit %d\n%s", args, code, errb)
	}
	var f filtered
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// Each filter narrows the figures to its commits' lines, with exact
// figures; the lines keep their commit (c3's rewrite of two of Bob's lines
// kills them even when only Bob's commits count).
func TestReportFilters(t *testing.T) {
	t.Parallel()
	r := filterHistory(t)
	type fig struct{ commits, aiAdded, aiSurv, otherAdded, otherSurv int }
	got := func(f filtered) fig {
		return fig{f.Commits.Total, f.Totals["ai"].Added, f.Totals["ai"].Surviving,
			f.Totals["human"].Added + f.Totals["unknown"].Added, f.Totals["human"].Surviving + f.Totals["unknown"].Surviving}
	}
	for _, c := range []struct {
		args []string
		want fig
	}{
		{nil, fig{4, 9, 7, 15, 14}},
		{[]string{"--author", "Bob"}, fig{2, 9, 7, 3, 3}},
		{[]string{"--author", "^Ann <", "--author", "nobody"}, fig{2, 0, 0, 12, 11}},
		{[]string{"--since", "2026-01-01T02:00:00Z"}, fig{2, 0, 0, 5, 5}},
		{[]string{"--until", "2026-01-01T01:00:00Z"}, fig{2, 9, 7, 10, 9}},
		{[]string{"--since", "@1767229200", "--until", "@1767232800", "--author", "example.com"}, fig{1, 0, 0, 2, 2}},
	} {
		f := runReport(t, r, c.args...)
		if g := got(f); g != c.want {
			t.Errorf("%v: %+v, want %+v", c.args, g, c.want)
		}
		if (len(c.args) > 0) != (f.Filters != nil) {
			t.Errorf("%v: filters in JSON: %+v", c.args, f.Filters)
		}
	}

	// Bob's surviving lines are exactly git blame's lines of Bob's commits.
	bob := 0
	for _, p := range []string{"a.txt", "b.txt"} {
		for _, l := range strings.Split(r.Git("blame", "--line-porcelain", p), "\n") {
			if l == "author Bob" {
				bob++
			}
		}
	}
	if f := runReport(t, r, "--author", "Bob"); f.Totals["ai"].Surviving+f.Totals["unknown"].Surviving+f.Totals["human"].Surviving != bob {
		t.Errorf("--author Bob: %+v surviving, git blame gives Bob %d lines", f.Totals, bob)
	}

	ios, _, _, errb := Test()
	if code := Run(context.Background(), &Factory{IO: ios, Dir: r.Dir, Getenv: os.Getenv}, []string{"report", "--since", "whenever"}); code != ExitError || !strings.Contains(errb.String(), `invalid --since "whenever"`) {
		t.Errorf("bad --since: exit %d, %s", code, errb)
	}
}
