package walk

import (
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// noNewline ends, as the parser keeps them with Options.Moves, an added
// line that git follows with "\ No newline at end of file": blame tells
// "x" at the end of a file from "x\n", so the walk must too.
const noNewline = "\x00"

// contentOf hashes a hunk's added lines.
func contentOf(added []string) []linemap.Line {
	out := make([]linemap.Line, len(added))
	for i, text := range added {
		if t, ok := strings.CutSuffix(text, noNewline); ok {
			out[i] = linemap.LineOf(t, false)
			continue
		}
		out[i] = linemap.LineOf(text, true)
	}
	return out
}
