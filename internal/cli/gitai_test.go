package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// gitAINote writes a git-ai authorship note on rev under refs/notes/ai.
func gitAINote(r *gittest.Repo, ref, rev, note string) {
	r.T.Helper()
	path := filepath.Join(r.T.TempDir(), "note")
	if err := os.WriteFile(path, []byte(note), 0o644); err != nil {
		r.T.Fatal(err)
	}
	r.Git("notes", "--ref="+ref, "add", "-F", path, rev)
}

const gitAIMeta = `{"schema_version": "authorship/3.0.0", "git_ai_version": "1.4.5", "base_commit_sha": "x",
 "prompts": {"c9883b05a2487d6d": {"agent_id": {"tool": "cursor", "id": "p1", "model": "gpt-5.1"}, "total_additions": 4, "total_deletions": 0, "accepted_lines": 4, "overriden_lines": 0}},
 "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "claude", "id": "conv", "model": "claude-opus-4-5"}}},
 "humans": {"h_5a1b2c3d4e5f60": {"author": "Dev <dev@example.com>"}}}
`

// gitAIHistory builds, with no note of ours except on c5:
//
//	c1 git-ai (sessions): a.txt 1-10: cursor 3-6, claude 8, known human 1-2, rest human
//	c2 git-ai (older format, no sessions): deletes a.txt 3-4, adds a.txt 9-11
//	   (new numbering; codex on 10-11; line 1, not added, is ignored),
//	   and "src/my file.txt" 1-3 (codex on 2)
//	c3 no note, no evidence: adds b.txt 1-2 (unknown)
//	c4 a corrupt git-ai note: adds b.txt 3 (unknown, with a warning)
//	c5 our note (human) and a git-ai note that says cursor: ours wins
func gitAIHistory(t *testing.T) (*gittest.Repo, []string) {
	r := gittest.New(t)
	r.Write("a.txt", lines("a", 10))
	c1 := r.Commit("c1")
	gitAINote(r, "ai", c1, "a.txt\n  h_5a1b2c3d4e5f60 1-2\n  c9883b05a2487d6d 3-6\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 8\n---\n"+gitAIMeta)
	a := strings.Split(lines("a", 10), "\n")
	a = append(append(a[:2:2], a[4:10]...), "b line x", "b line y", "b line z")
	r.Write("a.txt", strings.Join(a, "\n")+"\n")
	r.Write("src/my file.txt", lines("f", 3))
	c2 := r.Commit("c2")
	gitAINote(r, "ai", c2, "a.txt\n  abcd1234abcd1234 1,10-11\n\"src/my file.txt\"\n  abcd1234abcd1234 2\n---\n"+
		`{"schema_version": "authorship/3.0.0", "base_commit_sha": "y", "prompts": {"abcd1234abcd1234": {"agent_id": {"tool": "codex", "id": "2", "model": "gpt-5-codex"}}}}`)
	r.Write("b.txt", lines("b", 2))
	c3 := r.Commit("c3 plain")
	r.Write("b.txt", lines("b", 3))
	c4 := r.Commit("c4 plain")
	gitAINote(r, "ai", c4, "b.txt\n  c9883b05a2487d6d 3\n---\n{not json")
	r.Write("c.txt", lines("c", 2))
	c5 := r.Commit("c5")
	gitAINote(r, "ai", c5, "c.txt\n  c9883b05a2487d6d 1-2\n---\n"+gitAIMeta)
	r.MustTool("annotate", c5, "--human")
	return r, []string{c1, c2, c3, c4, c5}
}

// gitAIOracle is what the notes above say, line by line, for lines the
// commit added (origin and agent by commit, file, line number).
func gitAIOracle(ids []string) func(commit, file string, n int) string {
	c1, c2, c3, c4, c5 := ids[0], ids[1], ids[2], ids[3], ids[4]
	return func(commit, file string, n int) string {
		switch commit {
		case c1:
			switch {
			case n >= 3 && n <= 6:
				return "ai cursor"
			case n == 8:
				return "ai claude-code"
			}
			return "human"
		case c2:
			if file == "a.txt" && (n == 10 || n == 11) || file == "src/my file.txt" && n == 2 {
				return "ai codex"
			}
			return "human"
		case c3, c4:
			return "unknown"
		case c5:
			return "human"
		}
		return "?"
	}
}

var hunkHeader = regexp.MustCompile(`(?m)^@@ -\S+ \+(\d+)(?:,(\d+))? @@`)

// addedByGit lists the lines each commit added, as git show says.
func addedByGit(r *gittest.Repo, commit string) map[string][]int {
	out := map[string][]int{}
	for _, file := range strings.Split(strings.Trim(r.Git("show", "--format=", "--name-only", "-z", commit), "\x00\n"), "\x00") {
		diff := r.Git("show", "--format=", "-U0", commit, "--", file)
		for _, m := range hunkHeader.FindAllStringSubmatch(diff, -1) {
			start, _ := strconv.Atoi(m[1])
			count := 1
			if m[2] != "" {
				count, _ = strconv.Atoi(m[2])
			}
			for i := 0; i < count; i++ {
				out[file] = append(out[file], start+i)
			}
		}
	}
	return out
}

// TestGitAINotesMatchShowAndBlame: with inference off, the ai and human
// lines from git-ai's notes are the notes intersected with git show (for
// added lines) and git blame (for surviving lines), exactly.
func TestGitAINotesMatchShowAndBlame(t *testing.T) {
	r, ids := gitAIHistory(t)
	oracle := gitAIOracle(ids)
	cfg := filepath.Join(t.TempDir(), "no-inference.yaml")
	if err := os.WriteFile(cfg, []byte("inference: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	added := map[string]int{}
	agents := map[string]int{}
	for _, id := range ids {
		for file, ns := range addedByGit(r, id) {
			for _, n := range ns {
				o := oracle(id, file, n)
				added[strings.Fields(o)[0]]++
				if f := strings.Fields(o); len(f) == 2 {
					agents[f[1]]++
				}
			}
		}
	}
	surviving := map[string]int{}
	for _, file := range []string{"a.txt", "b.txt", "c.txt", "src/my file.txt"} {
		var got struct {
			Lines []struct {
				Line     int    `json:"line"`
				Origin   string `json:"origin"`
				Commit   string `json:"commit"`
				Agent    string `json:"agent"`
				Evidence string `json:"evidence"`
			} `json:"lines"`
		}
		out := r.MustTool("blame", file, "--format", "json", "--config", cfg)
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("blame %s: %v\n%s", file, err, out)
		}
		porcelain := r.Git("blame", "--root", "--porcelain", "HEAD", "--", file)
		var want []string
		for _, m := range regexp.MustCompile(`(?m)^([0-9a-f]{40}) (\d+) (\d+)`).FindAllStringSubmatch(porcelain, -1) {
			orig, _ := strconv.Atoi(m[2])
			want = append(want, fmt.Sprintf("%s %s %s", m[3], m[1][:12], oracle(m[1], file, orig)))
		}
		var have []string
		for _, l := range got.Lines {
			s := fmt.Sprintf("%d %s %s", l.Line, l.Commit[:12], l.Origin)
			if l.Agent != "" {
				s += " " + l.Agent
			}
			have = append(have, s)
			surviving[l.Origin]++
			wantEvidence := "git-ai"
			switch l.Commit {
			case ids[2], ids[3]:
				wantEvidence = ""
			case ids[4]:
				wantEvidence = "manual"
			}
			if l.Evidence != wantEvidence {
				t.Errorf("%s:%d evidence %q, want %q", file, l.Line, l.Evidence, wantEvidence)
			}
		}
		if strings.Join(have, "\n") != strings.Join(want, "\n") {
			t.Errorf("blame %s:\n got %s\nwant %s", file, strings.Join(have, "\n     "), strings.Join(want, "\n     "))
		}
	}
	// The figures themselves, so that the oracle cannot drift unnoticed.
	if fmt.Sprint(added) != "map[ai:8 human:10 unknown:3]" || fmt.Sprint(surviving) != "map[ai:6 human:10 unknown:3]" {
		t.Errorf("oracle: added %v surviving %v", added, surviving)
	}
	// --no-cache: blame above saved the walk, and a report served from it
	// reads no note, so it has nothing to warn about.
	out, errs, code := r.Tool("", "report", "--format", "json", "--no-infer", "--no-cache")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "git-ai note on commit "+ids[3][:12]) {
		t.Errorf("no warning about the corrupt git-ai note:\n%s", errs)
	}
	var rep struct {
		reportJSON
		Commits struct {
			Total     int `json:"total"`
			WithNotes int `json:"with_notes"`
			Inferred  int `json:"inferred"`
			GitAI     int `json:"git_ai"`
		} `json:"commits"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for o, n := range added {
		if got := rep.Totals[o]; got.Added != n || got.Surviving != surviving[o] {
			t.Errorf("%s: added %d surviving %d, want %d %d", o, got.Added, got.Surviving, n, surviving[o])
		}
	}
	if c := rep.Commits; c.Total != 5 || c.WithNotes != 1 || c.GitAI != 2 || c.Inferred != 0 {
		t.Errorf("commits %+v, want total 5, with_notes 1, git_ai 2", c)
	}
	byAgent := map[string]int{}
	for _, a := range rep.ByAgent {
		byAgent[a.Agent] += a.Added
	}
	if fmt.Sprint(byAgent) != fmt.Sprint(agents) {
		t.Errorf("by agent %v, want %v", byAgent, agents)
	}
	show := r.MustTool("show", ids[1])
	for _, want := range []string{"source   git-ai's authorship note (refs/notes/ai)", "src/my file.txt  2      ai (codex, gpt-5-codex) by git-ai"} {
		if !strings.Contains(show, want) {
			t.Errorf("show %s lacks %q:\n%s", ids[1][:12], want, show)
		}
	}
}

// TestGitAINotesFromTrackingRef: notes fetched into a remote's tracking
// ref count too; refs/notes/ai itself wins over it.
func TestGitAINotesFromTrackingRef(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", lines("a", 4))
	c1 := r.Commit("c1")
	gitAINote(r, "refs/notes/remotes/origin/ai", c1, "a.txt\n  s_c9883b05a2487d::t_1 1-3\n---\n"+gitAIMeta)
	rep := report(t, r, "--no-infer")
	if a, h := rep.Totals["ai"], rep.Totals["human"]; a.Added != 3 || h.Added != 1 {
		t.Errorf("tracking ref: ai %d human %d, want 3 1", a.Added, h.Added)
	}
	gitAINote(r, "ai", c1, "a.txt\n  s_c9883b05a2487d::t_1 1\n---\n"+gitAIMeta)
	rep = report(t, r, "--no-infer")
	if a, h := rep.Totals["ai"], rep.Totals["human"]; a.Added != 1 || h.Added != 3 {
		t.Errorf("local ref over tracking ref: ai %d human %d, want 1 3", a.Added, h.Added)
	}
	// git-ai's notes are line-level provenance: no "evidence only" note.
	if text := r.MustTool("report", "--no-infer"); strings.Contains(text, "evidence only") || !strings.Contains(text, "1 with git-ai notes") {
		t.Errorf("report text:\n%s", text)
	}
}

// TestUnknownAsHuman: --unknown-as human and unknown: in the
// configuration count lines with no evidence as human, only before since:
// when given, and every output says so; coverage still calls them none.
func TestUnknownAsHuman(t *testing.T) {
	r, ids := gitAIHistory(t)
	type figures struct {
		reportJSON
		Coverage struct {
			LineLevel   int `json:"line_level"`
			CommitLevel int `json:"commit_level"`
			None        int `json:"none"`
		} `json:"coverage"`
		UnknownAs       string `json:"unknown_as"`
		UnknownAsBefore string `json:"unknown_as_before"`
	}
	get := func(args ...string) figures {
		t.Helper()
		var f figures
		out := r.MustTool(append([]string{"report", "--format", "json", "--no-infer"}, args...)...)
		if err := json.Unmarshal([]byte(out), &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	check := func(name string, f figures, human, unknown int, as, before string) {
		t.Helper()
		if f.Totals["human"].Added != human || f.Totals["unknown"].Added != unknown || f.UnknownAs != as || f.UnknownAsBefore != before {
			t.Errorf("%s: human %d unknown %d unknown_as %q before %q, want %d %d %q %q", name,
				f.Totals["human"].Added, f.Totals["unknown"].Added, f.UnknownAs, f.UnknownAsBefore, human, unknown, as, before)
		}
		if c := f.Coverage; c.LineLevel != 18 || c.CommitLevel != 0 || c.None != 3 {
			t.Errorf("%s: coverage %+v, want 18 line-level, 0 commit-level, 3 none", name, c)
		}
	}
	check("default", get(), 10, 3, "unknown", "")
	check("--unknown-as human", get("--unknown-as", "human"), 13, 0, "human", "")

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// c3 (2 lines) is before c4; c4 (1 line) is not.
	check("since a revision", get("--config", write("rev.yaml", "unknown: {as: human, since: "+ids[3]+"}\n")), 12, 1, "human", ids[3])
	date := strings.TrimSpace(r.Git("log", "-1", "--format=%cI", ids[3]))
	check("since a date", get("--config", write("date.yaml", "unknown:\n  as: human\n  since: '"+date+"'\n")), 12, 1, "human", date)
	check("the flag turns it off", get("--config", write("on.yaml", "unknown: human\n"), "--unknown-as", "unknown"), 10, 3, "unknown", "")

	text := r.MustTool("report", "--no-infer", "--unknown-as", "human")
	for _, want := range []string{"Provenance of the 21 added lines: 18 (85.7%) line by line (notes, git-ai notes), 0 (0.0%) from commit-level evidence, 3 (14.3%) with none",
		"note: lines with no evidence count as human", "(5 commits: 1 with notes, 2 with git-ai notes, 0 inferred from commit metadata)"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
	md := r.MustTool("report", "--no-infer", "--unknown-as", "human", "--format", "markdown")
	if !strings.Contains(md, "> lines with no evidence count as human") {
		t.Errorf("markdown does not say so:\n%s", md)
	}
	if show := r.MustTool("show", ids[2], "--unknown-as", "human", "--config", write("noinf.yaml", "inference: false\n")); !strings.Contains(show, "counted as human (unknown-as human)") || !strings.Contains(show, "2 lines: 0 ai, 2 human") {
		t.Errorf("show:\n%s", show)
	}
	blame := r.MustTool("blame", "b.txt", "--unknown-as", "human", "--format", "json", "--config", filepath.Join(dir, "noinf.yaml"))
	if !strings.Contains(blame, `"unknown_as": "human"`) || strings.Contains(blame, `"origin": "unknown"`) {
		t.Errorf("blame json:\n%s", blame)
	}
	for _, args := range [][]string{{"report", "--unknown-as", "robot"}, {"report", "--config", write("bad.yaml", "unknown: {as: human, since: no-such-rev}\n")}} {
		if _, errs, code := r.Tool("", args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, %q; want 2 and a message", args, code, errs)
		}
	}
}

// TestSyncCarriesGitAINotes: sync (and so ci and the pre-push hook's
// fetch) brings the remote's refs/notes/ai into
// refs/notes/remotes/<remote>/ai, whether or not the remote has notes of
// ours, and never touches the local refs/notes/ai.
func TestSyncCarriesGitAINotes(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", lines("a", 4))
	c1 := r.Commit("c1")
	bare := filepath.Join(t.TempDir(), "remote.git")
	r.Git("init", "-q", "--bare", bare)
	r.Git("remote", "add", "origin", bare)
	r.Git("push", "-q", "origin", "HEAD:refs/heads/main")
	// The remote has git-ai notes and no notes of ours; the local clone
	// has a git-ai note of its own on the same commit.
	gitAINote(r, "ai", c1, "a.txt\n  s_c9883b05a2487d::t_1 1-3\n---\n"+gitAIMeta)
	r.Git("push", "-q", "origin", "refs/notes/ai:refs/notes/ai")
	r.Git("update-ref", "-d", "refs/notes/ai")
	gitAINote(r, "ai", c1, "a.txt\n  s_c9883b05a2487d::t_1 1\n---\n"+gitAIMeta)
	local := strings.TrimSpace(r.Git("rev-parse", "refs/notes/ai"))
	remote := strings.TrimSpace(r.Git("--git-dir", bare, "rev-parse", "refs/notes/ai"))

	r.MustTool("sync", "origin")
	if got := strings.TrimSpace(r.Git("rev-parse", "refs/notes/remotes/origin/ai")); got != remote {
		t.Errorf("tracking ref %s, want the remote's %s", got, remote)
	}
	if got := strings.TrimSpace(r.Git("rev-parse", "refs/notes/ai")); got != local {
		t.Errorf("local refs/notes/ai moved: %s, was %s", got, local)
	}
	// The local note wins over the tracking ref's.
	rep := report(t, r, "--no-infer")
	if a := rep.Totals["ai"]; a.Added != 1 {
		t.Errorf("ai added %d, want 1 (the local git-ai note)", a.Added)
	}
	// Once the remote has notes of ours too, one fetch brings both.
	r.MustTool("annotate", c1, "--human")
	r.MustTool("sync", "origin")
	if r.Git("--git-dir", bare, "notes", "--ref=ai-survival", "list") == "" {
		t.Fatal("sync pushed no notes of ours")
	}
	gitAINote(r, "refs/notes/remote-side", c1, "x\n")
	r.Git("push", "-q", "--force", "origin", "refs/notes/remote-side:refs/notes/ai")
	moved := strings.TrimSpace(r.Git("--git-dir", bare, "rev-parse", "refs/notes/ai"))
	r.MustTool("sync", "origin")
	if got := strings.TrimSpace(r.Git("rev-parse", "refs/notes/remotes/origin/ai")); got != moved {
		t.Errorf("tracking ref after the second sync %s, want %s", got, moved)
	}
	if got := strings.TrimSpace(r.Git("rev-parse", "refs/notes/ai")); got != local {
		t.Errorf("local refs/notes/ai moved: %s, was %s", got, local)
	}
}

// TestAnnotateLeavesGitAICommits: backfilling from commit evidence would
// hide a git-ai note's line-level evidence behind a commit-level note of
// ours, so annotate leaves such commits to their git-ai note.
func TestAnnotateLeavesGitAICommits(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", lines("a", 4))
	c1 := r.Commit("c1\n\nCo-authored-by: Claude <noreply@anthropic.com>")
	gitAINote(r, "ai", c1, "a.txt\n  s_c9883b05a2487d::t_1 1\n---\n"+gitAIMeta)
	r.Write("b.txt", lines("b", 2))
	r.Commit("c2\n\nCo-authored-by: Claude <noreply@anthropic.com>")
	out := r.MustTool("annotate")
	if !strings.Contains(out, "annotated 1 commit") || !strings.Contains(out, "left 1 commit to their git-ai notes") {
		t.Errorf("annotate:\n%s", out)
	}
	if _, _, err := r.Run("", "git", "notes", "--ref=ai-survival", "show", c1); err == nil {
		t.Errorf("annotate wrote a note on %s, which has a git-ai note", c1[:12])
	}
	// c1: 1 line ai by git-ai, 3 human; c2: 2 lines ai by trailer.
	rep := report(t, r)
	if a, h := rep.Totals["ai"], rep.Totals["human"]; a.Added != 3 || h.Added != 3 {
		t.Errorf("ai %d human %d, want 3 3", a.Added, h.Added)
	}
}
