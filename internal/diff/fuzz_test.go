package diff

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse: any stream never panics; every hunk the parser yields holds
// exactly the number of removed and added lines its header declares (never
// a negative count), and parsing without content yields the same files and
// hunk spans as parsing with it.
func FuzzParse(f *testing.F) {
	f.Add("diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1 @@ ctx\n-a\n-b\n+diff --git a/evil b/evil\n@@ -10,0 +10,2 @@\n+@@ -1 +1 @@\n+--- a/y\n\\ No newline at end of file\n")
	f.Add("diff --git \"a/new\\nline\" \"b/new\\nline\"\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ \"b/new\\nline\"\n@@ -0,0 +1 @@\n+x\n")
	f.Add("diff --git a/sp ace b/sp ace\ndeleted file mode 100644\nindex 1..0\n--- a/sp ace\t\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n")
	f.Add("diff --git a/old b/new\nsimilarity index 90%\nrename from old\nrename to new\n")
	f.Add("\x1eaaa p1\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n\x1ebbb\n")
	f.Add("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,-1 +1 @@\n+x\n")
	f.Add("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,99999999999999999999 @@\n+x\n")
	f.Add("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,-1 +0,0 @@\n")
	f.Add("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ --5,0 +1 @@\n+x\n")
	f.Add("diff --git a/\\303\\274 b/\\303\\274\nnew file mode 100644\n")
	f.Fuzz(func(t *testing.T, in string) {
		type span struct{ OldStart, OldLines, NewStart, NewLines int }
		parse := func(keep bool) ([]string, error) {
			var got []string
			p := &Parser{KeepContent: keep, CommitPrefix: "\x1e",
				OnCommit: func(h string) error { got = append(got, "commit "+h); return nil },
				OnFile: func(f *File) error {
					var spans []span
					for _, h := range f.Hunks {
						if h.OldLines < 0 || h.NewLines < 0 || h.OldStart < 0 || h.NewStart < 0 {
							t.Fatalf("%q: hunk %+v has a negative number", in, h)
						}
						if keep && (len(h.Removed) != h.OldLines || len(h.Added) != h.NewLines) {
							t.Fatalf("%q: hunk -%d,%d +%d,%d holds %d removed and %d added lines", in, h.OldStart, h.OldLines, h.NewStart, h.NewLines, len(h.Removed), len(h.Added))
						}
						if !keep && (h.Removed != nil || h.Added != nil) {
							t.Fatalf("%q: content kept without KeepContent", in)
						}
						spans = append(spans, span{h.OldStart, h.OldLines, h.NewStart, h.NewLines})
					}
					got = append(got, fmt.Sprintf("file %q %q %c %v %q %v", f.OldPath, f.NewPath, f.Status, f.Binary, f.NewBlob, spans))
					return nil
				}}
			err := p.Parse(strings.NewReader(in))
			return got, err
		}
		a, errA := parse(true)
		b, errB := parse(false)
		if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: with content %v %v, without %v %v", in, a, errA, b, errB)
		}
	})
}
