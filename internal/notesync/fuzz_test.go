package notesync

import (
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// FuzzParsePrePush: whatever git (or anything else) writes on the pre-push
// hook's stdin, the parser never panics; it accepts the input exactly when
// every non-blank line is four fields whose ids are full object ids, and
// then yields each line's fields, which written back parse the same.
func FuzzParsePrePush(f *testing.F) {
	z := strings.Repeat("0", 40)
	a := "1f0c3bd2e8a54a0e2bb3c1d6a0e6c1f1d2e3f4a5"
	b := "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	f.Add("refs/heads/main " + a + " refs/heads/main " + z + "\n")
	f.Add("(delete) " + z + " refs/heads/gone " + a + "\n")
	f.Add("refs/heads/x " + b + " refs/heads/x " + b + "\n\nrefs/notes/ai-survival " + a + " refs/notes/ai-survival " + z + "\n")
	f.Add("HEAD " + a + " refs/heads/main " + a + "\r\n")
	f.Add("refs/heads/main " + strings.ToUpper(a) + " refs/heads/main " + z + "\n")
	f.Add("refs/heads/main --upload-pack=x refs/heads/main " + z + "\n")
	f.Add("garbage\n")
	f.Fuzz(func(t *testing.T, in string) {
		lines, err := ParsePrePush(strings.NewReader(in))
		var want []PushLine
		valid := true
		for _, l := range strings.Split(in, "\n") {
			fs := strings.Fields(l)
			switch {
			case len(fs) == 0:
			case len(fs) != 4 || !provenance.IsObjectID(fs[1]) || !provenance.IsObjectID(fs[3]):
				valid = false
			default:
				want = append(want, PushLine{fs[0], fs[1], fs[2], fs[3]})
			}
		}
		if !valid || len(in) > 1<<20 {
			if err == nil && !valid {
				t.Fatalf("accepted %q: %+v", in, lines)
			}
			return
		}
		if err != nil {
			t.Fatalf("refused %q: %v", in, err)
		}
		if !reflect.DeepEqual(lines, want) {
			t.Fatalf("%q parsed to %+v, want %+v", in, lines, want)
		}
		var out strings.Builder
		for _, l := range lines {
			out.WriteString(l.LocalRef + " " + l.LocalOID + " " + l.RemoteRef + " " + l.RemoteOID + "\n")
		}
		again, err := ParsePrePush(strings.NewReader(out.String()))
		if err != nil || !reflect.DeepEqual(again, lines) {
			t.Fatalf("written back, %+v parsed to %+v, %v", lines, again, err)
		}
	})
}
