package gitx

import "testing"

// A failed git command's message is its first stderr lines joined by "; ",
// git's blank lines skipped (never "; ;").
func TestErrorMessageSkipsBlankLines(t *testing.T) {
	e := &Error{Args: []string{"push", "origin"}, Stderr: "error: failed to push some refs\n\n  \nhint: fetch first\n\n"}
	if got, want := e.Error(), "git push: error: failed to push some refs; hint: fetch first"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &Error{Args: []string{"fetch"}, Stderr: "a\n\nb\nc\nd\n"}
	if got, want := e.Error(), "git fetch: a; b; c; …"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
