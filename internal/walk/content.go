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

// hashLine is the diff parser's HashAdded: a line's content as the map
// compares it.
func hashLine(text []byte, eol bool) uint64 { return uint64(linemap.LineOfBytes(text, eol)) }

// linesOfHashes is what hashLine gave a hunk's added lines.
func linesOfHashes(hashes []uint64) []linemap.Line {
	out := make([]linemap.Line, len(hashes))
	for i, h := range hashes {
		out[i] = linemap.Line(h)
	}
	return out
}
