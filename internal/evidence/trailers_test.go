package evidence

import (
	"os/exec"
	"strings"
	"testing"
)

// trailerMessages are messages whose gitTrailer blocks are compared with
// git's reading of them.
var trailerMessages = []string{
	"",
	"subject",
	"subject\n\nA: b\n",
	"subject\n\nA: b",
	"subject\nA: b\n",
	"A: b\n\nC: d\n",
	"subject\n\nbody line\nA: b\n",
	"subject\n\nbody line\nSigned-off-by: x <x@y>\n",
	"subject\n\np1\np2\np3\nSigned-off-by: x <x@y>\nA: b\n",
	"subject\n\np1\np2\np3\np4\np5\np6\np7\nSigned-off-by: x <x@y>\n",
	"subject\n\nA: b\n  continued\n   more\nC: d\n",
	"subject\n\n  A: b\nC: d\n",
	"subject\n\nKey : value\nK\t: v\n",
	"subject\n\nBad key: v\n",
	"subject\n\n: v\n",
	"subject\n\nA: b\n\n\n# comment\n# more\n",
	"subject\n\nA: b\n# ------------------------ >8 ------------------------\nC: d\n",
	"subject\n\nA: b\n\nConflicts:\n\tfile.go\n",
	"subject\r\n\r\nA: b\r\nC: d\r\n",
	"subject\n\nA: b\n---\nC: d\n",
	"subject\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n",
	"subject\n\nbody\n(cherry picked from commit 0123)\nA: b\n",
	"# c\nsubject\n\nA: b\n",
	"subject\n\n \nA: b\n",
	"subject\n\nA: b\n \n",
	"subject\n\nA:b\nC:\n",
	"subject\n\nhttp://x.y/z\n",
	"subject\n\nA: b\nhttp://x.y/z: q\n",
}

// gitTrailers runs git interpret-trailers --parse --no-divider on msg.
func gitTrailers(t testing.TB, msg string) string {
	t.Helper()
	cmd := exec.Command("git", "interpret-trailers", "--parse", "--no-divider")
	cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	cmd.Stdin = strings.NewReader(msg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git interpret-trailers: %v", err)
	}
	return string(out)
}

func formatTrailers(ts []gitTrailer) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.key + ": " + t.value + "\n")
	}
	return b.String()
}

func TestTrailersAsGitReadsThem(t *testing.T) {
	msgs := append([]string{}, trailerMessages...)
	for _, c := range cases {
		msgs = append(msgs, commitOf(c.author, c.committer, c.message).Message)
	}
	for _, m := range msgs {
		if got, want := formatTrailers(parseTrailers(m)), gitTrailers(t, m); got != want {
			t.Errorf("message %q:\n got %q\nwant %q", m, got, want)
		}
	}
}
