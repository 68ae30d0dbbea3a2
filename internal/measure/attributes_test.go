package measure_test

import (
	"context"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
)

// Files that .gitattributes at the end marks linguist-generated or
// linguist-vendored do not count unless asked for; what was left out is
// told in files and lines.
func TestGeneratedAndVendoredLeftOut(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.Write("main.go", "a\nb\nc\n")
	r.Write("api/x.pb.go", "1\n2\n3\n4\n")
	r.Write("vendor/lib/l.c", "v1\nv2\n")
	r.Write("vendor/keep/k.c", "k1\n")
	r.Commit("first")
	r.Write("api/x.pb.go", "1\n2\n3\n4\n5\n6")
	r.Write("main.go", "a\nb\nc\nd\n")
	r.Write(".gitattributes", "*.pb.go linguist-generated\nvendor/** linguist-vendored\nvendor/keep/** -linguist-vendored\n")
	r.Commit("second")

	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	measureWith := func(includeGenerated bool) (added, surviving int, left measure.Generated, told bool, warnings []string) {
		t.Helper()
		rep, err := measure.Report(context.Background(), repo, measure.Options{
			Config: config.Default(), IncludeGenerated: includeGenerated,
			OnGenerated: func(g measure.Generated) { left, told = g, true },
			Warn:        func(s string) { warnings = append(warnings, s) },
		})
		if err != nil {
			t.Fatal(err)
		}
		tot := rep.Totals
		return tot.AI.Added + tot.Human.Added + tot.Unknown.Added, tot.AI.Surviving + tot.Human.Surviving + tot.Unknown.Surviving, left, told, warnings
	}
	// main.go 4, vendor/keep/k.c 1, .gitattributes 3.
	added, surviving, left, told, warnings := measureWith(false)
	if added != 8 || surviving != 8 {
		t.Errorf("without generated files: added %d, surviving %d; want 8 and 8", added, surviving)
	}
	if !told || left != (measure.Generated{Files: 2, Lines: 8}) {
		t.Errorf("left out %+v (told %t), want 2 files and 8 lines", left, told)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	// With them: x.pb.go 6 added, of which 6 survive, vendor/lib 2.
	added, surviving, _, told, _ = measureWith(true)
	if added != 16 || surviving != 16 || told {
		t.Errorf("with generated files: added %d, surviving %d (told %t); want 16 and 16, nothing left out", added, surviving, told)
	}

	// An unreadable line is a warning, the rest still applies. The walk
	// saved by the first report is not continued: the attributes changed.
	r.Write(".gitattributes", "*.pb.go linguist-generated\n\"\"\n")
	r.Commit("third")
	added, surviving, left, _, warnings = measureWith(false)
	if len(warnings) != 1 || !strings.Contains(warnings[0], ".gitattributes line 2") {
		t.Errorf("warnings %q, want one about line 2", warnings)
	}
	// Now the vendored files count: main.go 4, vendor 3, .gitattributes
	// 3 then 1 more (2 of its first lines replaced by 1).
	if added != 11 || surviving != 9 || left != (measure.Generated{Files: 1, Lines: 6}) {
		t.Errorf("after the change: added %d, surviving %d, left out %+v; want 11, 9 and 1 file of 6 lines", added, surviving, left)
	}
}
