package commitfilter

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		end  bool
		want string
	}{
		{"2026-01-31", false, "2026-01-31T00:00:00Z"},
		{"2026-01-31", true, "2026-01-31T23:59:59Z"},
		{"2026-01-31 12:05", false, "2026-01-31T12:05:00Z"},
		{"2026-01-31T12:05:06+02:00", false, "2026-01-31T12:05:06+02:00"},
		{"@1767225600", false, "2026-01-01T00:00:00Z"},
		{"yesterday", false, "2026-03-14T00:00:00Z"},
		{"now", false, "2026-03-15T10:30:00Z"},
		{"2 weeks ago", false, "2026-03-01T10:30:00Z"},
		{"1 month ago", false, "2026-02-15T10:30:00Z"},
		{"3 hours ago", false, "2026-03-15T07:30:00Z"},
	} {
		got, err := ParseDate(c.in, now, c.end)
		if err != nil || got.UTC().Format(time.RFC3339) != strings.Replace(c.want, "+02:00", "", 1) && got.Format(time.RFC3339) != c.want {
			t.Errorf("%q: %v %v, want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"garbage", "2026-13-01", "last tuesday", "@x"} {
		if _, err := ParseDate(bad, now, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := New("2026-02-01", "2026-01-01", nil, now); err == nil {
		t.Errorf("--until before --since: %v", err)
	}
	if _, err := New("", "", []string{"("}, now); err == nil {
		t.Errorf("bad --author regexp: %v", err)
	}
}
