package config

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// patternCases: one pattern, and the paths (files unless they end in a
// slash) it matches and does not match, as a .gitignore line would.
var patternCases = []struct {
	pattern string
	match   []string
	noMatch []string
}{
	// No slash: a name at any depth, as a file or as a directory.
	{"*.go", []string{"main.go", "cmd/x/main.go", ".go", "a b/ü.go", "dir.go/readme"}, []string{"main.gox", "go", "main.go.orig"}},
	{"vendor", []string{"vendor", "vendor/a.go", "x/vendor/y/z.go"}, []string{"vendors/a.go", "avendor", "x/vendor.go"}},
	{"Makefile", []string{"Makefile", "sub/Makefile"}, []string{"makefile", "Makefile.am"}},
	{"*", []string{"a", "a/b/c", ".hidden"}, nil},
	{"**", []string{"a", "a/b/c"}, nil},
	{"?.c", []string{"a.c", "d/é.c", "d/\n.c"}, []string{"ab.c", ".c"}},
	{"*_gen.go", []string{"x_gen.go", "pkg/api_gen.go", "_gen.go"}, []string{"gen.go", "x_gen.go.bak"}},
	{"*.min.*", []string{"a.min.js", "s/b.min.css"}, []string{"a.js", "min.js"}},
	{"a*b*c", []string{"abc", "aXbYc", "abbbc", "a/b/aXXbXXc"}, []string{"ab", "acb", "abcd"}},

	// A slash inside or in front anchors to the root.
	{"/main.go", []string{"main.go"}, []string{"cmd/main.go"}},
	{"cmd/*.go", []string{"cmd/a.go"}, []string{"cmd/x/a.go", "x/cmd/a.go", "cmd/a.go.txt"}},
	{"doc/frotz", []string{"doc/frotz", "doc/frotz/a"}, []string{"a/doc/frotz"}},
	{"/doc/frotz", []string{"doc/frotz", "doc/frotz/x/y"}, []string{"a/doc/frotz"}},
	{"internal/*", []string{"internal/a", "internal/a/b.go"}, []string{"internal", "x/internal/a"}},

	// A trailing slash: directories only.
	{"vendor/", []string{"vendor/a.go", "x/vendor/a/b.go", "vendor/"}, []string{"vendor", "x/vendor"}},
	{"build/", []string{"build/out", "a/build/out"}, []string{"build", "a/build"}},
	{"/build/", []string{"build/out"}, []string{"a/build/out", "build"}},
	{"doc/frotz/", []string{"doc/frotz/a"}, []string{"doc/frotz", "a/doc/frotz/b"}},
	{"*.d/", []string{"conf.d/a", "etc/x.d/y/z"}, []string{"conf.d", "etc/x.d"}},

	// "**".
	{"**/foo", []string{"foo", "a/foo", "a/b/foo", "a/foo/bar"}, []string{"foobar", "a/xfoo"}},
	{"**/foo/bar", []string{"foo/bar", "a/b/foo/bar", "foo/bar/baz"}, []string{"foo/x/bar", "bar"}},
	{"abc/**", []string{"abc/x", "abc/x/y/z"}, []string{"abc", "x/abc/y"}},
	{"cmd/**", []string{"cmd/main.go", "cmd/a/b/c.go"}, []string{"cmd", "cmdx/a.go", "internal/cmd/a.go"}},
	{"a/**/b", []string{"a/b", "a/x/b", "a/x/y/b", "a/b/c"}, []string{"b", "x/a/b", "a/xb"}},
	{"a/**/b/**/c", []string{"a/b/c", "a/1/b/2/3/c", "a/b/c/d"}, []string{"a/c", "a/b", "a/1/c/b"}},
	{"/**", []string{"a", "a/b"}, nil},
	{"**/", []string{"a/b", "a/b/c"}, []string{"a"}},
	{"**/*.md", []string{"README.md", "docs/a/b.md"}, []string{"README.mdx"}},
	{"docs/**/*.md", []string{"docs/a.md", "docs/x/y/z.md"}, []string{"a.md", "x/docs/a.md", "docs/a.txt"}},
	{"a/**/", []string{"a/b/c", "a/b/c/d"}, []string{"a", "a/b", "b/a/c"}},
	{"/**/", []string{"a/b", "a/b/c"}, []string{"a"}},
	{"a**b", []string{"ab", "axxb", "q/ab"}, []string{"a/b"}},
	{"a/**/**", []string{"a/b", "a/b/c"}, []string{"a", "b/a"}},
	{"**/x/**", []string{"x/a", "p/x/a/b"}, []string{"x", "p/x"}},

	// Brackets, classes and escapes.
	{"[abc].txt", []string{"a.txt", "d/c.txt"}, []string{"d.txt", "ab.txt"}},
	{"[!abc].txt", []string{"d.txt"}, []string{"a.txt"}},
	{"[^abc].txt", []string{"d.txt"}, []string{"b.txt"}},
	{"file[0-9]", []string{"file1", "x/file9"}, []string{"filea", "file10"}},
	{"[]]x", []string{"]x"}, []string{"x", "]]x"}},
	{"[!]]x", []string{"ax"}, []string{"]x"}},
	{"[a-]x", []string{"ax", "-x"}, []string{"bx"}},
	{"[[:digit:]]*", []string{"1a", "9"}, []string{"a1"}},
	{"[[:upper:][:digit:]]", []string{"A", "7", "É"}, []string{"a"}},
	{"[é-ü]", []string{"é", "ü", "ñ"}, []string{"e", "z"}},
	{`\*.go`, []string{"*.go", "a/*.go"}, []string{"x.go"}},
	{`\!keep`, []string{"!keep"}, []string{"keep"}},
	{`a\?`, []string{"a?"}, []string{"ab"}},
	{`[\]]`, []string{"]"}, []string{`\`}},

	// Spaces, non-ASCII, newlines.
	{"my docs/", []string{"my docs/a.txt", "x/my docs/y"}, []string{"my docs", "mydocs/a"}},
	{"* *", []string{"a b", "d/ x"}, []string{"ab"}},
	{"日本/*.txt", []string{"日本/語.txt"}, []string{"x/日本/語.txt", "日本.txt"}},
	{"?", []string{"日", "d/é"}, []string{"日本"}},
	{"a\nb", []string{"a\nb", "d/a\nb"}, []string{"ab"}},
	{"*\n*", []string{"x\ny"}, []string{"xy"}},

	// Where go-git's matcher alone reads a pattern otherwise.
	{"**/foo/bar", []string{"foo/foo/bar", "x/foo/foo/bar/y"}, []string{"foo/x/bar", "foo/foo"}},
	{"a/**/b/c", []string{"a/b/b/c", "a/x/b/y/b/c"}, []string{"a/b/x/c", "a/b/b"}},
	{"a/**/b/c/**/d/e", []string{"a/b/c/d/d/e", "a/b/b/c/x/d/e/f"}, []string{"a/b/c/d/x/e", "a/d/e/b/c"}},
	{"x/a**b", []string{"x/ab", "x/aXYb"}, []string{"x/a/b", "ab"}},
	{`x/\**`, []string{"x/*", "x/*a"}, []string{"x/a*"}},
	{"a ", []string{"a ", "d/a "}, []string{"a"}},
	{"a//b", []string{"a/b"}, []string{"b"}},
	{"*??", []string{"日本", "ab"}, []string{"日", "a"}},
	{"*[^日]", []string{"日本", "a"}, []string{"日", "本日"}},
	{"*[[:graph:]]", []string{"日", "a\u00a0b"}, []string{"a\u00a0", "\u00a0", "a "}},
}

func TestPatterns(t *testing.T) {
	for _, tc := range patternCases {
		ps, err := NewPaths([]string{tc.pattern}, nil)
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		for _, p := range tc.match {
			if !ps.Match(p) {
				t.Errorf("pattern %q does not match %q", tc.pattern, p)
			}
		}
		for _, p := range tc.noMatch {
			if ps.Match(p) {
				t.Errorf("pattern %q matches %q", tc.pattern, p)
			}
		}
		// As an exclude pattern, the same paths are left out.
		ex, _ := NewPaths(nil, []string{tc.pattern})
		for _, p := range tc.match {
			if ex.Match(p) {
				t.Errorf("exclude %q keeps %q", tc.pattern, p)
			}
		}
		for _, p := range tc.noMatch {
			if !ex.Match(p) {
				t.Errorf("exclude %q leaves out %q", tc.pattern, p)
			}
		}
	}
}

func TestPathsIncludeExclude(t *testing.T) {
	tests := []struct {
		include, exclude []string
		in, out          []string
	}{
		{nil, nil, []string{"a", "x/y/z.go", ""}, nil},
		{[]string{}, []string{}, []string{"a"}, nil},
		{[]string{"*.go", "cmd/**"}, []string{"vendor/", "*_gen.go"},
			[]string{"main.go", "internal/x.go", "cmd/tool/README.md"},
			[]string{"vendor/a.go", "x/vendor/b.go", "api_gen.go", "cmd/x_gen.go", "README.md", "docs/a.txt"}},
		{nil, []string{"testdata/", "*.pb.go"},
			[]string{"a.go", "testdata.go", "internal/testdata"},
			[]string{"testdata/x", "internal/testdata/y.json", "api/v1.pb.go"}},
		// Exclude wins over include, whichever is more specific.
		{[]string{"vendor/keep.go"}, []string{"vendor/"}, nil, []string{"vendor/keep.go"}},
		{[]string{"src/"}, []string{"*.md"}, []string{"src/a.go"}, []string{"src/README.md", "a.go"}},
	}
	for _, tt := range tests {
		ps, err := NewPaths(tt.include, tt.exclude)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range tt.in {
			if !ps.Match(p) {
				t.Errorf("include %q exclude %q: %q left out", tt.include, tt.exclude, p)
			}
		}
		for _, p := range tt.out {
			if ps.Match(p) {
				t.Errorf("include %q exclude %q: %q included", tt.include, tt.exclude, p)
			}
		}
	}

	var nilPaths *Paths
	if !nilPaths.Match("a/b") || !(&Paths{}).Match("a/b") {
		t.Error("nil or zero Paths leaves a path out")
	}
}

func TestNewPathsErrors(t *testing.T) {
	tests := []struct {
		include, exclude []string
		want             string
	}{
		{[]string{"ok", "[x"}, nil, `paths.include[1]: invalid pattern "[x": unterminated [ at byte 0`},
		{nil, []string{"a/[b"}, `paths.exclude[0]: invalid pattern "a/[b": unterminated [ at byte 0`},
		{nil, []string{"//"}, `paths.exclude[0]: invalid pattern "//": matches no path`},
		{nil, []string{"[[:nope:]]"}, `paths.exclude[0]: invalid pattern "[[:nope:]]": unknown character class [:nope:]`},
		{nil, make([]string, MaxPatterns+1), "paths.exclude: 1001 patterns; at most 1000 are allowed"},
		{nil, []string{strings.Repeat("[[:alpha:]]", 4)}, `paths.exclude[0]: invalid pattern "[[:alpha:]][[:alpha:]][[:alpha:]][[:alpha:]]": too long once its POSIX classes are written out (17976 bytes; at most 16384)`},
		{nil, []string{`a\`}, `paths.exclude[0]: invalid pattern "a\\": ends with a lone \`},
	}
	for _, tt := range tests {
		_, err := NewPaths(tt.include, tt.exclude)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewPaths(%q, %q) = %v, want %s", tt.include, tt.exclude, err, tt.want)
		}
	}
}

// Hostile patterns and paths stay fast: no exponential backtracking.
func TestPathsWorstCase(t *testing.T) {
	pat := strings.Repeat("*a", 100) + "b"
	name := strings.Repeat("a", 4000)
	deep := strings.Repeat("a/", 2000) + "c"
	ps, err := NewPaths([]string{pat, strings.Repeat("**/a/", 50) + "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Match(name) || ps.Match(deep) {
		t.Error("unexpected match")
	}
}

// FuzzPatterns: any pattern is compiled or refused with a reason, never
// written out in a syntax go-git cannot read, and matches any path without
// a panic. A name with each character quoted matches just that name, at
// any depth; a star and k "?" match a name of at least k characters; a
// star and a bracket holding (or negating) a name's last character match
// it (or do not), whatever the characters before it.
func FuzzPatterns(f *testing.F) {
	for _, tc := range patternCases {
		for _, p := range append(tc.match, tc.noMatch...) {
			f.Add(tc.pattern, p)
		}
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		ps, err := NewPaths([]string{pat}, nil)
		if err != nil {
			if strings.Contains(err.Error(), "cannot be matched") {
				t.Fatalf("%q: %v", pat, err)
			}
		} else {
			ps.Match(name)
			ps.Match(name + "/")
		}
		if name == "" || len(name) > 1000 || strings.Contains(name, "/") || !utf8.ValidString(name) {
			return
		}
		matches := func(pat, path string) bool {
			t.Helper()
			ps, err := NewPaths([]string{pat}, nil)
			if err != nil {
				t.Fatalf("%q: %v", pat, err)
			}
			return ps.Match(path)
		}
		var quoted strings.Builder
		for _, r := range name {
			quoted.WriteByte('\\')
			quoted.WriteRune(r)
		}
		q := quoted.String()
		if !matches(q, name) || !matches(q, "d/"+name+"/e") || matches(q, name+"x") || matches(q, "x"+name) {
			t.Fatalf("quoted %q does not match just %q", q, name)
		}
		n := utf8.RuneCountInString(name)
		for k := n - 1; k <= n+1; k++ {
			if k >= 0 && matches("*"+strings.Repeat("?", k), name) != (n >= k) {
				t.Fatalf("*%s on %q (%d characters)", strings.Repeat("?", k), name, n)
			}
		}
		last, _ := utf8.DecodeLastRuneInString(name)
		if last == utf8.RuneError {
			return
		}
		class := "\\" + string(last) + "]"
		if !matches("*["+class, name) || matches("*[!"+class, name) || matches("*[^"+class, name) {
			t.Fatalf("*[%s and *[!%s on %q", class, class, name)
		}
	})
}

func BenchmarkPathsMatch(b *testing.B) {
	ps, err := NewPaths([]string{"*.go", "cmd/**", "docs/**/*.md"}, []string{"vendor/", "*_gen.go", "**/testdata/**"})
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{"internal/config/paths.go", "vendor/x/y.go", "docs/a/b/c.md", "README.md", "a/b/c/testdata/x.json"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ps.Match(paths[i%len(paths)])
	}
}
