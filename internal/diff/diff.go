// Package diff parses the unified diffs git prints with -p -U0 (from
// git diff-tree, git log or git show), streaming: one file at a time, hunks
// read by their declared line counts so that no content line is ever taken
// for a header, whatever it says. It knows nothing of how git is run.
package diff

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// File is the diff of one path.
type File struct {
	// OldPath and NewPath are the paths before and after; "" where that
	// side does not exist (an added or deleted file).
	OldPath, NewPath string
	// Status is 'A' added, 'D' deleted, 'M' modified, 'R' renamed, 'C' copied.
	Status byte
	// Binary is set when git reported the file as binary (no hunks).
	Binary bool
	// NewBlob is the object id of the file after the change, from git's
	// "index" line (whole with --full-index); "" when git printed none.
	NewBlob string
	Hunks   []Hunk
}

// Path is the file's path after the change, or before it when deleted.
func (f *File) Path() string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}

// Hunk is one change: OldLines lines at OldStart replaced by NewLines lines
// at NewStart. With no context (-U0), a pure insertion has OldLines 0 and
// OldStart the line it follows; a pure deletion has NewLines 0.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Removed and Added hold line contents (without the +/- and the
	// newline) when the parser keeps content.
	Removed, Added []string
	// AddedHashes holds, with Parser.HashAdded, what it gave each added
	// line.
	AddedHashes []uint64
}

// Parser reads a diff stream.
type Parser struct {
	// KeepContent keeps the text of added and removed lines; KeepAdded
	// keeps that of added lines alone.
	KeepContent bool
	KeepAdded   bool
	// NoNewline, when set, is appended to a kept line that git follows
	// with "\ No newline at end of file" (the last line of a file
	// without a final newline), so that it differs from the same text
	// with one.
	NoNewline string
	// HashAdded, when set, is given each added line (without the "+"
	// and the newline; eol false when git follows it with "\ No newline
	// at end of file"), and Hunk.AddedHashes keeps what it returns: the
	// lines' content without a string for each. text is only valid
	// during the call.
	HashAdded func(text []byte, eol bool) uint64
	// CommitPrefix, when set, marks lines that start a new commit in a log
	// stream (e.g. "\x1e" from --format=%x1e%H); OnCommit receives them
	// without the prefix.
	CommitPrefix string
	OnCommit     func(header string) error
	// OnFile receives each file's diff when it is complete.
	OnFile func(*File) error
}

// ErrCombined is returned for combined merge diffs (--cc), which this
// parser does not read: ask git for one diff per parent (-m) instead.
var ErrCombined = errors.New("combined diffs (diff --cc) are not supported; use -m")

type state struct {
	p    *Parser
	r    *bufio.Reader
	file *File
	// hasPaths is set once ---/+++ or rename lines gave exact paths.
	hasOld, hasNew bool
	header         string
	// last is the kept line read last, when it was the line just read
	// (NoNewline marks it).
	last *string
	// lastHash is, with HashAdded, the hash of the added line just read,
	// and lastText its text.
	lastHash *uint64
	lastText []byte
}

// Parse reads the whole stream.
func (p *Parser) Parse(r io.Reader) error {
	s := &state{p: p, r: bufio.NewReaderSize(r, 1<<16)}
	for {
		line, err := s.readLine()
		if err == io.EOF {
			return s.flush()
		}
		if err != nil {
			return err
		}
		if err := s.handle(line); err != nil {
			return err
		}
	}
}

// readLine returns one line without its newline. Lines longer than the
// buffer are assembled; the returned slice is only valid until the next read.
func (s *state) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			buf = append(buf, line...)
		}
		line = buf
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(line, []byte("\n")), nil
}

func (s *state) handle(line []byte) error {
	if lh := s.lastHash; lh != nil {
		s.lastHash = nil
		if len(line) > 0 && line[0] == '\\' {
			*lh = s.p.HashAdded(s.lastText, false) // "\ No newline at end of file" after a hunk
			return nil
		}
	}
	if last := s.last; last != nil {
		s.last = nil
		if len(line) > 0 && line[0] == '\\' {
			*last += s.p.NoNewline // "\ No newline at end of file" after a hunk
			return nil
		}
	}
	text := string(line)
	switch {
	case s.p.CommitPrefix != "" && strings.HasPrefix(text, s.p.CommitPrefix):
		if err := s.flush(); err != nil {
			return err
		}
		if s.p.OnCommit != nil {
			return s.p.OnCommit(strings.TrimPrefix(text, s.p.CommitPrefix))
		}
	case strings.HasPrefix(text, "diff --git "):
		if err := s.flush(); err != nil {
			return err
		}
		s.file = &File{Status: 'M'}
		s.hasOld, s.hasNew = false, false
		s.header = strings.TrimPrefix(text, "diff --git ")
	case strings.HasPrefix(text, "diff --cc ") || strings.HasPrefix(text, "diff --combined "):
		return ErrCombined
	case s.file == nil:
		// Commit headers, blank separators and the like.
	case strings.HasPrefix(text, "@@ "):
		return s.hunk(text)
	default:
		return s.extended(text)
	}
	return nil
}

func (s *state) extended(text string) error {
	f := s.file
	var err error
	switch {
	case strings.HasPrefix(text, "new file mode "):
		f.Status = 'A'
	case strings.HasPrefix(text, "deleted file mode "):
		f.Status = 'D'
	case strings.HasPrefix(text, "rename from "):
		f.Status = 'R'
		f.OldPath, err = unquote(strings.TrimPrefix(text, "rename from "))
		s.hasOld = true
	case strings.HasPrefix(text, "rename to "):
		f.NewPath, err = unquote(strings.TrimPrefix(text, "rename to "))
		s.hasNew = true
	case strings.HasPrefix(text, "copy from "):
		f.Status = 'C'
		f.OldPath, err = unquote(strings.TrimPrefix(text, "copy from "))
		s.hasOld = true
	case strings.HasPrefix(text, "copy to "):
		f.NewPath, err = unquote(strings.TrimPrefix(text, "copy to "))
		s.hasNew = true
	case strings.HasPrefix(text, "--- "):
		f.OldPath, err = sidePath(strings.TrimPrefix(text, "--- "), "a/")
		s.hasOld = true
	case strings.HasPrefix(text, "+++ "):
		f.NewPath, err = sidePath(strings.TrimPrefix(text, "+++ "), "b/")
		s.hasNew = true
	case strings.HasPrefix(text, "Binary files ") || text == "GIT binary patch":
		f.Binary = true
	case strings.HasPrefix(text, "index "):
		ids, _, _ := strings.Cut(strings.TrimPrefix(text, "index "), " ")
		if _, post, ok := strings.Cut(ids, ".."); ok {
			f.NewBlob = post
		}
	}
	if err != nil {
		return fmt.Errorf("diff of %q: %w", s.header, err)
	}
	return nil
}

func sidePath(p, prefix string) (string, error) {
	if p == "/dev/null" {
		return "", nil
	}
	// git may append a tab to names with spaces in ---/+++ lines.
	p = strings.TrimSuffix(p, "\t")
	u, err := unquote(p)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(u, prefix) {
		return "", fmt.Errorf("path %q lacks the %q prefix (is diff.noprefix forced on?)", u, prefix)
	}
	return u[len(prefix):], nil
}

func (s *state) hunk(text string) error {
	var h Hunk
	body, ok := strings.CutPrefix(text, "@@ -")
	end := strings.Index(body, " @@")
	if !ok || end < 0 {
		return fmt.Errorf("diff of %q: bad hunk header %q", s.header, text)
	}
	oldPart, newPart, ok := strings.Cut(body[:end], " +")
	var err1, err2 error
	h.OldStart, h.OldLines, err1 = parseSpan(oldPart)
	h.NewStart, h.NewLines, err2 = parseSpan(newPart)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("diff of %q: bad hunk header %q", s.header, text)
	}
	removed, added := h.OldLines, h.NewLines
	for removed > 0 || added > 0 {
		line, err := s.readLine()
		if err != nil {
			return fmt.Errorf("diff of %q: hunk %q cut short: %w", s.header, text, unexpected(err))
		}
		if len(line) == 0 {
			return fmt.Errorf("diff of %q: empty line inside hunk %q (is the diff produced with -U0?)", s.header, text)
		}
		last, lastHash := s.last, s.lastHash
		s.last, s.lastHash = nil, nil
		switch line[0] {
		case '-':
			removed--
			if s.p.KeepContent {
				h.Removed = append(h.Removed, string(line[1:]))
				s.last = &h.Removed[len(h.Removed)-1]
			}
		case '+':
			added--
			if s.p.KeepContent || s.p.KeepAdded {
				h.Added = append(h.Added, string(line[1:]))
				s.last = &h.Added[len(h.Added)-1]
			}
			if s.p.HashAdded != nil {
				s.lastText = append(s.lastText[:0], line[1:]...)
				h.AddedHashes = append(h.AddedHashes, s.p.HashAdded(s.lastText, true))
				s.lastHash = &h.AddedHashes[len(h.AddedHashes)-1]
			}
		case '\\':
			// "\ No newline at end of file"
			if last != nil {
				*last += s.p.NoNewline
			}
			if lastHash != nil {
				*lastHash = s.p.HashAdded(s.lastText, false)
			}
		default:
			return fmt.Errorf("diff of %q: context line in hunk %q (the diff must be produced with -U0)", s.header, text)
		}
		if removed < 0 || added < 0 {
			return fmt.Errorf("diff of %q: hunk %q has more lines than it declares", s.header, text)
		}
	}
	s.file.Hunks = append(s.file.Hunks, h)
	return nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseSpan reads "start[,count]" of a hunk header: unsigned decimal
// numbers, as git writes them (a sign would make a count negative).
func parseSpan(s string) (start, count int, err error) {
	a, b, hasCount := strings.Cut(s, ",")
	if start, err = number(a); err != nil {
		return 0, 0, err
	}
	count = 1
	if hasCount {
		if count, err = number(b); err != nil {
			return 0, 0, err
		}
	}
	return start, count, nil
}

func number(s string) (int, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("%q is not a line number", s)
	}
	return strconv.Atoi(s)
}

func (s *state) flush() error {
	f := s.file
	s.file = nil
	if f == nil {
		return nil
	}
	if !s.hasOld || !s.hasNew {
		oldP, newP, err := headerPaths(s.header)
		if err != nil {
			return fmt.Errorf("diff header %q: %w", s.header, err)
		}
		if !s.hasOld {
			f.OldPath = oldP
		}
		if !s.hasNew {
			f.NewPath = newP
		}
	}
	switch f.Status {
	case 'A':
		f.OldPath = ""
	case 'D':
		f.NewPath = ""
	}
	if s.p.OnFile != nil {
		return s.p.OnFile(f)
	}
	return nil
}

// headerPaths reads "a/X b/Y" from a diff --git line, used only when no
// ---/+++ or rename lines name the paths (binary, empty or mode-only
// changes, where X and Y are the same path).
func headerPaths(h string) (string, string, error) {
	if strings.HasPrefix(h, `"`) {
		first, rest, err := splitQuoted(h)
		if err != nil {
			return "", "", err
		}
		second := strings.TrimPrefix(rest, " ")
		if strings.HasPrefix(second, `"`) {
			if second, _, err = splitQuoted(second); err != nil {
				return "", "", err
			}
		}
		return strings.TrimPrefix(first, "a/"), strings.TrimPrefix(second, "b/"), nil
	}
	if strings.HasSuffix(h, `"`) {
		i := strings.Index(h, ` "`)
		if i < 0 {
			return "", "", errors.New("unbalanced quotes")
		}
		second, err := unquote(h[i+1:])
		if err != nil {
			return "", "", err
		}
		return strings.TrimPrefix(h[:i], "a/"), strings.TrimPrefix(second, "b/"), nil
	}
	// Unquoted and (here) the same path on both sides: "a/X b/X".
	if len(h) < 5 || (len(h)-5)%2 != 0 {
		return "", "", errors.New("cannot split the paths")
	}
	n := (len(h) - 5) / 2
	a, b := h[:n+2], h[n+3:]
	if !strings.HasPrefix(a, "a/") || !strings.HasPrefix(b, "b/") || a[2:] != b[2:] {
		return "", "", errors.New("cannot split the paths")
	}
	return a[2:], b[2:], nil
}

func splitQuoted(s string) (string, string, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			u, err := unquote(s[:i+1])
			return u, s[i+1:], err
		}
	}
	return "", "", errors.New("unterminated quoted path")
}

// unquote undoes git's C-style quoting of a path ("a\tb", octal bytes).
// Unquoted input is returned as is.
func unquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s, nil
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", errors.New("quoted path ends in a backslash")
		}
		switch c = s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(c)
		default:
			if c < '0' || c > '3' || i+2 >= len(s) {
				return "", fmt.Errorf("bad escape in quoted path")
			}
			v, err := strconv.ParseUint(s[i:i+3], 8, 8)
			if err != nil {
				return "", fmt.Errorf("bad octal escape in quoted path")
			}
			b.WriteByte(byte(v))
			i += 2
		}
	}
	return b.String(), nil
}
