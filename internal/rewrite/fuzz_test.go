package rewrite

import (
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// FuzzParsePairs: whatever arrives on the post-rewrite hook's stdin, the
// parser never panics; it accepts the input exactly when every non-blank
// line starts with two full object ids, yields those pairs in order, and
// the pairs written back parse the same.
func FuzzParsePairs(f *testing.F) {
	a := "1f0c3bd2e8a54a0e2bb3c1d6a0e6c1f1d2e3f4a5"
	b := "2e1d4ce3f9b65b1f3cc4d2e7b1f7d2e2e3f4a5b6"
	c := "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	f.Add(a + " " + b + "\n")
	f.Add(a + " " + b + " extra info\n\n" + b + " " + a + "\n")
	f.Add(c + " " + c + "\r\n")
	f.Add(strings.ToUpper(a) + " " + b + "\n")
	f.Add(a + "\n")
	f.Add("HEAD~1 HEAD\n")
	f.Fuzz(func(t *testing.T, in string) {
		pairs, err := ParsePairs(strings.NewReader(in))
		var want []Pair
		valid := true
		for _, l := range strings.Split(in, "\n") {
			fs := strings.Fields(l)
			switch {
			case len(fs) == 0:
			case len(fs) < 2 || !provenance.IsObjectID(fs[0]) || !provenance.IsObjectID(fs[1]):
				valid = false
			default:
				want = append(want, Pair{fs[0], fs[1]})
			}
		}
		if !valid || len(in) > 1<<20 {
			if err == nil && !valid {
				t.Fatalf("accepted %q: %+v", in, pairs)
			}
			return
		}
		if err != nil {
			t.Fatalf("refused %q: %v", in, err)
		}
		if !reflect.DeepEqual(pairs, want) {
			t.Fatalf("%q parsed to %+v, want %+v", in, pairs, want)
		}
		var out strings.Builder
		for _, p := range pairs {
			out.WriteString(p.Old + " " + p.New + "\n")
		}
		again, err := ParsePairs(strings.NewReader(out.String()))
		if err != nil || !reflect.DeepEqual(again, pairs) {
			t.Fatalf("written back, %+v parsed to %+v, %v", pairs, again, err)
		}
	})
}
