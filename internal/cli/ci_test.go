package cli_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// ciOrigin builds the upstream of a CI job and returns its bare remote
// (a mirror, so refs/pull/7/merge and the notes travel) and the ids:
//
//	c1 human:   a.txt h1..h10                                  tag v1.0.0
//	c2 claude:  a.txt +4 lines, "we,ird:na%me.go" 4 lines
//	c3 human:   deletes 3 of the odd file's AI lines, a.txt +2    tag v1.1.0
//	m1 human:   main moves on (new.txt, 1 line)
//	feature (from c3): f1 claude b.txt 4 lines; f2 human rewrites one
//	refs/pull/7/merge: m1 merged with f2 (what actions/checkout checks out)
//
// Each test gets its own copy of a remote built once per run.
//
// AI survival: all history at f2 = (4+1+3)/12; release v1.0.0..v1.1.0 =
// 5/8; the pull request (m1..f2) = 3/4.
func ciOrigin(t *testing.T, withNotes bool) (bare string, ids map[string]string) {
	t.Helper()
	o := &ciOrigins[0]
	if withNotes {
		o = &ciOrigins[1]
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.bare == "" {
		o.bare, o.ids = buildCIOrigin(t, withNotes)
	}
	bare = filepath.Join(t.TempDir(), "origin.git")
	if out, err := exec.Command("cp", "-a", o.bare, bare).CombinedOutput(); err != nil {
		t.Fatalf("copying the CI remote: %v\n%s", err, out)
	}
	return bare, maps.Clone(o.ids)
}

// ciOrigins are the two remotes ciOrigin copies (without and with notes),
// each built once per run under a directory that outlives the test that
// built it.
var ciOrigins [2]struct {
	mu   sync.Mutex
	bare string
	ids  map[string]string
}

// buildCIOrigin builds the remote ciOrigin describes.
func buildCIOrigin(t *testing.T, withNotes bool) (bare string, ids map[string]string) {
	t.Helper()
	src := gittest.NewTemplate(t)
	ids = map[string]string{}
	src.Write("a.txt", lines("h", 10))
	ids["c1"] = src.Commit("c1 human")
	src.Git("tag", "v1.0.0")
	src.Write("a.txt", lines("h", 10)+lines("c", 4))
	src.Write("we,ird:na%me.go", lines("w", 4))
	ids["c2"] = src.Commit("c2 claude\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	src.Write("we,ird:na%me.go", "w line d\n")
	src.Write("a.txt", lines("h", 10)+lines("c", 4)+lines("x", 2))
	ids["c3"] = src.Commit("c3 human")
	src.Git("tag", "v1.1.0")
	src.Git("checkout", "-q", "-b", "feature")
	src.Write("b.txt", lines("f", 4))
	ids["f1"] = src.Commit("f1 claude\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	src.Write("b.txt", strings.Replace(lines("f", 4), "f line b\n", "f line b, by hand\n", 1))
	ids["f2"] = src.Commit("f2 human")
	src.Git("checkout", "-q", "main")
	src.Write("new.txt", "n\n")
	ids["m1"] = src.Commit("m1 human")
	src.Git("checkout", "-q", "--detach", "main")
	src.Git("merge", "-q", "--no-ff", "-m", "Merge f2 into m1", "feature")
	src.Tick()
	ids["merge"] = src.Head()
	src.Git("update-ref", "refs/pull/7/merge", "HEAD")
	src.Git("update-ref", "refs/pull/7/head", ids["f2"])
	src.Git("checkout", "-q", "main")
	if withNotes {
		for _, c := range []string{"c1", "c3", "f2", "m1", "merge"} {
			src.MustTool("annotate", ids[c], "--human")
		}
		for _, c := range []string{"c2", "f1"} {
			src.MustTool("annotate", ids[c]) // from the trailer
		}
	}
	bare = filepath.Join(filepath.Dir(src.Dir), "origin.git")
	src.Git("clone", "-q", "--mirror", src.Dir, bare)
	return bare, ids
}

// ciClone makes what actions/checkout makes: a depth-1 clone of ref with
// no tags and no notes, HEAD detached at it.
func ciClone(t *testing.T, bare, ref string) *gittest.Repo {
	t.Helper()
	root := t.TempDir()
	r := gittest.NewAt(t, filepath.Join(root, "work"), filepath.Join(root, "home"))
	r.Git("init", "-q", r.Dir)
	r.Git("remote", "add", "origin", "file://"+bare)
	r.Git("fetch", "-q", "--depth=1", "--no-tags", "origin", "+"+ref+":refs/remotes/ci/checkout")
	r.Git("checkout", "-q", "--detach", "refs/remotes/ci/checkout")
	if strings.TrimSpace(r.Git("rev-parse", "--is-shallow-repository")) != "true" {
		t.Fatal("the clone is not shallow")
	}
	// No CI variables of the machine running the tests.
	var env []string
	for _, kv := range r.Env {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "CI_") && k != "GITLAB_CI" && k != "CI" {
			env = append(env, kv)
		}
	}
	r.Env = env
	return r
}

// github sets the GitHub Actions variables for an event (its file from
// testdata/ci with the ids filled in) and returns the summary and output
// file paths.
func github(t *testing.T, r *gittest.Repo, event, file string, subst map[string]string) (summary, output string) {
	t.Helper()
	dir := t.TempDir()
	summary, output = filepath.Join(dir, "summary.md"), filepath.Join(dir, "output")
	env := []string{"GITHUB_ACTIONS=true", "CI=true", "GITHUB_EVENT_NAME=" + event,
		"GITHUB_STEP_SUMMARY=" + summary, "GITHUB_OUTPUT=" + output}
	if file != "" {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ci", file))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for k, v := range subst {
			s = strings.ReplaceAll(s, k, v)
		}
		path := filepath.Join(dir, "event.json")
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		env = append(env, "GITHUB_EVENT_PATH="+path)
	}
	r.Env = append(r.Env, env...)
	return summary, output
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func outputsOf(t *testing.T, path string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, path)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("output line %q is not name=value", line)
		}
		m[k] = v
	}
	return m
}

func noPanic(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("a panic trace reached the user:\n%s", stderr)
	}
}

func TestCIPullRequest(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/pull/7/merge")
	summary, output := github(t, r, "pull_request", "pull_request.json", map[string]string{"HEAD_SHA": ids["f2"], "BASE_SHA": ids["m1"]})
	out, errs, code := r.Tool("", "ci", "--fail-under", "50")
	noPanic(t, errs)
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s\n%s", code, out, errs)
	}
	if got := strings.TrimSpace(r.Git("rev-parse", "--is-shallow-repository")); got != "false" {
		t.Errorf("the clone is still shallow")
	}
	if !strings.Contains(errs, "git fetch --unshallow") {
		t.Errorf("stderr does not say how the clone was deepened:\n%s", errs)
	}
	o := outputsOf(t, output)
	want := map[string]string{
		"ai_survival_rate": "0.75", "human_survival_rate": "1", "ai_lines_added": "4", "ai_lines_surviving": "3",
		"pr_ai_survival_rate": "0.75", "repository_ai_survival_rate": "0.6667", "repository_ai_lines_added": "12",
		"scopes": "pr repository",
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("output %s = %q, want %q (all: %v)", k, o[k], v, o)
		}
	}
	if _, ok := o["release_ai_survival_rate"]; ok {
		t.Errorf("a pull request measures no release: %v", o)
	}
	md := readFile(t, summary)
	for _, s := range []string{"## AI code survival: pull request #7", "**This pull request (#7):** 75.0% of AI-written lines survive (3 of 4)",
		"### This pull request (#7)", "### The repository (all history)", "| ai | 4 | 3 | 75.0% |", "#### By agent", "| claude-code | 4 | 3 | 75.0% |",
		"#### Files with the lowest AI survival", "| we,ird:na%me.go | 4 | 1 | 25.0% |"} {
		if !strings.Contains(md, s) {
			t.Errorf("summary lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "evidence only") {
		t.Errorf("the notes were fetched, yet the summary says evidence only:\n%s", md)
	}
	// The notes came along: every measured commit has one.
	if !strings.Contains(out, "2 commits: 2 with notes") {
		t.Errorf("the pull request's commits have no notes:\n%s", out)
	}
	if r.Git("notes", "--ref=ai-survival", "list") == "" {
		t.Errorf("no local notes after ci")
	}
}

func TestCIPushAndRelease(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/heads/feature")
	summary, output := github(t, r, "push", "push.json", map[string]string{"AFTER_SHA": ids["f2"]})
	out, errs, code := r.Tool("", "ci")
	noPanic(t, errs)
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s\n%s", code, out, errs)
	}
	o := outputsOf(t, output)
	want := map[string]string{"ai_survival_rate": "0.6667", "repository_ai_survival_rate": "0.6667",
		"release_ai_survival_rate": "0.625", "release_ai_lines_added": "8", "scopes": "repository release"}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("output %s = %q, want %q (all: %v)", k, o[k], v, o)
		}
	}
	md := readFile(t, summary)
	if !strings.Contains(md, "### Release v1.1.0 (since v1.0.0)") || !strings.Contains(md, "AI code survival: the whole history") {
		t.Errorf("summary:\n%s", md)
	}
	// The gate: below and above.
	_, errs, code = r.Tool("", "ci", "--fail-under", "70")
	if code != 1 || !strings.Contains(errs, "AI survival 66.7% is below --fail-under 70%") {
		t.Errorf("gate at 70: exit %d\n%s", code, errs)
	}
	if _, errs, code = r.Tool("", "ci", "--fail-under", "66", "--no-fetch"); code != 0 {
		t.Errorf("gate at 66: exit %d\n%s", code, errs)
	}
	// Appended, not replaced: three runs, three summaries.
	if n := strings.Count(readFile(t, summary), "## AI code survival"); n != 3 {
		t.Errorf("summary holds %d reports, want 3", n)
	}
}

func TestCIAnnotationsEscaped(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/heads/feature")
	github(t, r, "push", "push.json", map[string]string{"AFTER_SHA": ids["f2"]})
	out, errs, code := r.Tool("", "ci", "--annotate")
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s", code, errs)
	}
	want := "::notice file=we%2Cird%3Ana%25me.go,title=Low AI survival%3A 25.0%25::25.0%25 of the AI-written lines added to this file survive (1 of 4) in the repository (all history).\n"
	if !strings.Contains(out, want) {
		t.Errorf("annotation missing or badly escaped; want %q in:\n%s", want, out)
	}
	if strings.Count(out, "::notice") != 1 {
		t.Errorf("only the file below 50%% is annotated:\n%s", out)
	}
	// The log between stop-commands and its token cannot issue commands.
	start := strings.Index(out, "::stop-commands::")
	if start < 0 {
		t.Fatalf("the report is not fenced by ::stop-commands:::\n%s", out)
	}
	token := strings.TrimSpace(strings.SplitN(out[start+len("::stop-commands::"):], "\n", 2)[0])
	if !strings.Contains(out, "::"+token+"::\n") || strings.Index(out, "::"+token+"::") > strings.Index(out, "::notice") {
		t.Errorf("commands are not resumed before the annotations:\n%s", out)
	}
}

func TestCIGitLab(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/pull/7/head")
	r.Env = append(r.Env, "GITLAB_CI=true", "CI_PIPELINE_SOURCE=merge_request_event", "CI_MERGE_REQUEST_IID=7",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA="+ids["c3"], "CI_COMMIT_SHA="+ids["f2"])
	out, errs, code := r.Tool("", "ci")
	noPanic(t, errs)
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s\n%s", code, out, errs)
	}
	metrics := readFile(t, filepath.Join(r.Dir, "metrics.txt"))
	for _, s := range []string{"# TYPE ai_survival_rate gauge\n", "ai_survival_rate{scope=\"pr\"} 0.75\n",
		"ai_survival_rate{scope=\"repository\"} 0.6666666666666666\n", "ai_lines_added{scope=\"pr\"} 4\n", "# TYPE ai_share gauge\n"} {
		if !strings.Contains(metrics, s) {
			t.Errorf("metrics.txt lacks %q:\n%s", s, metrics)
		}
	}
	if !strings.HasSuffix(metrics, "\n# EOF\n") {
		t.Errorf("metrics.txt does not end with # EOF:\n%s", metrics)
	}
	if md := readFile(t, filepath.Join(r.Dir, "ai-survival.md")); !strings.Contains(md, "### This merge request (!7)") {
		t.Errorf("summary file:\n%s", md)
	}
}

func TestCINoNotesAnywhere(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, false)
	r := ciClone(t, bare, "refs/heads/feature")
	summary, output := github(t, r, "push", "push.json", map[string]string{"AFTER_SHA": ids["f2"]})
	out, errs, code := r.Tool("", "ci")
	noPanic(t, errs)
	if code != 0 {
		t.Fatalf("ci: exit %d\n%s\n%s", code, out, errs)
	}
	want := "no provenance notes here nor on origin: figures come from commit evidence only"
	if !strings.Contains(errs, want) || !strings.Contains(readFile(t, summary), want) {
		t.Errorf("the lack of notes is not said; stderr:\n%s\nsummary:\n%s", errs, readFile(t, summary))
	}
	// Evidence (the trailers) still classifies the agents' commits.
	if o := outputsOf(t, output); o["ai_survival_rate"] != "0.6667" {
		t.Errorf("outputs: %v", o)
	}
}

func TestCIShallowWithoutRemote(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/heads/feature")
	r.Git("remote", "remove", "origin")
	summary, _ := github(t, r, "push", "push.json", map[string]string{"AFTER_SHA": ids["f2"]})
	out, errs, code := r.Tool("", "ci")
	noPanic(t, errs)
	if code != 2 || !strings.Contains(errs, "the repository has no remote") || !strings.Contains(errs, "git fetch --unshallow") {
		t.Errorf("ci in a shallow clone without remote: exit %d\n%s\n%s", code, out, errs)
	}
	if md := readFile(t, summary); !strings.Contains(md, "Not measured") || !strings.Contains(md, "no remote") {
		t.Errorf("the summary does not say what failed:\n%s", md)
	}
}

func TestCIBadInput(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	pr := map[string]string{"HEAD_SHA": ids["f2"], "BASE_SHA": ids["m1"]}
	cases := []struct {
		name    string
		setup   func(r *gittest.Repo)
		args    []string
		code    int
		stderr  string
		summary bool // the summary was written
	}{
		{"event file missing", func(r *gittest.Repo) {
			github(t, r, "pull_request", "", nil)
			r.Env = append(r.Env, "GITHUB_EVENT_PATH="+filepath.Join(t.TempDir(), "nope.json"))
		}, nil, 2, "pull_request event: cannot read the event file", false},
		{"event path unset", func(r *gittest.Repo) { github(t, r, "pull_request", "", nil) }, nil, 2, "GITHUB_EVENT_PATH is not set", false},
		{"event malformed", func(r *gittest.Repo) { github(t, r, "pull_request", "malformed.json", nil) }, nil, 2, "the event file is not valid JSON", false},
		{"event without head", func(r *gittest.Repo) { github(t, r, "pull_request", "pull_request_no_head.json", nil) }, nil, 2, "names no pull_request.head.sha", false},
		{"malformed event, --base given", func(r *gittest.Repo) { github(t, r, "pull_request", "malformed.json", nil) }, []string{"--base", ids["c3"]}, 0, "", true},
		{"push event malformed: HEAD, warned", func(r *gittest.Repo) { github(t, r, "push", "malformed.json", nil) }, nil, 0, "push event: the event file is not valid JSON", true},
		{"summary unset", func(r *gittest.Repo) {
			github(t, r, "pull_request", "pull_request.json", pr)
			r.Env = append(r.Env, "GITHUB_STEP_SUMMARY=")
		}, nil, 0, "GITHUB_STEP_SUMMARY is not set", false},
		{"summary unwritable", func(r *gittest.Repo) {
			github(t, r, "pull_request", "pull_request.json", pr)
			r.Env = append(r.Env, "GITHUB_STEP_SUMMARY="+t.TempDir())
		}, nil, 2, "job summary not written to $GITHUB_STEP_SUMMARY", false},
		{"metrics unwritable", func(r *gittest.Repo) { github(t, r, "pull_request", "pull_request.json", pr) },
			[]string{"--metrics-file", filepath.Join(t.TempDir(), "no", "such", "dir", "m.txt")}, 2, "metrics not written", true},
		{"bad --fail-under", func(r *gittest.Repo) {}, []string{"--fail-under", "150"}, 2, "invalid --fail-under", false},
		{"--range and --base", func(r *gittest.Repo) {}, []string{"--range", "HEAD", "--base", "HEAD~1"}, 2, "not both", false},
		{"unknown range", func(r *gittest.Repo) {}, []string{"--range", "nope..HEAD", "--no-fetch"}, 2, "could not be measured", false},
	}
	for i, tc := range cases {
		if testing.Short() && i%2 == 1 {
			continue // every other case with -short; make test-slow runs them all
		}
		t.Run(tc.name, func(t *testing.T) {
			r := ciClone(t, bare, "refs/pull/7/merge")
			tc.setup(r)
			out, errs, code := r.Tool("", append([]string{"ci"}, tc.args...)...)
			noPanic(t, errs)
			if code != tc.code || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d, want %d with %q in stderr:\n%s\n%s", code, tc.code, tc.stderr, errs, out)
			}
			summary := ""
			for _, kv := range r.Env {
				if v, ok := strings.CutPrefix(kv, "GITHUB_STEP_SUMMARY="); ok {
					summary = v
				}
			}
			if fi, err := os.Stat(summary); tc.summary != (err == nil && fi.Mode().IsRegular() && fi.Size() > 0) {
				t.Errorf("summary written: %v, want %v", err == nil, tc.summary)
			}
		})
	}

	t.Run("not a repository", func(t *testing.T) {
		r := gittest.NewAt(t, t.TempDir(), t.TempDir())
		_, errs, code := r.Tool("", "ci")
		if code != 2 || !strings.Contains(errs, "not a git repository") {
			t.Errorf("exit %d\n%s", code, errs)
		}
	})
	t.Run("no commits", func(t *testing.T) {
		r := gittest.New(t)
		_, errs, code := r.Tool("", "ci")
		if code != 2 || !strings.Contains(errs, "no commits yet") {
			t.Errorf("exit %d\n%s", code, errs)
		}
	})
}

func TestCIFlags(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	out := r.MustTool("ci", "--help")
	for _, s := range []string{"Usage:\n  git ai-survival ci", "$ git ai-survival ci", "--fail-under", "--annotate", "--summary-file", "--metrics-file", "--no-fetch", "--range", "--base"} {
		if !strings.Contains(out, s) {
			t.Errorf("ci --help lacks %q", s)
		}
	}
}

// A range with a start needs only enough depth: --deepen, not --unshallow.
func TestCIRangeDeepens(t *testing.T) {
	t.Parallel()
	bare, ids := ciOrigin(t, true)
	r := ciClone(t, bare, "refs/heads/feature")
	out, errs, code := r.Tool("", "ci", "--range", ids["c3"]+"..HEAD", "--summary-file", "s.md")
	noPanic(t, errs)
	if code != 0 || !strings.Contains(errs, "git fetch --deepen") || strings.Contains(errs, "--unshallow") {
		t.Fatalf("ci --range: exit %d\n%s\n%s", code, out, errs)
	}
	// (50 commits deeper is all of this short history.)
	if md := readFile(t, filepath.Join(r.Dir, "s.md")); !strings.Contains(md, "### Range "+ids["c3"]+"..HEAD") || !strings.Contains(md, "| ai | 4 | 3 | 75.0% |") {
		t.Errorf("summary file:\n%s", md)
	}
}
