package diff

import (
	"strings"
	"testing"
)

func parseAll(t *testing.T, text string, keep bool) []*File {
	t.Helper()
	var files []*File
	p := &Parser{KeepContent: keep, OnFile: func(f *File) error { files = append(files, f); return nil }}
	if err := p.Parse(strings.NewReader(text)); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return files
}

func TestParse(t *testing.T) {
	stream := "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n" +
		"@@ -1,2 +1 @@ ctx\n-a\n-b\n+diff --git a/evil b/evil\n" +
		"@@ -10,0 +10,2 @@\n+@@ -1 +1 @@\n+--- a/y\n\\ No newline at end of file\n" +
		"diff --git \"a/new\\nline\" \"b/new\\nline\"\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ \"b/new\\nline\"\n@@ -0,0 +1 @@\n+x\n" +
		"diff --git a/sp ace b/sp ace\ndeleted file mode 100644\nindex 1..0\n--- a/sp ace\t\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n" +
		"diff --git a/old b/new\nsimilarity index 90%\nrename from old\nrename to new\n" +
		"diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0..1\nBinary files /dev/null and b/img.png differ\n" +
		"diff --git a/empty file b/empty file\nnew file mode 100644\nindex 0000000..e69de29\n" +
		"diff --git a/\\303\\274 b/\\303\\274\nnew file mode 100644\n"
	files := parseAll(t, stream, true)
	want := []struct {
		old, new string
		status   byte
		binary   bool
		hunks    int
		blob     string
	}{
		{"x", "x", 'M', false, 2, "2"},
		{"", "new\nline", 'A', false, 1, "1"},
		{"sp ace", "", 'D', false, 1, "0"},
		{"old", "new", 'R', false, 0, ""},
		{"", "img.png", 'A', true, 0, "1"},
		{"", "empty file", 'A', false, 0, "e69de29"},
		{"", `\303\274`, 'A', false, 0, ""},
	}
	if len(files) != len(want) {
		t.Fatalf("got %d files, want %d", len(files), len(want))
	}
	for i, w := range want {
		f := files[i]
		if f.OldPath != w.old || f.NewPath != w.new || f.Status != w.status || f.Binary != w.binary || len(f.Hunks) != w.hunks || f.NewBlob != w.blob {
			t.Errorf("file %d = %q→%q %c bin=%v hunks=%d blob=%q, want %+v", i, f.OldPath, f.NewPath, f.Status, f.Binary, len(f.Hunks), f.NewBlob, w)
		}
	}
	h := files[0].Hunks
	if h[0].OldStart != 1 || h[0].OldLines != 2 || h[0].NewStart != 1 || h[0].NewLines != 1 ||
		strings.Join(h[0].Removed, ",") != "a,b" || strings.Join(h[0].Added, ",") != "diff --git a/evil b/evil" {
		t.Errorf("hunk 0 = %+v", h[0])
	}
	if h[1].OldStart != 10 || h[1].OldLines != 0 || h[1].NewStart != 10 || h[1].NewLines != 2 || h[1].Added[1] != "--- a/y" {
		t.Errorf("hunk 1 = %+v", h[1])
	}
}

func TestParseCommits(t *testing.T) {
	stream := "\x1eaaa p1\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n\x1ebbb\n\x1eccc\n\ndiff --git a/g b/g\nnew file mode 100644\n--- /dev/null\n+++ b/g\n@@ -0,0 +1,3 @@\n+1\n+2\n+3\n"
	var events []string
	p := &Parser{CommitPrefix: "\x1e",
		OnCommit: func(h string) error { events = append(events, "commit "+h); return nil },
		OnFile:   func(f *File) error { events = append(events, "file "+f.Path()); return nil }}
	if err := p.Parse(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(events, "|")
	if got != "commit aaa p1|file f|commit bbb|commit ccc|file g" {
		t.Errorf("events = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"short hunk":     "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-x\n",
		"bad header":     "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -x +1 @@\n",
		"context line":   "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n x\n",
		"combined":       "diff --cc f\n",
		"negative count": "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,-1 +0,0 @@\n",
		"negative start": "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ --5,0 +1 @@\n+x\n",
		"no prefix":      "diff --git f f\n--- f\n+++ f\n",
	} {
		p := &Parser{}
		if err := p.Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:           "plain",
		`"a\tb\\c\"d"`:    "a\tb\\c\"d",
		`"\303\274ber\n"`: "über\n",
		`"with space"`:    "with space",
	} {
		got, err := unquote(in)
		if err != nil || got != want {
			t.Errorf("unquote(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestParseNoNewline: with NoNewline, a kept line git marks as the last
// line of a file without a final newline gets the suffix, whether the
// mark falls inside the hunk (after a removed line) or after it; with
// KeepAdded only added lines are kept.
func TestParseNoNewline(t *testing.T) {
	stream := "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n" +
		"@@ -1 +1,2 @@\n-x\n\\ No newline at end of file\n+x\n+y\n\\ No newline at end of file\n" +
		"diff --git a/z b/z\nindex 1..2 100644\n--- a/z\n+++ b/z\n" +
		"@@ -3 +3 @@\n-old\n+new\n"
	for _, keep := range []string{"content", "added"} {
		var files []*File
		p := &Parser{KeepContent: keep == "content", KeepAdded: keep == "added", NoNewline: "$",
			OnFile: func(f *File) error { files = append(files, f); return nil }}
		if err := p.Parse(strings.NewReader(stream)); err != nil {
			t.Fatalf("%s: Parse: %v", keep, err)
		}
		if len(files) != 2 {
			t.Fatalf("%s: got %d files, want 2", keep, len(files))
		}
		x, z := files[0].Hunks[0], files[1].Hunks[0]
		wantRemoved := "x$"
		if keep == "added" {
			wantRemoved = ""
		}
		if got := strings.Join(x.Added, ","); got != "x,y$" {
			t.Errorf("%s: added lines of x = %q, want \"x,y$\"", keep, got)
		}
		if got := strings.Join(x.Removed, ","); got != wantRemoved {
			t.Errorf("%s: removed lines of x = %q, want %q", keep, got, wantRemoved)
		}
		if got := strings.Join(z.Added, ","); got != "new" {
			t.Errorf("%s: added lines of z = %q, want \"new\"", keep, got)
		}
	}
}

// TestParseHashAdded: with HashAdded, each added line is given to it once
// with its text, and once more with eol false when git marks it as the
// last line of a file without a final newline; AddedHashes holds the
// last answer for each.
func TestParseHashAdded(t *testing.T) {
	stream := "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n" +
		"@@ -1 +1,2 @@\n-x\n\\ No newline at end of file\n+x\n+y\n\\ No newline at end of file\n" +
		"diff --git a/z b/z\nindex 1..2 100644\n--- a/z\n+++ b/z\n" +
		"@@ -3 +3 @@\n-old\n+new\n"
	var seen []string
	var files []*File
	p := &Parser{
		HashAdded: func(text []byte, eol bool) uint64 {
			s := string(text)
			if !eol {
				s += "$"
			}
			seen = append(seen, s)
			return uint64(len(seen) - 1)
		},
		OnFile: func(f *File) error { files = append(files, f); return nil }}
	if err := p.Parse(strings.NewReader(stream)); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(files) != 2 {
		t.Fatalf("got %d files, want 2", len(files))
	}
	name := func(h Hunk) string {
		var out []string
		for _, i := range h.AddedHashes {
			out = append(out, seen[i])
		}
		return strings.Join(out, ",")
	}
	if got := name(files[0].Hunks[0]); got != "x,y$" {
		t.Errorf("added lines of x = %q, want \"x,y$\"", got)
	}
	if got := name(files[1].Hunks[0]); got != "new" {
		t.Errorf("added lines of z = %q, want \"new\"", got)
	}
	if h := files[0].Hunks[0]; h.Added != nil || h.Removed != nil {
		t.Errorf("content kept without KeepContent or KeepAdded: %q, %q", h.Added, h.Removed)
	}
}
