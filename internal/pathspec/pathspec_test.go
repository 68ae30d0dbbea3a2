package pathspec

import (
	"sort"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

var files = []string{
	"README.md", "main.go", "main_test.go", "Makefile",
	"src/a.go", "src/b.txt", "src/deep/c.go", "src/deep/more/d.go",
	"vendor/x/y.go", "docs/Guide.MD", "a[1].txt", "srcx/e.go",
}

// TestMatchesGit compares Match with git ls-files for the same pathspecs,
// from the root and from a subdirectory.
func TestMatchesGit(t *testing.T) {
	r := gittest.New(t)
	for _, f := range files {
		r.Write(f, "x\n")
	}
	r.Commit("files")
	cases := []struct {
		dir   string
		specs []string
	}{
		{"", []string{"src"}},
		{"", []string{"src/"}},
		{"", []string{"*.go"}},
		{"", []string{"src/*.go"}},
		{"", []string{":(glob)src/*.go"}},
		{"", []string{":(glob)src/**/*.go"}},
		{"", []string{":(glob)**/*.go"}},
		{"", []string{"*.go", ":!vendor"}},
		{"", []string{":^src/deep"}},
		{"", []string{":(exclude)*_test.go"}},
		{"", []string{":(icase)docs/guide.md"}},
		{"", []string{":(literal)a[1].txt"}},
		{"", []string{"a[1].txt"}},
		{"", []string{"a[0-9].txt"}},
		{"", []string{"s?c/b.txt", "Makefile"}},
		{"", []string{"."}},
		{"src", []string{"."}},
		{"src", []string{"*.go"}},
		{"src", []string{":/vendor"}},
		{"src", []string{"../main.go"}},
		{"src", []string{":(top)docs"}},
		{"src/deep", []string{":!more"}},
	}
	for _, c := range cases {
		prefix := ""
		dir := r.Dir
		if c.dir != "" {
			prefix = c.dir + "/"
			dir = r.Dir + "/" + c.dir
		}
		out, _, err := r.Run("", "git", append([]string{"-C", dir, "ls-files", "--full-name", "--"}, c.specs...)...)
		if err != nil {
			t.Fatalf("git ls-files %v: %v", c.specs, err)
		}
		want := strings.Fields(out)
		set, err := Parse(c.specs, prefix)
		if err != nil {
			t.Fatalf("%v in %q: %v", c.specs, c.dir, err)
		}
		var got []string
		for _, f := range files {
			if set.Match(f) {
				got = append(got, f)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%v in %q: got %v, git %v", c.specs, c.dir, got, want)
		}
	}
}

func TestBadPathspecs(t *testing.T) {
	for _, spec := range []string{"", ":(attr:foo)x", ":(glob", "../x", ":(literal,glob)x"} {
		if _, err := Parse([]string{spec}, ""); err == nil {
			t.Errorf("%q: no error", spec)
		}
	}
}
