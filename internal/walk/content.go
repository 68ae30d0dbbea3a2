package walk

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// noNewline ends, in the stream the parser reads with Options.Moves, a
// diff line that git follows with "\ No newline at end of file": blame
// tells "x" at the end of a file from "x\n", so the walk must too.
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

// markNoNewline reads a diff stream, holding each line back until the
// next shows whether git marked it as having no final newline; such a
// line gets noNewline appended.
func markNoNewline(r io.Reader) io.Reader {
	return &eolMarker{br: bufio.NewReaderSize(r, 1<<16)}
}

type eolMarker struct {
	br   *bufio.Reader
	held []byte // the last line read, not passed on yet
	out  []byte // what Read passes on next
	buf  []byte
	err  error
}

func (m *eolMarker) Read(p []byte) (int, error) {
	for len(m.out) == 0 {
		if m.err != nil {
			if len(m.held) > 0 {
				m.out, m.held = m.held, nil
				break
			}
			return 0, m.err
		}
		line, err := m.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			buf := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = m.br.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		m.err = err
		if len(line) == 0 {
			continue
		}
		if line[0] == '\\' && len(m.held) > 0 && (m.held[0] == '+' || m.held[0] == '-') {
			m.held = append(bytes.TrimSuffix(m.held, []byte("\n")), noNewline+"\n"...)
		}
		m.out = append(m.buf[:0], m.held...)
		m.buf = m.out
		m.held = append(m.held[:0], line...)
	}
	n := copy(p, m.out)
	m.out = m.out[n:]
	return n, nil
}
