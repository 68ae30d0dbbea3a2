package evidence

import "strings"

// gitTrailer is one "Key: value" line of a message's trailer block, with its
// continuation lines unfolded into the value.
type gitTrailer struct {
	key, value string
	line       string // the line as written (first line only), for Source
}

// parseTrailers returns the trailers of a commit message as
// `git interpret-trailers --parse --no-divider` (and git log's
// %(trailers)) reads them: the block is the message's last paragraph,
// after trailing comment lines and a scissors line are dropped, when it is
// not the first paragraph and either holds only trailer lines (and their
// indented continuations) or holds at least 25% trailer lines, one of them
// git-generated ("Signed-off-by: ", "(cherry picked from commit "). A
// trailer line is a token of letters, digits and '-', optional spaces, ':'.
// Lines in the block that are not trailers are left out. Commit messages
// carry no patch, so a "---" line is no divider.
func parseTrailers(msg string) []gitTrailer {
	if !strings.Contains(msg, ":") {
		return nil
	}
	end := len(msg) - ignoredBytes(msg)
	buf := msg[:end]
	start := blockStart(buf)
	if start >= len(buf) {
		return nil
	}
	var out []gitTrailer
	last := -1 // index in out of the trailer a continuation belongs to
	for rest := buf[start:]; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if last >= 0 && line != "" && isSpace(line[0]) {
			out[last].value += "\n" + line
			continue
		}
		last = -1
		sep := findSeparator(line)
		if sep < 1 {
			continue
		}
		out = append(out, gitTrailer{
			key:   strings.TrimRight(line[:sep], " \t"),
			value: line[sep+1:],
			line:  strings.TrimRight(line, "\r"),
		})
		last = len(out) - 1
	}
	for i := range out {
		out[i].value = unfold(out[i].value)
	}
	return out
}

// unfold trims the value and joins its continuation lines with single
// spaces, as --unfold does.
func unfold(v string) string {
	if !strings.Contains(v, "\n") {
		return strings.TrimSpace(v)
	}
	var b strings.Builder
	for i, part := range strings.Split(v, "\n") {
		part = strings.TrimSpace(part)
		if i > 0 && b.Len() > 0 && part != "" {
			b.WriteByte(' ')
		}
		b.WriteString(part)
	}
	return b.String()
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// findSeparator returns the position of the ':' that ends a trailer's
// token, or -1: the token is letters, digits and '-', possibly followed
// by spaces or tabs.
func findSeparator(line string) int {
	spaceSeen := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ':':
			return i
		case !spaceSeen && (isAlnum(c) || c == '-'):
		case i > 0 && (c == ' ' || c == '\t'):
			spaceSeen = true
		default:
			return -1
		}
	}
	return -1
}

// isBlankLine reports whether the line starting at s (up to its newline)
// holds only white space.
func isBlankLine(s string) bool {
	for i := 0; i < len(s) && s[i] != '\n'; i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// nextLine returns the offset of the line after the one at i.
func nextLine(buf string, i int) int {
	if j := strings.IndexByte(buf[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(buf)
}

// lastLine returns the start of the last line of buf[:n], -1 when n is 0;
// a final newline belongs to that line.
func lastLine(buf string, n int) int {
	if n == 0 {
		return -1
	}
	if n == 1 {
		return 0
	}
	if i := strings.LastIndexByte(buf[:n-1], '\n'); i >= 0 {
		return i + 1
	}
	return 0
}

var generatedPrefixes = []string{"Signed-off-by: ", "(cherry picked from commit "}

// blockStart returns where the trailer block of buf starts, len(buf) when
// it has none.
func blockStart(buf string) int {
	// The first paragraph is the title and cannot be trailers.
	s := 0
	for s < len(buf) {
		if buf[s] != '#' && isBlankLine(buf[s:]) {
			break
		}
		s = nextLine(buf, s)
	}
	endOfTitle := s

	onlySpaces := true
	recognized := false
	trailers, nonTrailers, continuations := 0, 0, 0
	for l := lastLine(buf, len(buf)); l >= endOfTitle; l = lastLine(buf, l) {
		bol := buf[l:]
		if bol[0] == '#' {
			nonTrailers += continuations
			continuations = 0
			continue
		}
		if isBlankLine(bol) {
			if onlySpaces {
				continue
			}
			nonTrailers += continuations
			if recognized && trailers*3 >= nonTrailers || trailers > 0 && nonTrailers == 0 {
				return nextLine(buf, l)
			}
			return len(buf)
		}
		onlySpaces = false
		gen := false
		for _, p := range generatedPrefixes {
			if strings.HasPrefix(bol, p) {
				gen = true
			}
		}
		switch {
		case gen:
			trailers++
			continuations = 0
			recognized = true
		case findSeparator(bol) >= 1 && !isSpace(bol[0]):
			trailers++
			continuations = 0
		case isSpace(bol[0]):
			continuations++
		default:
			nonTrailers++
			nonTrailers += continuations
			continuations = 0
		}
	}
	return len(buf)
}

const scissors = "# ------------------------ >8 ------------------------\n"

// ignoredBytes returns how many bytes at the end of msg git leaves out
// before looking for trailers: a scissors line and all after it, trailing
// comment and empty lines, and an old-style "Conflicts:" block.
func ignoredBytes(msg string) int {
	cutoff := len(msg)
	if strings.HasPrefix(msg, scissors) {
		cutoff = 0
	} else if i := strings.Index(msg, "\n"+scissors); i >= 0 {
		cutoff = i + 1
	}
	boc, inConflicts := 0, false
	for bol := 0; bol < cutoff; bol = nextLine(msg, bol) {
		switch {
		case msg[bol] == '#' || msg[bol] == '\n':
			if boc == 0 {
				boc = bol
			}
		case strings.HasPrefix(msg[bol:], "Conflicts:\n"):
			inConflicts = true
			if boc == 0 {
				boc = bol
			}
		case inConflicts && msg[bol] == '\t':
		case boc != 0:
			boc, inConflicts = 0, false
		}
	}
	if boc != 0 {
		return len(msg) - boc
	}
	return len(msg) - cutoff
}
