// Package term makes strings from outside (notes, trailers, agent payloads,
// file names) safe to print on a terminal: control characters, which could
// move the cursor, rewrite the screen, set the window title or hide text,
// are shown escaped instead. Machine output (JSON) does not go through it.
package term

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// unsafe reports whether r must not reach a terminal as it is: C0 controls
// (but tab and newline), DEL, C1 controls, and the bidirectional overrides
// that reorder what is shown.
func unsafe(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// escape writes the visible form of r (or of the invalid byte b).
func escape(b *strings.Builder, r rune) {
	switch {
	case r == 0x1b:
		b.WriteString(`\e`)
	case r == '\r':
		b.WriteString(`\r`)
	case r < 0x100:
		fmt.Fprintf(b, `\x%02x`, r)
	default:
		fmt.Fprintf(b, `\u%04x`, r)
	}
}

// Sanitize returns s with unsafe characters and invalid UTF-8 escaped
// (`\e`, `\r`, `\x07`, `\u202e`); tabs and newlines stay.
func Sanitize(s string) string {
	if clean(s, true) {
		return s
	}
	return sanitize(s, true)
}

// Line is Sanitize for a value printed within one line: newlines and tabs
// are escaped too.
func Line(s string) string {
	if clean(s, false) {
		return s
	}
	return sanitize(s, false)
}

func clean(s string, keepLayout bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return cleanSlow(s, keepLayout)
		}
		if c < 0x20 || c == 0x7f {
			if !(keepLayout && (c == '\t' || c == '\n')) {
				return false
			}
		}
	}
	return true
}

func cleanSlow(s string, keepLayout bool) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return false
			}
		}
		if unsafe(r) || (!keepLayout && (r == '\t' || r == '\n')) {
			return false
		}
	}
	return true
}

func sanitize(s string, keepLayout bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafe(r) || (!keepLayout && (r == '\t' || r == '\n')):
			if r == '\n' {
				b.WriteString(`\n`)
			} else if r == '\t' {
				b.WriteString(`\t`)
			} else {
				escape(&b, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Writer sanitizes (as Sanitize) everything written to it before passing
// it on. A character split across two writes is held until the next one
// or Flush.
type Writer struct {
	w    io.Writer
	hold []byte
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sanitizes p and writes it; it reports len(p) on success.
func (t *Writer) Write(p []byte) (int, error) {
	buf := append(t.hold, p...)
	t.hold = nil
	// Hold an incomplete UTF-8 sequence at the end for the next write.
	for k := 1; k <= 3 && k <= len(buf); k++ {
		start := len(buf) - k
		if utf8.RuneStart(buf[start]) {
			if buf[start] >= 0xc0 && !utf8.FullRune(buf[start:]) {
				t.hold = append([]byte(nil), buf[start:]...)
				buf = buf[:start]
			}
			break
		}
	}
	if _, err := io.WriteString(t.w, Sanitize(string(buf))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held (escaped: it cannot be completed any more).
func (t *Writer) Flush() error {
	if len(t.hold) == 0 {
		return nil
	}
	s := Sanitize(string(t.hold))
	t.hold = nil
	_, err := io.WriteString(t.w, s)
	return err
}

// Replace returns s with its control characters (but tab) replaced by
// U+FFFD, for a string shown in a column, where escapes would shift what
// follows: an outside string cannot move the cursor or change colours.
func Replace(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// isControl is what Replace replaces: C0 controls but tab, DEL, C1
// controls.
func isControl(r rune) bool {
	return r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0))
}
