package cli_test

import (
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// A note anyone can push names an agent and a model made of terminal
// escape sequences: report, show and blame print them escaped, and JSON
// keeps them exact.
func TestEscapeSequencesFromNotesNeverReachTheTerminal(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "one\ntwo\n")
	id := r.Commit("Add f")
	rec := func(file string) string {
		f := ""
		if file != "" {
			f = `"file":"f.txt","lines":"1-2",`
		}
		return `{"v":1,"commit":"` + id + `",` + f + `"origin":"ai","agent":"\u001b]0;pwned\u0007evil\u001b[2J","model":"m\u009b31m\r\u0000","evidence":"manual"}`
	}
	r.Git("notes", "--ref=refs/notes/ai-survival", "add", "-m", rec("f.txt")+"\n"+rec(""), id)

	for _, args := range [][]string{
		{"report"},
		{"report", "--format", "markdown"},
		{"show", id},
		{"blame", "f.txt"},
	} {
		out, errs, code := r.Tool("", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
		for _, s := range []string{out, errs} {
			if strings.ContainsAny(s, "\x1b\x07\r\x00") || strings.Contains(s, "\u009b") {
				t.Errorf("%v printed a control character:\n%q", args, s)
			}
		}
		want := `\e]0;pwned\x07evil\e[2J`
		if args[len(args)-1] == "markdown" {
			want = `\\e\]0;pwned\\x07evil\\e\[2J` // Markdown-escaped on top
		}
		if args[0] == "blame" {
			want = "\uFFFD]0;pwned\uFFFDevil\uFFFD[2J" // blame shows them as U+FFFD
		}
		if !strings.Contains(out, want) {
			t.Errorf("%v does not show the agent escaped:\n%q", args, out)
		}
	}
	out, _, _ := r.Tool("", "show", id, "--format", "json")
	if !strings.Contains(out, `"agent": "\u001b]0;pwned\u0007evil\u001b[2J"`) {
		t.Errorf("show --format json does not keep the agent exact:\n%s", out)
	}
}
