package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Paths selects the files that count, with gitignore-style patterns:
//
//   - a pattern without a slash matches a name at any depth ("*.go",
//     "vendor");
//   - a leading slash, or a slash inside, anchors the pattern to the
//     repository root ("/main.go", "cmd/*.go");
//   - "**" as a whole component matches any number of directories
//     ("**/testdata", "docs/**/*.md"; "cmd/**" is everything below cmd);
//   - "*", "?" and "[...]" (with ranges, "!" or "^" to negate, and POSIX
//     classes such as "[[:digit:]]") match within one component; a
//     backslash quotes the next character;
//   - a trailing slash matches directories only ("vendor/");
//   - a pattern matching a directory covers everything below it.
//
// A path is included when no exclude pattern matches it and, if there is
// an include list, an include pattern does: exclude wins. No include list
// (or an empty one) includes every path. Negated patterns ("!x") are not
// supported; exclude is the way to leave paths out.
//
// Matching is case-sensitive and by Unicode character; paths may hold
// spaces, non-ASCII characters and newlines. The zero Paths and a nil
// *Paths include every path.
//
// The matcher is go-git's (plumbing/format/gitignore, which matches each
// component with filepath.Match). A pattern is rewritten into the syntax go-git
// reads before it parses it, and a pattern with two or more components
// after a "**" is matched run by run, as go-git's "**" stops at the first
// directory that matches the component after it (see compilePattern).
type Paths struct {
	// Include and Exclude are the patterns as written.
	Include, Exclude []string

	include, exclude []pattern
}

// NewPaths compiles include and exclude patterns.
func NewPaths(include, exclude []string) (*Paths, error) {
	ps := &Paths{}
	for _, l := range []struct {
		name string
		src  []string
		dst  *[]pattern
	}{{"include", include, &ps.include}, {"exclude", exclude, &ps.exclude}} {
		if len(l.src) > MaxPatterns {
			return nil, fmt.Errorf("paths.%s: %d patterns; at most %d are allowed", l.name, len(l.src), MaxPatterns)
		}
		for i, s := range l.src {
			p, err := compilePattern(s)
			if err != nil {
				return nil, fmt.Errorf("paths.%s[%d]: invalid pattern %q: %w", l.name, i, s, err)
			}
			*l.dst = append(*l.dst, p)
		}
	}
	ps.Include = append([]string(nil), include...)
	ps.Exclude = append([]string(nil), exclude...)
	return ps, nil
}

// Match reports whether the file at path (slash-separated, relative to the
// repository root) counts. Every component but the last is a directory; a
// path ending in a slash names a directory.
func (ps *Paths) Match(path string) bool {
	if ps == nil || (len(ps.include) == 0 && len(ps.exclude) == 0) {
		return true
	}
	comps, isDir := splitPath(path, make([]string, 0, strings.Count(path, "/")+1))
	for i := range ps.exclude {
		if ps.exclude[i].match(comps, isDir) {
			return false
		}
	}
	if len(ps.include) == 0 {
		return true
	}
	for i := range ps.include {
		if ps.include[i].match(comps, isDir) {
			return true
		}
	}
	return false
}

// splitPath cuts path into its non-empty components.
func splitPath(path string, comps []string) ([]string, bool) {
	isDir := strings.HasSuffix(path, "/")
	for path != "" {
		var c string
		if i := strings.IndexByte(path, '/'); i >= 0 {
			c, path = path[:i], path[i+1:]
		} else {
			c, path = path, ""
		}
		if c != "" {
			comps = append(comps, c)
		}
	}
	return comps, isDir
}

// pattern is one path pattern, compiled by go-git.
type pattern struct {
	git gitignore.Pattern
	// runs, for a pattern go-git's "**" could get wrong: the runs of
	// components between its "**"s (the first one empty when the pattern
	// starts with "**"), each compiled by go-git as an anchored pattern.
	runs    []run
	dirOnly bool
}

type run struct {
	git gitignore.Pattern
	n   int // components
}

// maxWrittenLen bounds a pattern as written for go-git: a POSIX class is
// written out as up to 711 ranges (5375 bytes), which filepath.Match reads
// in full at each try, so that a pattern takes at most milliseconds on a
// long name (three of the largest classes fit).
const maxWrittenLen = 1 << 14

// compilePattern checks one pattern and compiles it with go-git, after
// rewriting what go-git reads otherwise than git's documentation says:
//
//   - brackets: go-git matches a component with filepath.Match, which negates
//     with "^" only, has no POSIX classes and refuses a leading "]" or a
//     "-" that ends no range. "[!" becomes "[^", a class becomes the
//     ranges of the Unicode characters it holds, "]" and "-" are escaped;
//   - "**" inside a component ("a**b") is a plain "*" in git; go-git
//     matches nothing with it, so a run of stars becomes one (and an
//     escaped star is written "[*]");
//   - a trailing "**" ("dir/**", "/**", "dir/**/") is everything inside:
//     go-git's also matches dir itself, and nothing at all after a leading
//     slash; "*" there covers the same paths;
//   - trailing spaces are part of the pattern (go-git drops them, as git
//     does for a line of a .gitignore file): the last one is escaped;
//   - empty components ("a//b") are dropped.
//
// go-git's "**" stops at the first directory matching the component that
// follows it, so "**/foo/bar" misses foo/foo/bar; a pattern with two or
// more components after a "**" is matched run by run (see matchRuns).
func compilePattern(src string) (pattern, error) {
	var p pattern
	switch {
	case src == "":
		return p, errors.New("empty pattern")
	case len(src) > MaxPatternLen:
		return p, fmt.Errorf("longer than %d bytes", MaxPatternLen)
	case src[0] == '!':
		return p, errors.New("negation is not supported; list the path under exclude (write \\! for a name starting with !)")
	}
	s := src
	if strings.HasSuffix(s, "/") && !strings.HasSuffix(s, `\/`) {
		p.dirOnly = true
		s = strings.TrimRight(s, "/")
	}
	anchored := strings.HasPrefix(s, "/")
	s = strings.TrimLeft(s, "/")
	if s == "" {
		return p, errors.New("matches no path")
	}
	anchored = anchored || strings.Contains(s, "/")
	var segs []string
	for _, part := range strings.Split(s, "/") {
		switch {
		case part == "":
		case part == "**" && anchored:
			if len(segs) == 0 || segs[len(segs)-1] != "**" {
				segs = append(segs, part)
			}
		default:
			seg, err := rewriteSegment(part)
			if err != nil {
				return p, err
			}
			segs = append(segs, seg)
		}
	}
	if n := len(strings.Join(segs, "/")); n > maxWrittenLen {
		return p, fmt.Errorf("too long once its POSIX classes are written out (%d bytes; at most %d)", n, maxWrittenLen)
	}
	if n := len(segs); segs[n-1] == "**" {
		segs[n-1] = "*"
	}
	p.git = parse(segs, anchored, p.dirOnly)

	// Runs between "**"s; needed when one after a "**" has two or more
	// components.
	var runs [][]string
	start, long := 0, false
	for i := 0; i <= len(segs); i++ {
		if i == len(segs) || segs[i] == "**" {
			runs = append(runs, segs[start:i])
			long = long || len(runs) > 1 && i-start > 1
			start = i + 1
		}
	}
	if long {
		for _, r := range runs {
			p.runs = append(p.runs, run{git: parse(r, true, false), n: len(r)})
		}
	}
	return p, nil
}

// parse writes segs (in go-git's syntax) as one pattern for go-git.
func parse(segs []string, anchored, dirOnly bool) gitignore.Pattern {
	s := strings.Join(segs, "/")
	if anchored {
		s = "/" + s
	}
	if strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1] + `\ `
	}
	if dirOnly {
		s += "/"
	}
	return gitignore.ParsePattern(s, nil)
}

// rewriteSegment checks one component of a pattern and writes it in the
// syntax of filepath.Match.
//
// filepath.Match tries the text after a star from each byte, not each
// character, so "?" or a class just after a star could match the second
// half of a character ("*??" would match "日", three bytes). Such a "?"
// goes before the star ("*?" is "?*"), and such a class matches no
// U+FFFD, the character a broken one reads as.
func rewriteSegment(s string) (string, error) {
	var out []byte
	afterStar := false // out ends with a star (a wildcard)
	for i := 0; i < len(s); {
		star := false
		switch s[i] {
		case '\\':
			if i+1 == len(s) {
				return "", errors.New(`ends with a lone \`)
			}
			_, w := utf8.DecodeRuneInString(s[i+1:])
			if s[i+1] == '*' {
				out = append(out, "[*]"...)
			} else {
				out = append(out, s[i:i+1+w]...)
			}
			i += 1 + w
		case '*':
			if !afterStar {
				out = append(out, '*')
			}
			star = true
			i++
		case '?':
			if afterStar {
				out = append(out[:len(out)-1], '?', '*')
				star = true
			} else {
				out = append(out, '?')
			}
			i++
		case '[':
			class, end, err := rewriteClass(s, i, afterStar)
			if err != nil {
				return "", err
			}
			out = append(out, class...)
			i = end
		default:
			out = append(out, s[i])
			i++
		}
		afterStar = star
	}
	if _, err := filepath.Match(string(out), ""); err != nil {
		return "", fmt.Errorf("cannot be matched (%v)", err) // not expected
	}
	return string(out), nil
}

// rewriteClass reads the bracket expression at s[i] == '[' and returns it
// in the syntax of filepath.Match, and the index just past it. With noFFFD
// the class does not match U+FFFD.
func rewriteClass(s string, i int, noFFFD bool) (string, int, error) {
	b := classWriter{noFFFD: noFFFD}
	b.WriteByte('[')
	j := i + 1
	negate := j < len(s) && (s[j] == '!' || s[j] == '^')
	if negate {
		b.WriteByte('^')
		j++
		if noFFFD {
			b.noFFFD = false
			b.writeRange(utf8.RuneError, utf8.RuneError)
		}
	}
	for first := true; j < len(s); first = false {
		if s[j] == ']' && !first {
			if b.ranges == 0 {
				// Nothing left (only U+FFFD was): a range that is empty.
				b.WriteString("\U0010FFFF-\x00")
			}
			b.WriteByte(']')
			return b.String(), j + 1, nil
		}
		if strings.HasPrefix(s[j:], "[:") {
			if k := strings.Index(s[j+2:], ":]"); k >= 0 {
				name := s[j+2 : j+2+k]
				ranges, ok := posixClass(name)
				if !ok {
					return "", 0, fmt.Errorf("unknown character class [:%s:]", name)
				}
				for _, r := range ranges {
					b.writeRange(r[0], r[1])
				}
				j += 2 + k + 2
				continue
			}
		}
		lo, w := classChar(s, j)
		j += w
		hi := lo
		if j+1 < len(s) && s[j] == '-' && s[j+1] != ']' {
			hi, w = classChar(s, j+1)
			j += 1 + w
		}
		b.writeRange(lo, hi)
	}
	return "", 0, fmt.Errorf("unterminated [ at byte %d", i)
}

// classWriter writes the ranges of a class for filepath.Match.
type classWriter struct {
	strings.Builder
	noFFFD bool // leave U+FFFD out
	ranges int
}

func (b *classWriter) writeRange(lo, hi rune) {
	if b.noFFFD && lo <= utf8.RuneError && utf8.RuneError <= hi {
		if lo < utf8.RuneError {
			b.writeRange(lo, utf8.RuneError-1)
		}
		if hi > utf8.RuneError {
			b.writeRange(utf8.RuneError+1, hi)
		}
		return
	}
	b.ranges++
	b.writeRune(lo)
	if hi != lo {
		b.WriteByte('-')
		b.writeRune(hi)
	}
}

func (b *classWriter) writeRune(r rune) {
	if strings.ContainsRune(`\-]^[*`, r) {
		b.WriteByte('\\')
	}
	b.WriteRune(r)
}

// classChar reads one (possibly escaped) character of a bracket
// expression.
func classChar(s string, j int) (rune, int) {
	if s[j] == '\\' && j+1 < len(s) {
		r, w := utf8.DecodeRuneInString(s[j+1:])
		return r, 1 + w
	}
	return utf8.DecodeRuneInString(s[j:])
}

var posixClasses = map[string]func(rune) bool{
	"alnum":  func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) },
	"alpha":  unicode.IsLetter,
	"blank":  func(r rune) bool { return r == ' ' || r == '\t' },
	"cntrl":  unicode.IsControl,
	"digit":  unicode.IsDigit,
	"graph":  func(r rune) bool { return unicode.IsGraphic(r) && !unicode.IsSpace(r) },
	"lower":  unicode.IsLower,
	"print":  unicode.IsPrint,
	"punct":  unicode.IsPunct,
	"space":  unicode.IsSpace,
	"upper":  unicode.IsUpper,
	"xdigit": func(r rune) bool { return strings.ContainsRune("0123456789abcdefABCDEF", r) },
}

var (
	posixMu     sync.Mutex
	posixRanges = map[string][][2]rune{}
)

// posixClass returns the ranges of the characters in the POSIX class
// name ("0-9" and the other scripts' digits for digit), worked out on
// first use.
func posixClass(name string) ([][2]rune, bool) {
	in, ok := posixClasses[name]
	if !ok {
		return nil, false
	}
	posixMu.Lock()
	defer posixMu.Unlock()
	if rs, ok := posixRanges[name]; ok {
		return rs, true
	}
	var rs [][2]rune
	for lo := rune(0); lo <= unicode.MaxRune; lo++ {
		if !in(lo) {
			continue
		}
		hi := lo
		for hi < unicode.MaxRune && in(hi+1) {
			hi++
		}
		rs = append(rs, [2]rune{lo, hi})
		lo = hi
	}
	posixRanges[name] = rs
	return rs, true
}

// match reports whether the pattern matches the path with components
// comps, or one of its directories.
func (p *pattern) match(comps []string, isDir bool) bool {
	if p.runs == nil {
		return p.git.Match(comps, isDir) == gitignore.Exclude
	}
	return p.matchRuns(comps, isDir)
}

// matchRuns matches a pattern run by run: the first run at the start of
// the path, each next one where it first matches after the one before
// (the earliest place leaves the most for the runs after it). What
// follows the last run is below a directory the pattern matches.
func (p *pattern) matchRuns(comps []string, isDir bool) bool {
	pos := 0
	for i, r := range p.runs {
		q := pos
		for ; q+r.n <= len(comps); q++ {
			if r.n == 0 || r.git.Match(comps[q:q+r.n], true) == gitignore.Exclude {
				break
			}
			if i == 0 {
				return false
			}
		}
		if q+r.n > len(comps) {
			return false
		}
		pos = q + r.n
	}
	return pos < len(comps) || isDir || !p.dirOnly
}
