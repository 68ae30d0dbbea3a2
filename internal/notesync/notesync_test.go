package notesync

import (
	"strings"
	"testing"
)

func TestParsePorcelain(t *testing.T) {
	spec := "refs/notes/ai-survival:refs/notes/ai-survival"
	tests := []struct {
		out, flag, reason string
		ok                bool
	}{
		{"To ../r.git\n=\t" + spec + "\t[up to date]\nDone\n", "=", "up to date", true},
		{"To ../r.git\n!\t" + spec + "\t[rejected] (fetch first)\nDone\n", "!", "fetch first", true},
		{"To x\n!\t" + spec + "\t[remote rejected] (pre-receive hook declined)\n", "!", "pre-receive hook declined", true},
		{"To x\n*\t" + spec + "\t[new reference]\n", "*", "new reference", true},
		{"Done\n", "", "", false},
	}
	for _, tt := range tests {
		flag, reason, ok := parsePorcelain([]byte(tt.out), spec)
		if flag != tt.flag || reason != tt.reason || ok != tt.ok {
			t.Errorf("parsePorcelain(%q) = %q %q %v", tt.out, flag, reason, ok)
		}
	}
	if !retryable("fetch first") || !retryable("non-fast-forward") || retryable("pre-receive hook declined") {
		t.Error("retryable is wrong")
	}
}

func TestUnion(t *testing.T) {
	a := "{\"b\":1}\n{\"a\":1}\n"
	b := "{\"c\":1}\r\n\n{\"a\":1}\n"
	if got := string(union([]byte(a), []byte(b))); got != "{\"a\":1}\n{\"b\":1}\n{\"c\":1}\n" {
		t.Errorf("union = %q", got)
	}
	if got := string(union([]byte(a), []byte(a))); got != "{\"a\":1}\n{\"b\":1}\n" {
		t.Errorf("union with itself = %q", got)
	}
}

func TestParsePrePushAndTrackingRef(t *testing.T) {
	z := strings.Repeat("0", 40)
	in := "refs/heads/main " + z + " refs/heads/main " + z + "\n\n"
	lines, err := ParsePrePush(strings.NewReader(in))
	if err != nil || len(lines) != 1 || lines[0].RemoteRef != "refs/heads/main" || PushesNotes(lines) {
		t.Errorf("ParsePrePush = %+v, %v", lines, err)
	}
	lines, _ = ParsePrePush(strings.NewReader("refs/notes/ai-survival " + z + " refs/notes/ai-survival " + z + "\n"))
	if !PushesNotes(lines) {
		t.Error("a push of the notes ref itself must be recognised")
	}
	if _, err := ParsePrePush(strings.NewReader("garbage\n")); err == nil {
		t.Error("garbage accepted")
	}
	if got := TrackingRef("origin"); got != "refs/notes/remotes/origin/ai-survival" {
		t.Errorf("TrackingRef(origin) = %q", got)
	}
	if got := TrackingRef("/srv/git/x.git"); !strings.HasPrefix(got, "refs/notes/remotes/url-") || strings.Count(got, "/") != 4 {
		t.Errorf("TrackingRef(path) = %q", got)
	}
}
