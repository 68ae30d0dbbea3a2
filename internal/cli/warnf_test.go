package cli

import (
	"strings"
	"testing"
)

// A warning is one line that says "warning:" once, whatever the strings
// it quotes hold (a NUL byte, escape sequences, a message of its own that
// starts with "warning:").
func TestWarnfOneCleanLine(t *testing.T) {
	for _, tc := range []struct {
		format string
		args   []any
		want   string
	}{
		{"warning: %s", []any{"x"}, "warning: x\n"},
		{"git-ai-survival: %s", []any{"warning: the note is odd"}, "warning: git-ai-survival: the note is odd\n"},
		{"git-ai-survival: agent %q", []any{"a\x00b"}, `warning: git-ai-survival: agent "a\x00b"` + "\n"},
		{"git-ai-survival: agent %s", []any{"a\x00b\x1b[31m\nc"}, "warning: git-ai-survival: agent a\\x00b\\e[31m\\nc\n"},
	} {
		var errb strings.Builder
		f := &Factory{IO: &IOStreams{ErrOut: &errb}}
		f.Warnf(tc.format, tc.args...)
		if errb.String() != tc.want {
			t.Errorf("Warnf(%q, %q) = %q, want %q", tc.format, tc.args, errb.String(), tc.want)
		}
	}
}
