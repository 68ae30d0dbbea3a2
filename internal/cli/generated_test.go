package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// report leaves out what .gitattributes marks generated or vendored, says
// so, and counts it with --include-generated.
func TestReportLeavesOutGeneratedFiles(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("main.go", "a\nb\n")
	r.Write("api/x.pb.go", "1\n2\n3\n")
	r.Write("third_party/lib.c", "l1\nl2\nl3\nl4\n")
	r.Write(".gitattributes", "*.pb.go linguist-generated\nthird_party/** linguist-vendored\n")
	r.Commit("first")
	total := func(args ...string) int {
		t.Helper()
		var rep struct {
			Totals map[string]struct{ Added, Surviving int }
		}
		if err := json.Unmarshal([]byte(r.MustTool(append([]string{"report", "--format", "json"}, args...)...)), &rep); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range rep.Totals {
			n += o.Added
		}
		return n
	}
	if got := total(); got != 4 { // main.go and .gitattributes
		t.Errorf("report counts %d lines, want 4", got)
	}
	if got := total("--include-generated"); got != 11 {
		t.Errorf("report --include-generated counts %d lines, want 11", got)
	}
	out := r.MustTool("report")
	if want := "left out 7 lines in 2 files that .gitattributes marks linguist-generated or linguist-vendored (--include-generated counts them)"; !strings.Contains(out, want) {
		t.Errorf("report does not say what it left out:\n%s", out)
	}
	if out := r.MustTool("report", "--include-generated"); strings.Contains(out, "left out") {
		t.Errorf("report --include-generated says it left lines out:\n%s", out)
	}
}
