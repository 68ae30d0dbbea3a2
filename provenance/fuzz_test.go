package provenance

import (
	"bytes"
	"testing"
)

// FuzzNoteRoundTrip: a note that parses re-encodes to bytes that parse to
// the same records and encode to the same bytes again.
func FuzzNoteRoundTrip(f *testing.F) {
	f.Add([]byte(`{"v":1,"commit":"` + c1 + `","origin":"human","evidence":"default"}` + "\n"))
	f.Add([]byte(`{"v":1,"commit":"` + c1 + `","file":"a.go","lines":"1-3,7","origin":"ai","agent":"claude-code","model":"opus","evidence":"checkpoint"}` + "\n" +
		`{"v":1,"commit":"` + c1 + `","origin":"human"}` + "\n"))
	f.Add([]byte(`{"v":1,"commit":"` + c2 + `","origin":"ai","partial":true}` + "\r\n\n" + `{"v":2,"commit":"x","future":1}` + "\n"))
	f.Add([]byte(`{"v":9,"commit":"` + c1 + `"}`))
	f.Add([]byte("not json\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, _, err := Parse(data)
		if err != nil || len(n.Records) == 0 {
			return
		}
		for _, r := range n.Records {
			if err := r.Validate(); err != nil {
				t.Fatalf("Parse kept an invalid record %+v: %v", r, err)
			}
		}
		b := n.Bytes()
		n2, warnings, err := Parse(b)
		if err != nil || len(warnings) != 0 {
			t.Fatalf("the re-encoded note does not parse cleanly: %v %q\n%s", err, warnings, b)
		}
		if b2 := n2.Bytes(); !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding is not stable:\n%s\n%s", b, b2)
		}
		want := map[string]bool{}
		for _, r := range n.Records {
			want[string(r.line())] = true
		}
		if len(n2.Records) != len(want) {
			t.Fatalf("%d unique records became %d", len(want), len(n2.Records))
		}
		for _, r := range n2.Records {
			if !want[string(r.line())] {
				t.Fatalf("record %s was not in the parsed note", r.line())
			}
		}
	})
}

// FuzzLineSetRoundTrip: a line set that parses is normalised (sorted,
// disjoint, non-adjacent ranges), holds the ends of every range it was
// given, and its string form parses back to itself.
func FuzzLineSetRoundTrip(f *testing.F) {
	for _, s := range []string{"", "1", "1-3,10-12", "10-12,1-2,3", "5-9,6-7,20", "3-1", "0", "1-", "-1", "1,,2", "1099511627776", "1099511627777", "1-9223372036854775807,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseLineSet(text)
		if err != nil {
			return
		}
		rs := s.Ranges()
		for i, r := range rs {
			if r.Start < 1 || r.End < r.Start {
				t.Fatalf("%q: invalid range %v in %v", text, r, rs)
			}
			if i > 0 && r.Start-1 <= rs[i-1].End {
				t.Fatalf("%q: ranges %v and %v overlap or touch", text, rs[i-1], r)
			}
		}
		if text != "" {
			for _, part := range bytes.Split([]byte(text), []byte(",")) {
				lo, hi, _ := bytes.Cut(part, []byte("-"))
				for _, n := range [][]byte{lo, hi} {
					if v, err := parseLineNumber(string(n)); err == nil && !s.Contains(v) {
						t.Fatalf("%q: line %d is missing from %v", text, v, s)
					}
				}
			}
		}
		back, err := ParseLineSet(s.String())
		if err != nil || back.String() != s.String() || back.Len() != s.Len() {
			t.Fatalf("%q: %q parses back to %q (%d vs %d lines), %v", text, s, back, back.Len(), s.Len(), err)
		}
	})
}
