package capture

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func reflogLine(id, msg string) string {
	return strings.Repeat("0", 40) + " " + id + " A U Thor <a@example.com> 1700000000 +0000\t" + msg + "\n"
}

// The reflog is read from where the last read stopped; a position that no
// longer fits (the reflog expired or rewritten) reads the tail again, and
// an entry being written waits for the next read.
func TestReflogTail(t *testing.T) {
	dir := t.TempDir()
	tail := reflogTail{path: filepath.Join(dir, "HEAD"), pos: filepath.Join(dir, "pos")}
	a, b, c := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	write := func(s string) {
		if err := os.WriteFile(tail.path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ids := func() (string, bool) {
		t.Helper()
		entries, end, exact, err := tail.read()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			mark := ""
			if e.tagged() {
				mark = "*"
			}
			got = append(got, e.id[:1]+mark)
		}
		if err := tail.save(end); err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " "), exact
	}
	check := func(what, want string, wantExact bool) {
		t.Helper()
		if got, exact := ids(); got != want || exact != wantExact {
			t.Errorf("%s: read %q (exact %v), want %q (exact %v)", what, got, exact, want, wantExact)
		}
	}
	check("no reflog", "", false)
	write(reflogLine(a, "commit (initial): one") + reflogLine(b, "checkout: moving from main to x"))
	check("first read", "a* b", false)
	check("nothing new", "", true)
	write(reflogLine(a, "commit (initial): one") + reflogLine(b, "checkout: moving from main to x") +
		reflogLine(c, "commit (amend): two") + "0000")
	check("one new entry and one being written", "c*", true)
	write(reflogLine(c, "rebase (pick): three") + reflogLine(a, "cherry-pick: four"))
	check("rewritten", "c a*", false)
	if err := os.WriteFile(tail.pos, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("from the start", "c a*", true)
}
