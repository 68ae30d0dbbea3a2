package walkcache

import (
	"strings"
	"testing"
)

// Commit ids are kept decoded, end to end; each reads them back in order,
// is checks one against its position, and an id of another length or not
// in hex is refused.
func TestIDList(t *testing.T) {
	var l idList
	a, b := strings.Repeat("ab", 20), strings.Repeat("0f", 20)
	for _, id := range []string{a, b} {
		if err := l.add(id); err != nil {
			t.Fatal(err)
		}
	}
	if l.len() != 2 || len(l.raw) != 40 {
		t.Fatalf("%d ids in %d bytes, want 2 in 40", l.len(), len(l.raw))
	}
	if !l.is(0, a) || !l.is(1, b) || l.is(0, b) || l.is(2, a) || l.is(-1, a) || l.is(1, "0f") {
		t.Error("is answers wrong")
	}
	var got []string
	l.each(func(id string) bool { got = append(got, id); return true })
	if strings.Join(got, " ") != a+" "+b {
		t.Errorf("each gives %q", got)
	}
	for _, bad := range []string{strings.Repeat("a", 64), strings.Repeat("zz", 20), ""} {
		if err := l.add(bad); err == nil {
			t.Errorf("id %q accepted", bad)
		}
	}
	if l.len() != 2 {
		t.Errorf("a refused id changed the list: %d ids", l.len())
	}
	back, err := l.saved().list()
	if err != nil || back.len() != 2 || !back.is(1, b) {
		t.Errorf("saved and read back: %v, %d ids", err, back.len())
	}
	if _, err := (savedIDs{Width: 20, Raw: make([]byte, 30)}).list(); err == nil {
		t.Error("a section of 30 bytes of 20-byte ids accepted")
	}
}
