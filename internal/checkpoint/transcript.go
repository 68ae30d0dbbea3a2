package checkpoint

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"sync"
	"syscall"
)

// transcriptTail is how much of a transcript's end is read for the model.
const transcriptTail = 512 << 10

// ModelFromTranscript returns the model of the last assistant message in a
// Claude Code transcript (JSON Lines), or "" when the file is missing,
// unreadable, not a regular file or names none. It reads only the file's
// end.
func ModelFromTranscript(path string) string {
	if path == "" {
		return ""
	}
	// O_NONBLOCK: a FIFO put at the path opens at once (and is refused
	// below) instead of holding the checkpoint.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	off := max(fi.Size()-transcriptTail, 0)
	b, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return ""
	}
	lines := bytes.Split(b, []byte{'\n'})
	for i := len(lines) - 1; i >= 0; i-- {
		if !bytes.Contains(lines[i], []byte(`"model"`)) {
			continue
		}
		var rec struct {
			Type    string `json:"type"`
			Message struct {
				Role  string `json:"role"`
				Model string `json:"model"`
			} `json:"message"`
		}
		if json.Unmarshal(lines[i], &rec) != nil {
			continue // the first line of the tail may be cut
		}
		m := rec.Message.Model
		if (rec.Type == "assistant" || rec.Message.Role == "assistant") && m != "" && m != "<synthetic>" {
			return m
		}
	}
	return ""
}

// geminiModel matches a message's model in a Gemini CLI session file. It
// is compiled on first use: its counted repetition makes a large program,
// and compiling it at start-up cost every run of the binary (every hook)
// about a millisecond.
var geminiModel = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`"model"\s*:\s*"([^"\\]{1,200})"`)
})

// ModelFromGeminiSession returns the model of the last Gemini message in a
// Gemini CLI session file (one JSON object, {"messages": [{"type":
// "gemini", "model": ...}, ...]}), or "" when the file is missing,
// unreadable, not a regular file or names none. It reads only the file's
// end.
func ModelFromGeminiSession(path string) string {
	if path == "" {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	off := max(fi.Size()-transcriptTail, 0)
	b, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return ""
	}
	m := geminiModel().FindAllSubmatch(b, -1)
	if len(m) == 0 {
		return ""
	}
	return string(m[len(m)-1][1])
}
