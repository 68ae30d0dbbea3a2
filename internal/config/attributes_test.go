package config

import (
	"strings"
	"testing"
)

// The expectations are those of git check-attr on the same files.
func TestAttributesGenerated(t *testing.T) {
	files := map[string][]byte{
		".gitattributes": []byte("# generated code\n" +
			"*.pb.go linguist-generated\n" +
			"vendor/** linguist-vendored\n" +
			"vendor/keep/** -linguist-vendored\n" +
			"dist/* linguist-generated=true\n" +
			"docs/* linguist-generated=false\n" +
			"[attr]gen linguist-generated\n" +
			"*.min.js gen\n" +
			"gen/ linguist-generated\n" +
			"bad\\ name linguist-generated 9x\\\"\n" +
			"*.go text eol=lf\r\n"),
		"api/.gitattributes":     []byte("*.pb.go -linguist-generated\nschema.go linguist-generated text\n"),
		"api/old/.gitattributes": []byte("*.pb.go !linguist-generated\n"),
	}
	a, warnings := ParseAttributes(files)
	if a.Empty() {
		t.Fatal("no attributes read")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], ".gitattributes line 10") || !strings.Contains(warnings[0], "line skipped") {
		t.Errorf("warnings %q, want one for line 10 of .gitattributes", warnings)
	}
	for _, c := range []struct {
		path string
		want bool
	}{
		{"x.pb.go", true},
		{"a/b/x.pb.go", true},
		{"api/x.pb.go", false},     // unset below
		{"api/old/x.pb.go", false}, // unspecified below
		{"api/schema.go", true},
		{"api/sub/schema.go", true}, // a name with no slash matches at any depth below its file
		{"sub/schema.go", false},
		{"vendor/lib/a.c", true},
		{"vendor/keep/a.c", false},
		{"dist/app.js", true},
		{"dist/sub/app.js", false}, // * does not cross a slash
		{"docs/x.md", false},
		{"web/app.min.js", true}, // through the macro
		{"main.go", false},
		{"README", false},
		{"gen/x.go", false}, // a directory pattern gives its files nothing
	} {
		if got := a.Generated(c.path); got != c.want {
			t.Errorf("Generated(%q) = %v, want %v", c.path, got, c.want)
		}
	}
	var none *Attributes
	if none.Generated("x.pb.go") || !none.Empty() {
		t.Error("nil Attributes mark nothing")
	}
	if e, w := ParseAttributes(nil); !e.Empty() || len(w) != 0 || e.Generated("a") {
		t.Error("no files mark nothing")
	}
}

// FuzzAttributes: any .gitattributes content and path, read and matched,
// never panics, and a file of comments and blank lines marks nothing.
func FuzzAttributes(f *testing.F) {
	f.Add("*.pb.go linguist-generated\nvendor/** linguist-vendored\n", "vendor/a/b.go")
	f.Add("[attr]gen linguist-generated\n*.js gen\n", "x/y.js")
	f.Add("gen/ linguist-generated\n**/ -linguist-vendored\na//b linguist-generated=true\n", "gen/x")
	f.Add("\"quoted name\" linguist-generated\n", "quoted name")
	f.Add("# only a comment\n\n", "a")
	f.Fuzz(func(t *testing.T, content, path string) {
		files := map[string][]byte{".gitattributes": []byte(content), "sub/dir/.gitattributes": []byte(content)}
		a, _ := ParseAttributes(files)
		a.Generated(path)
		a.Generated("sub/dir/" + path)
		comments := true
		for _, l := range strings.Split(content, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				comments = false
			}
		}
		if comments && !a.Empty() {
			t.Fatalf("comments and blank lines made attributes: %q", content)
		}
	})
}
