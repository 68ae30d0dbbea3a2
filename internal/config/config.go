// Package config reads .ai-survival.yaml, the optional per-repository
// configuration of git-ai-survival:
//
//	rules:            # extra evidence: an agent and one or more Go regexps
//	  - agent: aider
//	    model: gpt-4o             # optional
//	    author: '(?i)\(aider\)'   # matched against the author's "Name <email>"
//	    committer: '...'          # matched against the committer's "Name <email>"
//	    message: '(?i)\Aaider:'   # matched against the whole commit message
//	paths:            # gitignore-style patterns (see Paths)
//	  include: ["*.go", "cmd/**"]
//	  exclude: ["vendor/", "*_gen.go"]
//	moves: false      # trace moved and copied lines, as --moves does;
//	                  # or {within: 100, across: 100}, as --moves=100
//	inference: true   # classify commits without a note from their metadata
//	unknown: human    # lines with no evidence count as human; or
//	                  # unknown: {as: human, since: 2024-03-01}  (a date or a revision)
//
// Every setting is optional; a missing file means the defaults. The file is
// read strictly: an unknown key, a value of the wrong type, a rule without
// an agent or a pattern, an invalid regexp or path pattern is an error that
// names the file, the line and the setting (an *Error), ready to print as
// is. Hostile input is bounded: files over MaxFileSize, more than MaxRules
// rules or MaxPatterns path patterns, and patterns over MaxPatternLen bytes
// are refused; regexps are RE2, so matching time is linear in the input.
//
// The package does no git calls and no I/O beyond reading the one file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileName is the configuration file looked for at the repository root.
const FileName = ".ai-survival.yaml"

// Limits on what a configuration file may hold.
const (
	MaxFileSize   = 1 << 20 // bytes in the file
	MaxRules      = 1000    // entries under rules
	MaxPatterns   = 1000    // entries in each of paths.include and paths.exclude
	MaxPatternLen = 4096    // bytes in one regexp or path pattern
	maxNameLen    = 128     // bytes in an agent or model name
)

// Config is the parsed configuration.
type Config struct {
	// File is the file the configuration was read from; "" for defaults.
	File string
	// Rules are the user's evidence rules, in file order.
	Rules []Rule
	// Paths selects the files that count; never nil.
	Paths *Paths
	// Moves traces moved and copied lines (as git blame -M -C -C);
	// MovesWithin and MovesAcross are its -M<num> and -C<num> thresholds
	// (0: git's defaults, 20 and 40), from moves: {within: N, across: N}.
	Moves                    bool
	MovesWithin, MovesAcross int
	// Inference classifies commits without a note from their metadata
	// (author, committer, message). On unless the file says false.
	Inference bool
	// Unknown says what lines with no evidence count as.
	Unknown Unknown
}

// Unknown is the unknown setting: As is "human" when lines of commits
// with no note and no evidence count as human ("" or "unknown": they stay
// unknown); Since, a date (2006-01-02 or RFC 3339) or a revision, limits
// that to the commits made before it: the history from before the hooks
// were installed.
type Unknown struct {
	As    string
	Since string
}

// MaxMoveScore bounds the move and copy thresholds (a sanity bound: no
// real block scores that much).
const MaxMoveScore = 1 << 20

// Rule is one user evidence rule: a commit whose metadata matches every
// pattern the rule gives is attributed to Agent (and Model, when given).
// At least one of Author, Committer and Message is set.
type Rule struct {
	Agent string
	Model string // "" when the rule names none
	// Author and Committer match "Name <email>"; Message matches the
	// whole commit message. A nil pattern is not part of the rule.
	Author, Committer, Message *regexp.Regexp
	// Source is where the rule is defined, "file:line", for messages.
	Source string
}

// Default is the configuration used when there is no file.
func Default() *Config {
	return &Config{Paths: &Paths{}, Inference: true}
}

// Error is a problem with a configuration file. Its message reads
// "file:line: setting: reason", e.g.
//
//	.ai-survival.yaml:7: rules[1].author: invalid regexp "(": missing closing )
//
// List indexes count from 0. Line is 0 when no line applies.
type Error struct {
	File   string
	Line   int
	Field  string // the setting, e.g. "rules[1].author"; "" for the file as a whole
	Reason string
	Err    error // the underlying error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads the configuration file at path (as given with --config FILE).
// A missing or unreadable file is an error.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// LoadRepo reads FileName at the top of the working tree top, or returns
// Default() when there is none.
func LoadRepo(top string) (*Config, error) {
	path := filepath.Join(top, FileName)
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// readFile reads at most MaxFileSize bytes of path.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &Error{File: path, Reason: "is a directory, not a configuration file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Reason: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}
	}
	return data, nil
}

// Parse reads a configuration from data; name is the file it came from,
// used in messages.
func Parse(name string, data []byte) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Reason: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}
	}
	p := parser{file: name}
	docs, err := decode(data)
	if err != nil {
		return nil, p.yamlError(data, err)
	}
	// Empty documents (a stray "---") hold nothing and are skipped.
	kept := docs[:0]
	for _, d := range docs {
		if len(d.Content) > 0 && !isNull(d.Content[0]) {
			kept = append(kept, d)
		}
	}
	docs = kept
	if len(docs) > 1 {
		return nil, p.errorf(docs[1], "", "holds more than one YAML document; remove the '---' separator")
	}
	cfg := Default()
	cfg.File = name
	if len(docs) == 0 {
		return cfg, nil
	}
	if err := p.config(docs[0], cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decode parses the YAML documents of data, stopping after two non-empty
// ones (one is all a configuration may hold).
func decode(data []byte) (docs []*yaml.Node, err error) {
	// The YAML parser must not take the process down on input it chokes on.
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for full := 0; full < 2; {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
		if len(doc.Content) > 0 && !isNull(doc.Content[0]) {
			full++
		}
	}
	return docs, nil
}
