package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
	var buf [32]string
	comps, isDir := splitPath(path, buf[:0])
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

// pattern is one compiled path pattern.
type pattern struct {
	anchored bool      // matched against the path from the root
	dirOnly  bool      // matches directories only
	all      bool      // matches every path ("/**")
	segs     []segment // one per component; one for an unanchored pattern
}

type segKind uint8

const (
	segLiteral    segKind = iota // text without wildcards, compared as is
	segGlob                      // text with *, ?, [...] or escapes
	segDoubleStar                // "**": any number of components
)

type segment struct {
	kind segKind
	text string
}

// compilePattern parses one gitignore-style pattern.
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
	if strings.HasPrefix(s, "/") {
		p.anchored = true
		s = strings.TrimLeft(s, "/")
	}
	if s == "" {
		return p, errors.New("matches no path")
	}
	if strings.Contains(s, "/") {
		p.anchored = true
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" {
			continue
		}
		seg, err := compileSegment(part, p.anchored)
		if err != nil {
			return p, err
		}
		p.segs = append(p.segs, seg)
	}
	// "x/**" is everything inside x: the directory x, which covers all
	// below it; "/**" alone is every path. "x/**/" is every directory
	// inside x: "x/*/" covers the same paths.
	if n := len(p.segs); p.anchored && p.segs[n-1].kind == segDoubleStar {
		if p.dirOnly {
			p.segs[n-1] = segment{kind: segGlob, text: "*"}
		} else {
			for n > 0 && p.segs[n-1].kind == segDoubleStar {
				n--
			}
			p.segs = p.segs[:n]
			p.all = n == 0
			p.dirOnly = true
		}
	}
	return p, nil
}

func compileSegment(s string, anchored bool) (segment, error) {
	if s == "**" && anchored {
		return segment{kind: segDoubleStar}, nil
	}
	if !strings.ContainsAny(s, `*?[\`) {
		return segment{kind: segLiteral, text: s}, nil
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) {
				return segment{}, errors.New(`ends with a lone \`)
			}
			i++
		case '[':
			end, err := classEnd(s, i)
			if err != nil {
				return segment{}, err
			}
			i = end - 1
		}
	}
	// Without wildcards, only escapes: compare the unquoted text.
	if !strings.ContainsAny(s, `*?[`) {
		return segment{kind: segLiteral, text: unquote(s)}, nil
	}
	return segment{kind: segGlob, text: s}, nil
}

func unquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// match reports whether the pattern matches the path with components
// comps, or one of its directories.
func (p *pattern) match(comps []string, isDir bool) bool {
	n := len(comps)
	if n == 0 {
		return false
	}
	if p.all {
		return true
	}
	// The last component is a directory only when the path says so.
	last := n
	if p.dirOnly && !isDir {
		last = n - 1
	}
	if !p.anchored {
		seg := &p.segs[0]
		for i := 0; i < last; i++ {
			if seg.matchComp(comps[i]) {
				return true
			}
		}
		return false
	}
	// Literal-only anchored patterns: compare the leading components.
	// Otherwise dynamic programming over (segments, components):
	// row[i] is whether the segments so far match comps[:i].
	var buf [2 * 33]bool
	var prev, cur []bool
	if 2*(n+1) <= len(buf) {
		prev, cur = buf[:n+1], buf[n+1:2*(n+1)]
	} else {
		prev, cur = make([]bool, n+1), make([]bool, n+1)
	}
	prev[0] = true
	for s := range p.segs {
		seg := &p.segs[s]
		cur[0] = seg.kind == segDoubleStar && prev[0]
		some := cur[0]
		for i := 1; i <= n; i++ {
			if seg.kind == segDoubleStar {
				cur[i] = prev[i] || cur[i-1]
			} else {
				cur[i] = prev[i-1] && seg.matchComp(comps[i-1])
			}
			some = some || cur[i]
		}
		if !some {
			return false
		}
		prev, cur = cur, prev
	}
	for i := 1; i <= last; i++ {
		if prev[i] {
			return true
		}
	}
	return false
}

func (s *segment) matchComp(name string) bool {
	switch s.kind {
	case segLiteral:
		return s.text == name
	case segGlob:
		return glob(s.text, name)
	}
	return true
}

// glob matches one path component against a pattern with *, ?, [...] and
// backslash escapes, in time linear in len(pat)*len(name) at worst.
func glob(pat, name string) bool {
	px, nx := 0, 0
	// Where to resume after a mismatch: just after the last star, with
	// the star eating one more character.
	starPx, starNx := -1, 0
	for px < len(pat) || nx < len(name) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				for px < len(pat) && pat[px] == '*' {
					px++
				}
				if px == len(pat) {
					return true // a trailing star eats the rest
				}
				starPx, starNx = px, nx
				continue
			case '?':
				if nx < len(name) {
					_, w := utf8.DecodeRuneInString(name[nx:])
					px++
					nx += w
					continue
				}
			case '[':
				if nx < len(name) {
					r, w := utf8.DecodeRuneInString(name[nx:])
					ok, end := matchClass(pat, px, r)
					if ok {
						px = end
						nx += w
						continue
					}
				}
			case '\\':
				if px+1 < len(pat) && nx < len(name) && name[nx] == pat[px+1] {
					px += 2
					nx++
					continue
				}
			default:
				if nx < len(name) && name[nx] == c {
					px++
					nx++
					continue
				}
			}
		}
		if starPx >= 0 && starNx < len(name) {
			_, w := utf8.DecodeRuneInString(name[starNx:])
			starNx += w
			px, nx = starPx, starNx
			continue
		}
		return false
	}
	return true
}

// classEnd returns the index just past the bracket expression that starts
// at pat[i] == '['.
func classEnd(pat string, i int) (int, error) {
	j := i + 1
	if j < len(pat) && (pat[j] == '!' || pat[j] == '^') {
		j++
	}
	first := true
	for j < len(pat) {
		switch {
		case pat[j] == ']' && !first:
			return j + 1, nil
		case pat[j] == '\\':
			j += 2
		case strings.HasPrefix(pat[j:], "[:"):
			k := strings.Index(pat[j+2:], ":]")
			if k < 0 {
				j++
				break
			}
			name := pat[j+2 : j+2+k]
			if _, ok := posixClasses[name]; !ok {
				return 0, fmt.Errorf("unknown character class [:%s:]", name)
			}
			j += 2 + k + 2
		default:
			j++
		}
		first = false
	}
	return 0, fmt.Errorf("unterminated [ at byte %d", i)
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

// matchClass matches r against the bracket expression at pat[i] == '['
// (validated by classEnd) and returns the index just past it.
func matchClass(pat string, i int, r rune) (bool, int) {
	j := i + 1
	negate := false
	if j < len(pat) && (pat[j] == '!' || pat[j] == '^') {
		negate = true
		j++
	}
	matched := false
	first := true
	for j < len(pat) {
		if pat[j] == ']' && !first {
			return matched != negate, j + 1
		}
		first = false
		if strings.HasPrefix(pat[j:], "[:") {
			if k := strings.Index(pat[j+2:], ":]"); k >= 0 {
				if fn, ok := posixClasses[pat[j+2:j+2+k]]; ok && fn(r) {
					matched = true
				}
				j += 2 + k + 2
				continue
			}
		}
		lo, w := classChar(pat, j)
		j += w
		hi := lo
		if j+1 < len(pat) && pat[j] == '-' && pat[j+1] != ']' {
			hi, w = classChar(pat, j+1)
			j += 1 + w
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return false, len(pat) // unterminated: never reached after classEnd
}

// classChar reads one (possibly escaped) character of a bracket
// expression.
func classChar(pat string, j int) (rune, int) {
	if pat[j] == '\\' && j+1 < len(pat) {
		r, w := utf8.DecodeRuneInString(pat[j+1:])
		return r, 1 + w
	}
	return utf8.DecodeRuneInString(pat[j:])
}
