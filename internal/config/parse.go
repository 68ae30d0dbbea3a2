package config

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"gopkg.in/yaml.v3"
)

// parser walks the YAML node tree of one file, keeping line numbers for
// every message.
type parser struct{ file string }

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) *Error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: p.file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// yamlLine picks the line out of the YAML library's messages,
// "yaml: line 3: mapping values are not allowed in this context".
var yamlLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
})

func (p *parser) yamlError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if l := problemLine(data, err.Error()); l > 0 {
		line = l
	}
	return &Error{File: p.file, Line: line, Reason: "invalid YAML: " + msg, Err: err}
}

// problemLine finds the line of a YAML syntax error. The YAML library
// reports the line where the enclosing block starts, or none at all on
// the first line; the line that holds the problem is the shortest prefix
// of the file (in whole lines) that fails with the same message. The
// parser reads sequentially, so every longer prefix fails the same way:
// a binary search finds it in a few parses.
func problemLine(data []byte, msg string) int {
	var ends []int // ends[i] is the offset just past line i+1
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	fails := func(k int) bool { // the first k+1 lines fail with msg
		_, err := decode(data[:ends[k]])
		return err != nil && err.Error() == msg
	}
	lo, hi := 0, len(ends)-1
	if !fails(hi) {
		return 0
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo + 1
}

// deref follows an alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "a boolean (" + v + ")"
		case "!!int", "!!float":
			return "a number (" + v + ")"
		case "!!str":
			return "text " + strconv.Quote(v)
		}
		return n.ShortTag() + " " + strconv.Quote(v)
	}
	return "an unexpected YAML node"
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func list(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// mapping calls fn for every key of the mapping n, in file order, after
// checking that the key is one of known and appears once.
func (p *parser) mapping(n *yaml.Node, field string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, field, "a key must be a name, got %s", describe(k))
		}
		key := k.Value
		if !contains(known, key) {
			what := "unknown setting"
			if field != "" {
				what = "unknown key"
			}
			return p.errorf(k, field, "%s %q (want %s)", what, key, list(known))
		}
		if first, ok := seen[key]; ok {
			return p.errorf(k, join(field, key), "given twice (first at line %d)", first)
		}
		seen[key] = k.Line
		if err := fn(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

func (p *parser) config(doc *yaml.Node, cfg *Config) error {
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	root = deref(root)
	if isNull(root) {
		return nil
	}
	known := []string{"rules", "paths", "moves", "inference", "unknown"}
	if root.Kind != yaml.MappingNode {
		return p.errorf(root, "", "want a mapping of settings (%s), got %s", strings.Join(known, ", "), describe(root))
	}
	return p.mapping(root, "", known, func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "rules":
			cfg.Rules, err = p.rules(v)
		case "paths":
			cfg.Paths, err = p.paths(v)
		case "moves":
			cfg.Moves, cfg.MovesWithin, cfg.MovesAcross, err = p.moves(v)
		case "inference":
			cfg.Inference, err = p.boolean(v, key)
		case "unknown":
			cfg.Unknown, err = p.unknown(v)
		}
		return err
	})
}

func (p *parser) rules(n *yaml.Node) ([]Rule, error) {
	n = deref(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "rules", "want a list of rules, got %s", describe(n))
	}
	if len(n.Content) > MaxRules {
		return nil, p.errorf(n, "rules", "%d rules; at most %d are allowed", len(n.Content), MaxRules)
	}
	rules := make([]Rule, 0, len(n.Content))
	for i, item := range n.Content {
		r, err := p.rule(item, fmt.Sprintf("rules[%d]", i))
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func (p *parser) rule(n *yaml.Node, field string) (Rule, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return Rule{}, p.errorf(n, field, "want a rule (a mapping with agent and author, committer or message), got %s", describe(n))
	}
	r := Rule{Source: fmt.Sprintf("%s:%d", p.file, n.Line)}
	known := []string{"agent", "model", "author", "committer", "message"}
	err := p.mapping(n, field, known, func(key string, _, v *yaml.Node) error {
		var err error
		f := join(field, key)
		switch key {
		case "agent":
			r.Agent, err = p.name(v, f, true)
		case "model":
			r.Model, err = p.name(v, f, false)
		case "author":
			r.Author, err = p.regexp(v, f, "commit")
		case "committer":
			r.Committer, err = p.regexp(v, f, "commit")
		case "message":
			r.Message, err = p.regexp(v, f, "commit")
		}
		return err
	})
	if err != nil {
		return Rule{}, err
	}
	if r.Agent == "" {
		return Rule{}, p.errorf(n, field, "no agent; a rule names the agent it is evidence of (e.g. agent: aider)")
	}
	if r.Author == nil && r.Committer == nil && r.Message == nil {
		return Rule{}, p.errorf(n, field, "no pattern; give at least one of author, committer, message")
	}
	return r, nil
}

// str reads a text scalar. Unquoted numbers and booleans are refused
// rather than silently turned into text.
func (p *parser) str(n *yaml.Node, field string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		hint := ""
		if n.Kind == yaml.ScalarNode && !isNull(n) {
			hint = fmt.Sprintf(" (quote it: '%s')", n.Value)
		}
		return "", p.errorf(n, field, "want text, got %s%s", describe(n), hint)
	}
	return n.Value, nil
}

// name reads an agent or model name: printable, no spaces in an agent.
func (p *parser) name(n *yaml.Node, field string, agent bool) (string, error) {
	s, err := p.str(n, field)
	if err != nil {
		return "", err
	}
	n = deref(n)
	switch {
	case s == "":
		return "", p.errorf(n, field, "empty")
	case len(s) > maxNameLen:
		return "", p.errorf(n, field, "longer than %d bytes", maxNameLen)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || (agent && unicode.IsSpace(r)) {
			what := "a control character"
			if unicode.IsSpace(r) {
				what = "a space"
			}
			return "", p.errorf(n, field, "%q contains %s", s, what)
		}
	}
	return s, nil
}

func (p *parser) regexp(n *yaml.Node, field, what string) (*regexp.Regexp, error) {
	s, err := p.str(n, field)
	if err != nil {
		return nil, err
	}
	n = deref(n)
	if s == "" {
		return nil, p.errorf(n, field, "empty pattern; it would match every %s", what)
	}
	if len(s) > MaxPatternLen {
		return nil, p.errorf(n, field, "pattern is longer than %d bytes", MaxPatternLen)
	}
	re, err := regexp.Compile(s)
	if err != nil {
		reason := err.Error()
		var se *syntax.Error
		if errors.As(err, &se) {
			reason = se.Code.String()
			if se.Expr != "" && se.Expr != s {
				reason += " in " + strconv.Quote(se.Expr)
			}
		}
		e := p.errorf(n, field, "invalid regexp %q: %s", s, reason)
		e.Err = err
		return nil, e
	}
	return re, nil
}

// unknown reads "unknown: human" or "unknown: {as: human, since: <date
// or rev>}".
func (p *parser) unknown(n *yaml.Node) (Unknown, error) {
	n = deref(n)
	as := func(v *yaml.Node, field string) (string, error) {
		s, err := p.str(v, field)
		if err != nil {
			return "", err
		}
		if s != "human" && s != "unknown" {
			return "", p.errorf(deref(v), field, "want human or unknown, got %q", s)
		}
		return s, nil
	}
	if n.Kind == yaml.ScalarNode {
		s, err := as(n, "unknown")
		return Unknown{As: s}, err
	}
	if n.Kind != yaml.MappingNode {
		return Unknown{}, p.errorf(n, "unknown", "want human, or a mapping with as and since, got %s", describe(n))
	}
	var u Unknown
	err := p.mapping(n, "unknown", []string{"as", "since"}, func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "as":
			u.As, err = as(v, "unknown.as")
		case "since":
			v = deref(v)
			// An unquoted date is a YAML timestamp: take its text.
			if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!timestamp" {
				u.Since = v.Value
				return nil
			}
			u.Since, err = p.name(v, "unknown.since", true)
		}
		return err
	})
	if err == nil && u.As == "" {
		err = p.errorf(n, "unknown", "no as; say what lines with no evidence count as (as: human)")
	}
	return u, err
}

func (p *parser) boolean(n *yaml.Node, field string) (bool, error) {
	n = deref(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		return false, p.errorf(n, field, "want true or false, got %s", describe(n))
	}
	return b, nil
}

// moves reads moves: true, false, or {within: N, across: N} (either may
// be left out: git's default).
func (p *parser) moves(n *yaml.Node) (on bool, within, across int, err error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		on, err = p.boolean(n, "moves")
		if err != nil {
			err = p.errorf(n, "moves", "want true, false or {within: <n>, across: <n>}, got %s", describe(n))
		}
		return on, 0, 0, err
	}
	err = p.mapping(n, "moves", []string{"within", "across"}, func(key string, _, v *yaml.Node) error {
		v = deref(v)
		var x int
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&x) != nil || x < 1 || x > MaxMoveScore {
			return p.errorf(v, "moves."+key, "want a whole number from 1 to %d (alphanumeric characters, as git blame -M<n>/-C<n>), got %s", MaxMoveScore, describe(v))
		}
		if key == "within" {
			within = x
		} else {
			across = x
		}
		return nil
	})
	return err == nil, within, across, err
}

func (p *parser) paths(n *yaml.Node) (*Paths, error) {
	n = deref(n)
	ps := &Paths{}
	if isNull(n) {
		return ps, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "paths", "want a mapping with include and exclude lists, got %s", describe(n))
	}
	err := p.mapping(n, "paths", []string{"include", "exclude"}, func(key string, _, v *yaml.Node) error {
		src, pats, err := p.patterns(v, "paths."+key)
		if key == "include" {
			ps.Include, ps.include = src, pats
		} else {
			ps.Exclude, ps.exclude = src, pats
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

func (p *parser) patterns(n *yaml.Node, field string) ([]string, []pattern, error) {
	n = deref(n)
	if isNull(n) {
		return nil, nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = fmt.Sprintf(" (write a list: [%q])", n.Value)
		}
		return nil, nil, p.errorf(n, field, "want a list of patterns, got %s%s", describe(n), hint)
	}
	if len(n.Content) > MaxPatterns {
		return nil, nil, p.errorf(n, field, "%d patterns; at most %d are allowed", len(n.Content), MaxPatterns)
	}
	var srcs []string
	var pats []pattern
	for i, item := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		s, err := p.str(item, f)
		if err != nil {
			return nil, nil, err
		}
		pat, err := compilePattern(s)
		if err != nil {
			e := p.errorf(deref(item), f, "invalid pattern %q: %v", s, err)
			e.Err = err
			return nil, nil, e
		}
		srcs = append(srcs, s)
		pats = append(pats, pat)
	}
	return srcs, pats, nil
}
