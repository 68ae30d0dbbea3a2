package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestWriteBlameColourOnlyOnATerminal(t *testing.T) {
	date := time.Unix(gittest.Epoch, 0)
	lines := []measure.BlameLine{
		{Line: 9, Origin: provenance.AI, Agent: "claude-code", Commit: strings.Repeat("a", 40), Author: "Ann", Date: date, Content: "x := 1\x1b[2J"},
		{Line: 10, Origin: provenance.Human, Evidence: provenance.EvidenceManual, Commit: strings.Repeat("b", 40), Author: "A very long author name, truncated", Date: date, Content: "\treturn x"},
	}
	var pipe, tty bytes.Buffer
	if err := writeBlame(&pipe, lines, false); err != nil {
		t.Fatal(err)
	}
	want := "aaaaaaaa ai claude-code (Ann                      2026-01-01  9) x := 1\x1b[2J\n" +
		"bbbbbbbb human          (A very long author name… 2026-01-01 10) \treturn x\n"
	if pipe.String() != want {
		t.Errorf("pipe:\n%q\nwant\n%q", pipe.String(), want)
	}
	if err := writeBlame(&tty, lines, true); err != nil {
		t.Fatal(err)
	}
	want = "aaaaaaaa \x1b[35mai claude-code\x1b[0m (Ann                      2026-01-01  9) x := 1\ufffd[2J\n" +
		"bbbbbbbb \x1b[32mhuman         \x1b[0m (A very long author name… 2026-01-01 10) \treturn x\n"
	if tty.String() != want {
		t.Errorf("terminal:\n%q\nwant\n%q", tty.String(), want)
	}
}

// porcelainLine is one line of git blame --porcelain.
type porcelainLine struct {
	commit, author, content string
}

func gitBlamePorcelain(t *testing.T, r *gittest.Repo, path string) []porcelainLine {
	t.Helper()
	out := r.Git("blame", "--porcelain", path)
	authors := map[string]string{}
	var lines []porcelainLine
	cur := ""
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "\t"):
			lines = append(lines, porcelainLine{commit: cur, author: authors[cur], content: l[1:]})
		case strings.HasPrefix(l, "author "):
			authors[cur] = strings.TrimPrefix(l, "author ")
		default:
			if f := strings.Fields(l); len(f) >= 3 && len(f[0]) == 40 {
				if _, err := strconv.Atoi(f[2]); err == nil {
					cur = f[0]
				}
			}
		}
	}
	return lines
}

// TestBlameMatchesGitBlame checks every line's content, author and commit
// against git blame --porcelain, on a file edited by several people and an
// agent, with a carriage return and no final newline.
func TestBlameMatchesGitBlame(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("f.go", "package f\n\nfunc A() {\n\treturn\n}\n")
	r.Commit("first")
	r.Write("f.go", "package f\n\n// A does a.\nfunc A() {\n\treturn\n}\n\nfunc B() {}\n")
	r.Commit("agent", "--author", "Bo Agent <bo@example.com>", "-m", "Co-authored-by: Claude <noreply@anthropic.com>")
	r.Write("f.go", "package f\r\n\n// A does a.\nfunc A() {\n\treturn // ünïcode\n}\n\nfunc B() {}\nfunc C() {}")
	r.Commit("third", "--author", "Cy Çelik <cy@example.com>")

	ios, _, out, errb := Test()
	f := &Factory{IO: ios, Dir: r.Dir, Getenv: os.Getenv}
	if err := blameRun(context.Background(), f, &BlameOptions{File: "f.go", Rev: "HEAD", Format: "json"}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	var got struct{ Lines []measure.BlameLine }
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := gitBlamePorcelain(t, r, "f.go")
	if len(got.Lines) != len(want) || len(want) != 9 {
		t.Fatalf("%d lines, git blame has %d (want 9)", len(got.Lines), len(want))
	}
	for i, w := range want {
		g := got.Lines[i]
		if g.Line != i+1 || g.Content != w.content || g.Author != w.author || g.Commit != w.commit {
			t.Errorf("line %d: %d %q by %q in %.8s; git blame: %q by %q in %.8s", i+1, g.Line, g.Content, g.Author, g.Commit, w.content, w.author, w.commit)
		}
	}
	if g := got.Lines[2]; g.Origin != provenance.AI || g.Agent != "claude-code" || g.Date.Unix() != gittest.Epoch+3600 {
		t.Errorf("line 3: %+v, want ai claude-code at epoch+1h", g)
	}

	// -L and --ai-only select among the same lines.
	out.Reset()
	if err := blameRun(context.Background(), f, &BlameOptions{File: "f.go", Rev: "HEAD", Format: "text", Ranges: []string{"2,+3", "8"}, AIOnly: true}); err != nil {
		t.Fatal(err)
	}
	ai := r.Git("rev-parse", "--short=8", "HEAD~1")
	ai = strings.TrimSpace(ai)
	wantText := ai + " ai claude-code (Bo Agent 2026-01-01 3) // A does a.\n" +
		ai + " ai claude-code (Bo Agent 2026-01-01 8) func B() {}\n"
	if out.String() != wantText {
		t.Errorf("-L 2,+3 -L 8 --ai-only:\n%s\nwant:\n%s", out, wantText)
	}
	err := blameRun(context.Background(), f, &BlameOptions{File: "f.go", Rev: "HEAD", Format: "text", Ranges: []string{"20,30"}})
	if err == nil || exitCode(err) != ExitError || !strings.Contains(err.Error(), "the file has only 9 lines") {
		t.Errorf("-L past the end: %v", err)
	}
}
