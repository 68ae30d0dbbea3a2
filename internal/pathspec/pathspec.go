// Package pathspec reads git pathspecs (gitglossary(7), "pathspec") and
// matches paths against them, as `git log -- <pathspec>` does, without a
// git process: the report's filters decide, for every line, whether the
// path where it ends counts, which includes paths that no longer exist.
//
// Supported: plain items (an exact path or a leading directory, with the
// wildcards *, ? and [...] matching across "/" as fnmatch does), the long
// magic words top, literal, glob (wildmatch: * stays within a directory,
// ** crosses them), icase and exclude, and the short forms ":/" (top) and
// ":!" / ":^" (exclude). Items are relative to the directory they were
// given in (Prefix), unless "top". attr magic is not supported (a clear
// error, not a silent mismatch).
package pathspec

import (
	"fmt"
	"path"
	"strings"
)

// Set is a parsed list of pathspecs; its zero value (and nil) matches
// every path.
type Set struct {
	include, exclude []item
}

type item struct {
	pattern string // relative to the root of the repository
	literal bool
	glob    bool
	icase   bool
	// prefix is the part of pattern before its first wildcard.
	prefix string
}

// Parse reads pathspecs given in the directory prefix ("" at the root,
// else "dir/sub/", as git rev-parse --show-prefix prints it).
func Parse(specs []string, prefix string) (*Set, error) {
	s := &Set{}
	for _, spec := range specs {
		it, exclude, err := parseOne(spec, prefix)
		if err != nil {
			return nil, err
		}
		if exclude {
			s.exclude = append(s.exclude, it)
		} else {
			s.include = append(s.include, it)
		}
	}
	if len(s.include) == 0 && len(s.exclude) > 0 {
		// Only exclusions: what they leave of the current directory.
		it, _, err := parseOne(".", prefix)
		if err != nil {
			return nil, err
		}
		s.include = append(s.include, it)
	}
	return s, nil
}

func parseOne(spec, prefix string) (it item, exclude bool, err error) {
	if spec == "" {
		return it, false, fmt.Errorf("empty pathspec: use . for the current directory")
	}
	rest := spec
	top := false
	if strings.HasPrefix(rest, ":(") {
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return it, false, fmt.Errorf("pathspec %q: missing ')' at the end of its magic", spec)
		}
		for _, word := range strings.Split(rest[2:end], ",") {
			switch strings.TrimSpace(word) {
			case "top":
				top = true
			case "literal":
				it.literal = true
			case "glob":
				it.glob = true
			case "icase":
				it.icase = true
			case "exclude":
				exclude = true
			case "":
			default:
				return it, false, fmt.Errorf("pathspec %q: magic %q is not supported (supported: top, literal, glob, icase, exclude)", spec, word)
			}
		}
		rest = rest[end+1:]
	} else if strings.HasPrefix(rest, ":") {
		rest = rest[1:]
	short:
		for rest != "" {
			switch rest[0] {
			case '/':
				top = true
			case '!', '^':
				exclude = true
			case ':':
				rest = rest[1:]
				break short
			default:
				break short
			}
			rest = rest[1:]
		}
	}
	if it.literal && it.glob {
		return it, false, fmt.Errorf("pathspec %q: literal and glob do not go together", spec)
	}
	if !top {
		rest = prefix + rest
	}
	p, err := clean(rest)
	if err != nil {
		return it, false, fmt.Errorf("pathspec %q: %w", spec, err)
	}
	it.pattern = p
	if it.icase {
		it.pattern = strings.ToLower(it.pattern)
	}
	it.prefix = it.pattern
	if !it.literal {
		if i := strings.IndexAny(it.pattern, `*?[\`); i >= 0 {
			it.prefix = it.pattern[:i]
		}
	}
	return it, exclude, nil
}

// clean resolves "." and ".." and keeps a trailing "/" (a directory only).
func clean(p string) (string, error) {
	dir := strings.HasSuffix(p, "/")
	if p == "" {
		return "", nil
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(c, "/") {
		return "", fmt.Errorf("outside the repository")
	}
	if c == "." {
		return "", nil
	}
	if dir {
		c += "/"
	}
	return c, nil
}

// Empty says whether s matches every path (no pathspec given).
func (s *Set) Empty() bool { return s == nil || len(s.include) == 0 && len(s.exclude) == 0 }

// Match says whether path (relative to the root, "/"-separated) is
// selected: by at least one item and by no exclusion (exclusions alone
// select what they leave of the directory they were given in).
func (s *Set) Match(p string) bool {
	if s.Empty() {
		return true
	}
	for _, it := range s.exclude {
		if it.match(p) {
			return false
		}
	}
	for _, it := range s.include {
		if it.match(p) {
			return true
		}
	}
	return false
}

func (it item) match(p string) bool {
	if it.icase {
		p = strings.ToLower(p)
	}
	pat := it.pattern
	if pat == "" {
		return true // "." or the prefix itself: everything below
	}
	// A leading directory (or the path itself), wildcards or not.
	if strings.HasSuffix(pat, "/") {
		if strings.HasPrefix(p, pat) {
			return true
		}
	} else if p == pat || strings.HasPrefix(p, pat+"/") {
		return true
	}
	if it.literal || it.prefix == pat {
		return false
	}
	if !strings.HasPrefix(p, it.prefix) {
		return false
	}
	if it.glob {
		return wildmatch(pat, p, true) || strings.HasSuffix(pat, "/") && wildmatch(pat+"**", p, true)
	}
	return wildmatch(pat, p, false)
}

// wildmatch matches p against pat: *, ?, [...] and \ escapes. With
// pathname, * and ? do not match "/" and a "**" between slashes (or at
// either end) matches any number of directories.
func wildmatch(pat, p string, pathname bool) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			double := strings.HasPrefix(pat, "**")
			rest := strings.TrimLeft(pat, "*")
			if pathname && double {
				// "**/" may match nothing at all.
				if strings.HasPrefix(rest, "/") && wildmatch(rest[1:], p, true) {
					return true
				}
				for i := 0; i <= len(p); i++ {
					if wildmatch(rest, p[i:], true) {
						return true
					}
				}
				return false
			}
			for i := 0; i <= len(p); i++ {
				if wildmatch(rest, p[i:], pathname) {
					return true
				}
				if i < len(p) && pathname && p[i] == '/' {
					return false
				}
			}
			return false
		case '?':
			if p == "" || pathname && p[0] == '/' {
				return false
			}
			pat, p = pat[1:], p[1:]
		case '[':
			if p == "" || pathname && p[0] == '/' {
				return false
			}
			ok, n := class(pat, p[0])
			if n == 0 { // no closing ']': a literal '['
				if p[0] != '[' {
					return false
				}
				pat, p = pat[1:], p[1:]
				continue
			}
			if !ok {
				return false
			}
			pat, p = pat[n:], p[1:]
		case '\\':
			if len(pat) > 1 {
				pat = pat[1:]
			}
			fallthrough
		default:
			if p == "" || p[0] != pat[0] {
				return false
			}
			pat, p = pat[1:], p[1:]
		}
	}
	return p == ""
}

// class matches c against the bracket expression at the start of pat and
// returns how long the expression is (0: not closed).
func class(pat string, c byte) (bool, int) {
	i := 1
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	matched := false
	first := true
	for i < len(pat) {
		if pat[i] == ']' && !first {
			return matched != negate, i + 1
		}
		first = false
		lo := pat[i]
		if lo == '\\' && i+1 < len(pat) {
			i++
			lo = pat[i]
		}
		hi := lo
		if i+2 < len(pat) && pat[i+1] == '-' && pat[i+2] != ']' {
			hi = pat[i+2]
			i += 2
		}
		if lo <= c && c <= hi {
			matched = true
		}
		i++
	}
	return false, 0
}
