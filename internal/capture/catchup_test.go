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

// A reflog is read as it is on disk: whatever it holds, every entry read
// names an object id, and reading from a saved position never goes past
// the end or repeats an entry.
func FuzzReflogTail(f *testing.F) {
	a := strings.Repeat("a", 40)
	f.Add([]byte(reflogLine(a, "commit: x")+reflogLine(a, "checkout: y")), []byte("1 "+a))
	f.Add([]byte("garbage\n\t\n"), []byte("0\n"))
	// A last line that is no entry: the position saved is the end of
	// the last entry read, which its id checks.
	f.Add([]byte(reflogLine(a, "commit: x")+"garbage\n"), []byte(""))
	f.Fuzz(func(t *testing.T, log, pos []byte) {
		dir := t.TempDir()
		tail := reflogTail{path: filepath.Join(dir, "HEAD"), pos: filepath.Join(dir, "pos")}
		if err := os.WriteFile(tail.path, log, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tail.pos, pos, 0o644); err != nil {
			t.Fatal(err)
		}
		entries, end, _, err := tail.read()
		if err != nil {
			t.Fatal(err)
		}
		if end.off > int64(len(log)) {
			t.Fatalf("end %d past the reflog's %d bytes", end.off, len(log))
		}
		for _, e := range entries {
			if len(e.id) != 40 && len(e.id) != 64 {
				t.Fatalf("entry with id %q", e.id)
			}
		}
		if err := tail.save(end); err != nil {
			t.Fatal(err)
		}
		again, _, exact, err := tail.read()
		if err != nil {
			t.Fatal(err)
		}
		if end.id != "" && (len(again) != 0 || !exact) {
			t.Fatalf("read again after saving %+v: %d entries (exact %v)", end, len(again), exact)
		}
	})
}
