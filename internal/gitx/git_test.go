package gitx

import "testing"

func TestErrorSkipsBlankLines(t *testing.T) {
	e := &Error{Args: []string{"fetch"}, Stderr: "fatal: 'x' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n"}
	want := "git fetch: fatal: 'x' does not appear to be a git repository; fatal: Could not read from remote repository.; Please make sure you have the correct access rights; …"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q\nwant %q", got, want)
	}
}
