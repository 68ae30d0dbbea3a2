package cli_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

type releaseRowJSON struct {
	Tag        string `json:"tag"`
	Previous   string `json:"previous"`
	Commits    int    `json:"commits"`
	Unreleased bool   `json:"unreleased"`
	AI         rate   `json:"ai"`
	Human      rate   `json:"human"`
	Unknown    rate   `json:"unknown"`
}

type curvesJSON struct {
	Lifetimes *struct {
		AI *struct {
			Lines       int      `json:"lines"`
			Survival14d *float64 `json:"survival_14d"`
			Points      []struct {
				Days     float64 `json:"days"`
				Survival float64 `json:"survival"`
			} `json:"points"`
		} `json:"ai"`
		ByAgent []struct {
			Agent string `json:"agent"`
		} `json:"by_agent"`
	} `json:"lifetimes"`
	Deaths *struct {
		AI struct {
			Deleted, Modified int
			Moved             *int
		} `json:"ai"`
	} `json:"deaths"`
	Releases *struct {
		Rows    []releaseRowJSON `json:"rows"`
		Skipped []struct {
			Tag    string `json:"tag"`
			Reason string `json:"reason"`
		} `json:"skipped"`
	} `json:"releases"`
}

// taggedHistory generates commits that insert, delete and replace lines in
// a few files, half of them by Claude (trailer), the others unknown, with
// a tag every few commits: v0.1.0 ... v0.11.0 (so that semantic-version
// order differs from name order), plus tags that must be skipped.
func taggedHistory(t *testing.T, commits int) (*gittest.Repo, []string) {
	r := gittest.New(t)
	rng := rand.New(rand.NewSource(7))
	files := map[string][]string{}
	names := []string{"a.txt", "src/b.txt", "src/c.txt"}
	n := 0
	line := func() string { n++; return "line " + strconv.Itoa(n) + " " + strings.Repeat("x", rng.Intn(20)) }
	var tags []string
	for i := 0; i < commits; i++ {
		for _, f := range names {
			if rng.Intn(3) == 0 {
				continue
			}
			ls := files[f]
			for k := rng.Intn(4); k >= 0; k-- {
				pos := 0
				if len(ls) > 0 {
					pos = rng.Intn(len(ls))
				}
				switch op := rng.Intn(4); {
				case op == 0 || len(ls) < 3: // insert a block
					block := []string{}
					for j := rng.Intn(5) + 1; j > 0; j-- {
						block = append(block, line())
					}
					ls = append(ls[:pos], append(block, ls[pos:]...)...)
				case op == 1: // delete
					end := min(len(ls), pos+rng.Intn(3)+1)
					ls = append(ls[:pos], ls[end:]...)
				default: // replace in place
					end := min(len(ls), pos+rng.Intn(3)+1)
					for j := pos; j < end; j++ {
						ls[j] = line()
					}
				}
			}
			files[f] = ls
			r.Write(f, strings.Join(ls, "\n")+"\n")
		}
		msg := fmt.Sprintf("commit %d", i)
		if i%2 == 1 {
			msg += "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
		}
		r.Commit(msg)
		if i%4 == 3 {
			tag := fmt.Sprintf("v0.%d.0", len(tags)+1)
			if len(tags)%2 == 0 {
				r.Git("tag", tag)
			} else {
				r.Git("tag", "-a", tag, "-m", "release "+tag)
			}
			tags = append(tags, tag)
		}
	}
	r.Git("tag", "v-not-a-version")
	return r, tags
}

// blameOrigins counts, at tag, the lines git blame gives to commits of
// prev..tag (all history when prev is ""), by origin: a commit with the
// Claude trailer is ai, any other unknown.
func blameOrigins(t *testing.T, r *gittest.Repo, prev, tag string, flags ...string) (ai, unknown int) {
	t.Helper()
	isAI := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(r.Git("log", "--format=%H %(trailers:key=Co-authored-by,valueonly,separator=%x2C)", tag)), "\n") {
		id, trailer, _ := strings.Cut(l, " ")
		isAI[id] = strings.Contains(trailer, "anthropic")
	}
	rev := tag
	if prev != "" {
		rev = prev + ".." + tag
	}
	for _, f := range strings.Fields(r.Git("ls-tree", "-r", "--name-only", tag)) {
		args := append([]string{"blame", "--porcelain"}, flags...)
		if prev == "" {
			args = append(args, "--root")
		}
		out := r.Git(append(args, rev, "--", f)...)
		var cur string
		boundary := map[string]bool{}
		counts := map[string]int{}
		for _, l := range strings.Split(out, "\n") {
			switch {
			case len(l) >= 40 && !strings.HasPrefix(l, "\t") && strings.Count(l, " ") >= 2 && isHex(l[:40]):
				cur = l[:40]
				counts[cur]++
			case l == "boundary":
				boundary[cur] = true
			}
		}
		for c, k := range counts {
			if boundary[c] {
				continue
			}
			if isAI[c] {
				ai += k
			} else {
				unknown += k
			}
		}
	}
	return ai, unknown
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// The release table against git blame <prev>..<tag> at every tag, with
// and without --moves (then against git blame -M -C -C).
func TestReleasesMatchBlame(t *testing.T) {
	t.Parallel()
	commits := 46
	if testing.Short() {
		commits = 26 // six releases and two commits after them; make test-slow runs all 46
	}
	r, tags := taggedHistory(t, commits)
	for _, moves := range []bool{false, true} {
		args := []string{"report", "--format", "json", "--releases", "v*"}
		var flags []string
		if moves {
			args = append(args, "--moves")
			flags = []string{"-M", "-C", "-C"}
		}
		var rep curvesJSON
		if err := json.Unmarshal([]byte(r.MustTool(args...)), &rep); err != nil {
			t.Fatal(err)
		}
		rows := rep.Releases.Rows
		if len(rows) != len(tags)+1 || !rows[len(rows)-1].Unreleased {
			t.Fatalf("moves=%v: %d rows for %d tags: %+v", moves, len(rows), len(tags), rows)
		}
		if len(rep.Releases.Skipped) != 1 || rep.Releases.Skipped[0].Tag != "v-not-a-version" {
			t.Errorf("skipped %+v", rep.Releases.Skipped)
		}
		prev := ""
		for k, tag := range tags {
			row := rows[k]
			if row.Tag != tag || row.Previous != prev {
				t.Fatalf("row %d is %s (after %q), want %s after %q", k, row.Tag, row.Previous, tag, prev)
			}
			ai, unknown := blameOrigins(t, r, prev, tag, flags...)
			if row.AI.Surviving != ai || row.Unknown.Surviving != unknown {
				t.Errorf("moves=%v %s: surviving ai %d, unknown %d; git blame %s..%s: ai %d, unknown %d",
					moves, tag, row.AI.Surviving, row.Unknown.Surviving, prev, tag, ai, unknown)
			}
			rng := tag
			if prev != "" {
				rng = prev + ".." + tag
			}
			if want, _ := strconv.Atoi(strings.TrimSpace(r.Git("rev-list", "--count", rng))); row.Commits != want {
				t.Errorf("%s: %d commits, want %d", tag, row.Commits, want)
			}
			prev = tag
		}
	}
}

func TestReportCurvesJSONAndText(t *testing.T) {
	t.Parallel()
	r, _ := taggedHistory(t, 12)
	var rep curvesJSON
	if err := json.Unmarshal([]byte(r.MustTool("report", "--format", "json", "--curves")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Lifetimes == nil || rep.Lifetimes.AI == nil || rep.Lifetimes.AI.Lines == 0 || len(rep.Lifetimes.AI.Points) < 2 {
		t.Fatalf("lifetimes %+v", rep.Lifetimes)
	}
	if len(rep.Lifetimes.ByAgent) != 1 || rep.Lifetimes.ByAgent[0].Agent != "claude-code" {
		t.Errorf("agents %+v", rep.Lifetimes.ByAgent)
	}
	if rep.Deaths == nil || rep.Deaths.AI.Modified == 0 || rep.Deaths.AI.Deleted == 0 || rep.Deaths.AI.Moved != nil {
		t.Errorf("deaths %+v", rep.Deaths)
	}
	if rep.Releases != nil {
		t.Error("a release table without --releases")
	}
	var plain map[string]any
	if err := json.Unmarshal([]byte(r.MustTool("report", "--format", "json")), &plain); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lifetimes", "deaths", "releases"} {
		if _, ok := plain[k]; ok {
			t.Errorf("plain report has %q", k)
		}
	}
	text := r.MustTool("report", "--curves", "--releases", "v*")
	for _, want := range []string{"Lifetimes (Kaplan–Meier", "agent claude-code", "How lines died", "Releases (tags v*", "v0.3.0", "Agents wrote"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	md := r.MustTool("report", "--curves", "--releases", "v*", "--format", "markdown")
	for _, want := range []string{"### Lifetimes", "### How lines died", "### Releases", "| v0.2.0 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// Golden files of the curves and the release table in text and Markdown,
// on the five commits of history with two tags.
func TestReportCurvesGolden(t *testing.T) {
	t.Parallel()
	r := history(t)
	r.Git("tag", "v1.0.0", "HEAD~3")
	r.Git("tag", "-a", "v1.1.0", "HEAD~1", "-m", "release")
	for _, format := range []string{"text", "markdown"} {
		got := r.MustTool("report", "--format", format, "--curves", "--releases", "v*")
		path := filepath.Join("..", "..", "testdata", "report", "history.curves."+format+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/cli -run CurvesGolden -update)", err)
		}
		if got != string(want) {
			t.Errorf("report --format %s --curves --releases differs from %s:\n%s", format, path, got)
		}
	}
}

// The page from a repository whose names carry markup: escaped, and
// nothing fetched.
func TestReportHTMLEscapes(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("<b>evil&.txt", lines("x", 4))
	r.Commit("first\n\nCo-authored-by: Claude <noreply@anthropic.com>", "--author", "Mal <script>alert(1)</script> <mal@example.com>")
	r.Git("tag", "v0.1.0")
	r.Write("<b>evil&.txt", lines("y", 2))
	r.Commit("second")
	page := r.MustTool("report", "--format", "html", "--releases", "v*")
	for _, bad := range []string{"<script", "<b>", "http:", "https:"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", `<svg id="curves"`, "v0.1.0"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
