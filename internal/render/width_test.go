package render

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// The author and directory tables fit the terminal (names shortened with
// "…"); without a width, and in JSON, names stay whole.
func TestTopTablesFitTheTerminal(t *testing.T) {
	rep := sampleReport()
	long := rep.ByAuthor[0].Author + " of a very long team name that would not fit anywhere"
	rep.ByAuthor[0].Author = long
	section := func(width int) []string {
		var buf bytes.Buffer
		if err := Text(&buf, rep, Options{Width: width}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		i := strings.Index(out, "Top authors\n")
		if i < 0 {
			t.Fatalf("no author table:\n%s", out)
		}
		rest := out[i+len("Top authors\n"):]
		return strings.Split(rest[:strings.Index(rest, "\n\n")], "\n")
	}
	for _, width := range []int{80, 100} {
		lines := section(width)
		if len(lines) < 2 {
			t.Fatalf("width %d: %q", width, lines)
		}
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("width %d: %d columns: %q", width, n, l)
			}
		}
		if !strings.Contains(strings.Join(lines, "\n"), "…") {
			t.Errorf("width %d: no name shortened", width)
		}
	}
	if lines := section(0); !strings.Contains(strings.Join(lines, "\n"), long) {
		t.Error("without a width the name is not whole")
	}
	var js bytes.Buffer
	if err := JSON(&js, rep); err != nil || !strings.Contains(js.String(), "would not fit anywhere") {
		t.Errorf("JSON lost the full name (%v)", err)
	}
}
