package config

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitattributes"
)

// AttributesFile is the name of git's attributes files.
const AttributesFile = ".gitattributes"

// The attributes GitHub's Linguist reads to keep generated and vendored
// files out of a repository's language figures; the report keeps them out
// of its counts the same way.
var generatedAttrs = []string{"linguist-generated", "linguist-vendored"}

// Attributes says which paths the repository's .gitattributes files mark
// linguist-generated or linguist-vendored. The zero value marks nothing.
type Attributes struct {
	// stack holds the lines that name a linguist attribute, directly or
	// through a macro, lowest priority first.
	stack  []gitattributes.MatchAttribute
	macros map[string][]gitattributes.Attribute
}

// ParseAttributes reads the .gitattributes files of one tree: files maps
// the path of each file ("a/b/.gitattributes", ".gitattributes") to its
// content. Lines and patterns are read by go-git's gitattributes package;
// precedence is git's: a file applies to its own directory and below, and
// for each attribute the last matching line wins, deeper files after
// shallower ones. (go-git's own Matcher is not used: it lets a matching
// line of lower priority override one of higher priority when other
// attributes are asked for too.) A line that cannot be read is skipped
// with a warning; macros are defined only in the top-level file, as in git.
func ParseAttributes(files map[string][]byte) (*Attributes, []string) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	// Increasing priority: shallower directories first.
	sort.Slice(paths, func(i, j int) bool {
		di, dj := strings.Count(paths[i], "/"), strings.Count(paths[j], "/")
		if di != dj {
			return di < dj
		}
		return paths[i] < paths[j]
	})
	a := &Attributes{macros: map[string][]gitattributes.Attribute{}}
	var warnings []string
	for _, p := range paths {
		dir := path.Dir(p)
		var domain []string
		if dir != "." {
			domain = strings.Split(dir, "/")
		}
		for i, line := range strings.Split(string(files[p]), "\n") {
			line = strings.TrimSuffix(line, "\r")
			ma, err := parseLine(line, domain)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s line %d: %v; line skipped", p, i+1, err))
				continue
			}
			switch {
			case ma.Name == "":
			case strings.HasSuffix(ma.Name, "/"):
				// A directory pattern gives attributes to no file (git
				// matches it against directories only).
			case ma.Pattern == nil:
				a.macros[ma.Name] = ma.Attributes
			default:
				a.stack = append(a.stack, ma)
			}
		}
	}
	return a, warnings
}

// Generated reports whether path (slash-separated, from the top of the
// repository) is marked linguist-generated or linguist-vendored: the
// attribute set, or set to true; "-linguist-generated" (unset),
// "!linguist-generated" (unspecified) or "=false" leaves the file counted.
func (a *Attributes) Generated(p string) bool {
	if a == nil || len(a.stack) == 0 {
		return false
	}
	parts := strings.Split(p, "/")
	decided := map[string]bool{}
	for i := len(a.stack) - 1; i >= 0 && len(decided) < len(generatedAttrs); i-- {
		ma := a.stack[i]
		if !match(ma.Pattern, parts) {
			continue
		}
		// A line's attributes apply left to right; a macro set on it
		// stands for the attributes it names, at its place.
		var attrs []gitattributes.Attribute
		for _, at := range ma.Attributes {
			if m, ok := a.macros[at.Name()]; ok && at.IsSet() {
				attrs = append(attrs, m...)
			}
			attrs = append(attrs, at)
		}
		line := map[string]gitattributes.Attribute{}
		for _, at := range attrs {
			line[at.Name()] = at
		}
		for _, name := range generatedAttrs {
			at, ok := line[name]
			if !ok || decided[name] {
				continue
			}
			if at.IsSet() || at.IsValueSet() && strings.EqualFold(at.Value(), "true") {
				return true
			}
			decided[name] = true
		}
	}
	return false
}

// Empty reports whether no line of any .gitattributes file applies.
func (a *Attributes) Empty() bool { return a == nil || len(a.stack) == 0 }

// match is p.Match(parts), false where go-git's matcher would panic on an
// odd pattern (it indexes past the end of some).
func match(p gitattributes.Pattern, parts []string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return p.Match(parts)
}

// parseLine is gitattributes.ParseAttributesLine (macros allowed in the
// top-level file only), with an error where it would panic (it does on a
// quoted empty pattern such as `""`).
func parseLine(line string, domain []string) (ma gitattributes.MatchAttribute, err error) {
	defer func() {
		if recover() != nil {
			ma, err = gitattributes.MatchAttribute{}, fmt.Errorf("not a pattern and attributes")
		}
	}()
	return gitattributes.ParseAttributesLine(line, domain, len(domain) == 0)
}
