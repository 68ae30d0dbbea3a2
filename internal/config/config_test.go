package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const full = `# every setting
rules:
  - agent: aider
    author: '(?i)\(aider\)'
  - agent: aider
    model: gpt-4o
    message: '(?i)\Aaider:'
  - agent: bot
    author: 'ci-bot'
    committer: '@example\.com>$'
paths:
  include: ["*.go", "cmd/**"]
  exclude:
    - vendor/
    - "*_gen.go"
moves: true
inference: false
`

func TestParseFull(t *testing.T) {
	cfg, err := Parse(".ai-survival.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.File != ".ai-survival.yaml" || !cfg.Moves || cfg.Inference {
		t.Errorf("File, Moves, Inference = %q, %v, %v", cfg.File, cfg.Moves, cfg.Inference)
	}
	type rule struct{ Agent, Model, Author, Committer, Message, Source string }
	str := func(r Rule) rule {
		s := rule{Agent: r.Agent, Model: r.Model, Source: r.Source}
		if r.Author != nil {
			s.Author = r.Author.String()
		}
		if r.Committer != nil {
			s.Committer = r.Committer.String()
		}
		if r.Message != nil {
			s.Message = r.Message.String()
		}
		return s
	}
	var got []rule
	for _, r := range cfg.Rules {
		got = append(got, str(r))
	}
	want := []rule{
		{Agent: "aider", Author: `(?i)\(aider\)`, Source: ".ai-survival.yaml:3"},
		{Agent: "aider", Model: "gpt-4o", Message: `(?i)\Aaider:`, Source: ".ai-survival.yaml:5"},
		{Agent: "bot", Author: "ci-bot", Committer: `@example\.com>$`, Source: ".ai-survival.yaml:8"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(cfg.Paths.Include, []string{"*.go", "cmd/**"}) ||
		!reflect.DeepEqual(cfg.Paths.Exclude, []string{"vendor/", "*_gen.go"}) {
		t.Errorf("paths = %q, %q", cfg.Paths.Include, cfg.Paths.Exclude)
	}
	for path, want := range map[string]bool{
		"main.go": true, "cmd/tool/README": true, "vendor/x/y.go": false,
		"internal/z_gen.go": false, "README.md": false,
	} {
		if got := cfg.Paths.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	for _, in := range []string{
		"", "\n", "# nothing yet\n", "---\n", "~\n", "---\n---\n", "rules:\npaths:\n",
		"rules: []\npaths: {}\n", "paths:\n  include: []\n  exclude:\n",
	} {
		cfg, err := Parse("c.yaml", []byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if len(cfg.Rules) != 0 || cfg.Moves || !cfg.Inference || cfg.Paths == nil || !cfg.Paths.Match("any/thing") {
			t.Errorf("%q: not the defaults: %+v", in, cfg)
		}
	}
	d := Default()
	if d.File != "" || d.Moves || !d.Inference || d.Paths == nil || len(d.Rules) != 0 {
		t.Errorf("Default() = %+v", d)
	}
}

func TestParseUnknown(t *testing.T) {
	for in, want := range map[string]Unknown{
		"unknown: human\n":                                      {As: "human"},
		"unknown: unknown\n":                                    {As: "unknown"},
		"unknown: {as: human, since: 2024-03-01}\n":             {As: "human", Since: "2024-03-01"},
		"unknown:\n  as: human\n  since: v1.0\n":                {As: "human", Since: "v1.0"},
		"unknown: {as: human, since: '2024-03-01T10:00:00Z'}\n": {As: "human", Since: "2024-03-01T10:00:00Z"},
	} {
		cfg, err := Parse("c.yaml", []byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if cfg.Unknown != want {
			t.Errorf("%q: %+v, want %+v", in, cfg.Unknown, want)
		}
	}
}

func TestParseAliases(t *testing.T) {
	in := `rules:
  - &r
    agent: aider
    author: x
  - *r
paths:
  include: &inc ["*.go"]
  exclude: *inc
`
	cfg, err := Parse("c.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 2 || cfg.Rules[1].Agent != "aider" || cfg.Paths.Match("a.go") {
		t.Errorf("aliases not followed: %+v", cfg)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		// YAML syntax, with the line that holds the problem.
		{"a: b: c\n", "c.yaml:1: invalid YAML: mapping values are not allowed in this context"},
		{"moves: true\n\tinference: true\n", "c.yaml:2: invalid YAML: found a tab character that violates indentation"},
		{"rules:\n  - agent: a\n    author: x\n   bad: [\n", "c.yaml:4: invalid YAML: did not find expected '-' indicator"},
		{"rules:\n- agent: x\n  author: y\n- agent: z\n author: q\n", "c.yaml:5: invalid YAML: did not find expected key"},
		{"moves: true\nrules: [\n", "c.yaml:2: invalid YAML: did not find expected node content"},
		{"\x00\n", "c.yaml:1: invalid YAML: control characters are not allowed"},
		{"moves: true\n---\nmoves: false\n", "c.yaml:2: holds more than one YAML document; remove the '---' separator"},

		// Shape and unknown keys.
		{"- rules\n", `c.yaml:1: want a mapping of settings (rules, paths, moves, inference, unknown), got a list`},
		{"hello\n", `c.yaml:1: want a mapping of settings (rules, paths, moves, inference, unknown), got text "hello"`},
		{"moves: true\nrule:\n  - agent: x\n", `c.yaml:2: unknown setting "rule" (want rules, paths, moves, inference or unknown)`},
		{"moves: true\nmoves: false\n", "c.yaml:2: moves: given twice (first at line 1)"},
		{"? [a]\n: b\n", "c.yaml:1: a key must be a name, got a list"},
		{"<<: {moves: true}\n", `c.yaml:1: unknown setting "<<" (want rules, paths, moves, inference or unknown)`},

		// unknown.
		{"unknown: ai\n", `c.yaml:1: unknown: want human or unknown, got "ai"`},
		{"unknown: [human]\n", `c.yaml:1: unknown: want human, or a mapping with as and since, got a list`},
		{"unknown: {since: v1}\n", `c.yaml:1: unknown: no as; say what lines with no evidence count as (as: human)`},
		{"unknown: {as: human, when: v1}\n", `c.yaml:1: unknown: unknown key "when" (want as or since)`},

		// Types.
		{"moves: yes\n", `c.yaml:1: moves: want true, false or {within: <n>, across: <n>}, got text "yes"`},
		{"moves: 1\n", "c.yaml:1: moves: want true, false or {within: <n>, across: <n>}, got a number (1)"},
		{"inference:\n", "c.yaml:1: inference: want true or false, got nothing"},
		{"inference: [true]\n", "c.yaml:1: inference: want true or false, got a list"},
		{"rules: {agent: x}\n", "c.yaml:1: rules: want a list of rules, got a mapping"},
		{"rules:\n  - aider\n", `c.yaml:2: rules[0]: want a rule (a mapping with agent and author, committer or message), got text "aider"`},
		{"paths: ['*.go']\n", "c.yaml:1: paths: want a mapping with include and exclude lists, got a list"},
		{"paths:\n  include: '*.go'\n", `c.yaml:2: paths.include: want a list of patterns, got text "*.go" (write a list: ["*.go"])`},
		{"paths:\n  include:\n    - 7\n", "c.yaml:3: paths.include[0]: want text, got a number (7) (quote it: '7')"},
		{"paths:\n  includes: [a]\n", `c.yaml:2: paths: unknown key "includes" (want include or exclude)`},

		// Rules.
		{"rules:\n  - author: x\n", `c.yaml:2: rules[0]: no agent; a rule names the agent it is evidence of (e.g. agent: aider)`},
		{"rules:\n  - agent: aider\n", "c.yaml:2: rules[0]: no pattern; give at least one of author, committer, message"},
		{"rules:\n  - agent: aider\n    model: gpt-4o\n", "c.yaml:2: rules[0]: no pattern; give at least one of author, committer, message"},
		{"rules:\n  - agent: a\n    author: x\n  - agent: b\n    autor: y\n", `c.yaml:5: rules[1]: unknown key "autor" (want agent, model, author, committer or message)`},
		{"rules:\n  - agent: 12\n    author: x\n", "c.yaml:2: rules[0].agent: want text, got a number (12) (quote it: '12')"},
		{"rules:\n  - agent:\n    author: x\n", "c.yaml:2: rules[0].agent: want text, got nothing"},
		{"rules:\n  - agent: ''\n    author: x\n", "c.yaml:2: rules[0].agent: empty"},
		{"rules:\n  - agent: claude code\n    author: x\n", `c.yaml:2: rules[0].agent: "claude code" contains a space`},
		{"rules:\n  - agent: a\n    model: \"x\\ty\"\n    author: x\n", `c.yaml:3: rules[0].model: "x\ty" contains a space`},
		{"rules:\n  - agent: a\n    model: \"x\\u0007\"\n    author: x\n", `c.yaml:3: rules[0].model: "x\a" contains a control character`},
		{"rules:\n  - agent: a\n    model: 4.5\n    author: x\n", "c.yaml:3: rules[0].model: want text, got a number (4.5) (quote it: '4.5')"},
		{"rules:\n  - agent: a\n    author: ''\n", "c.yaml:3: rules[0].author: empty pattern; it would match every commit"},
		{"rules:\n  - agent: a\n    author: [x]\n", "c.yaml:3: rules[0].author: want text, got a list"},
		{"rules:\n  - agent: a\n    author: x\n    author: y\n", "c.yaml:4: rules[0].author: given twice (first at line 3)"},
		{"rules:\n  - agent: a\n    author: x\n  - agent: b\n    committer: ok\n\n\n    author: '('\n", `c.yaml:8: rules[1].author: invalid regexp "(": missing closing )`},
		{"rules:\n  - agent: a\n    message: 'a(?<n)b'\n", `c.yaml:3: rules[0].message: invalid regexp "a(?<n)b": invalid named capture in "(?<n)b"`},
		{"rules:\n  - agent: a\n    committer: 'x{1001}'\n", `c.yaml:3: rules[0].committer: invalid regexp "x{1001}": invalid repeat count in "{1001}"`},
		{"rules:\n  - agent: a\n    committer: '\\8'\n", `c.yaml:3: rules[0].committer: invalid regexp "\\8": invalid escape sequence`},

		// Path patterns.
		{"paths:\n  exclude:\n    - ok\n    - '[a-'\n", `c.yaml:4: paths.exclude[1]: invalid pattern "[a-": unterminated [ at byte 0`},
		{"paths:\n  include: ['']\n", `c.yaml:2: paths.include[0]: invalid pattern "": empty pattern`},
		{"paths:\n  include: ['/']\n", `c.yaml:2: paths.include[0]: invalid pattern "/": matches no path`},
		{"paths:\n  exclude: ['!keep.go']\n", `c.yaml:2: paths.exclude[0]: invalid pattern "!keep.go": negation is not supported; list the path under exclude (write \! for a name starting with !)`},
		{"paths:\n  exclude: ['a\\']\n", `c.yaml:2: paths.exclude[0]: invalid pattern "a\\": ends with a lone \`},
		{"paths:\n  exclude: ['[[:word:]]']\n", `c.yaml:2: paths.exclude[0]: invalid pattern "[[:word:]]": unknown character class [:word:]`},
	}
	for _, tt := range tests {
		_, err := Parse("c.yaml", []byte(tt.in))
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, err, tt.want)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.File != "c.yaml" {
			t.Errorf("%q: error %T is not a *config.Error naming the file", tt.in, err)
		}
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("rules:\n")
	for i := 0; i <= MaxRules; i++ {
		fmt.Fprintf(&b, "  - {agent: a%d, author: x}\n", i)
	}
	_, err := Parse("c.yaml", []byte(b.String()))
	if want := "c.yaml:2: rules: 1001 rules; at most 1000 are allowed"; err == nil || err.Error() != want {
		t.Errorf("too many rules: %v, want %s", err, want)
	}

	b.Reset()
	b.WriteString("paths:\n  exclude:\n")
	for i := 0; i <= MaxPatterns; i++ {
		fmt.Fprintf(&b, "    - p%d\n", i)
	}
	_, err = Parse("c.yaml", []byte(b.String()))
	if want := "c.yaml:3: paths.exclude: 1001 patterns; at most 1000 are allowed"; err == nil || err.Error() != want {
		t.Errorf("too many patterns: %v, want %s", err, want)
	}

	long := strings.Repeat("a", MaxPatternLen+1)
	_, err = Parse("c.yaml", []byte("rules:\n  - agent: a\n    message: "+long+"\n"))
	if want := "c.yaml:3: rules[0].message: pattern is longer than 4096 bytes"; err == nil || err.Error() != want {
		t.Errorf("long regexp: %v, want %s", err, want)
	}
	_, err = Parse("c.yaml", []byte("paths:\n  include: ["+long+"]\n"))
	if want := `paths.include[0]: invalid pattern "` + long + `": longer than 4096 bytes`; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("long path pattern: %v", err)
	}
	_, err = Parse("c.yaml", []byte("rules:\n  - agent: "+strings.Repeat("a", 129)+"\n    author: x\n"))
	if want := "c.yaml:2: rules[0].agent: longer than 128 bytes"; err == nil || err.Error() != want {
		t.Errorf("long agent: %v, want %s", err, want)
	}

	big := []byte("# " + strings.Repeat("x", MaxFileSize) + "\n")
	_, err = Parse("c.yaml", big)
	if want := "c.yaml: file is larger than 1048576 bytes"; err == nil || err.Error() != want {
		t.Errorf("big file: %v, want %s", err, want)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if want := path + ": file is larger than 1048576 bytes"; err == nil || err.Error() != want {
		t.Errorf("Load big file: %v, want %s", err, want)
	}

	// Deep nesting and alias bombs end in an error, not a hang or a crash.
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	if _, err := Parse("c.yaml", []byte("rules: "+deep+"\n")); err == nil {
		t.Error("deeply nested input accepted")
	}
	bomb := `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
rules: *g
`
	if _, err := Parse("c.yaml", []byte(bomb)); err == nil {
		t.Error("alias bomb accepted")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	cfg, err := LoadRepo(dir)
	if err != nil || cfg.File != "" || !cfg.Inference {
		t.Fatalf("LoadRepo without a file = %+v, %v; want the defaults", cfg, err)
	}

	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("moves: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = LoadRepo(dir)
	if err != nil || cfg.File != path || !cfg.Moves {
		t.Fatalf("LoadRepo = %+v, %v", cfg, err)
	}
	cfg, err = Load(path)
	if err != nil || !cfg.Moves {
		t.Fatalf("Load = %+v, %v", cfg, err)
	}

	if err := os.WriteFile(path, []byte("moves: true\nmovs: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadRepo(dir)
	if want := path + `:2: unknown setting "movs" (want rules, paths, moves, inference or unknown)`; err == nil || err.Error() != want {
		t.Errorf("LoadRepo bad file: %v, want %s", err, want)
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("Load missing file: %v", err)
	}

	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(sub, FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = LoadRepo(sub)
	if want := filepath.Join(sub, FileName) + ": is a directory, not a configuration file"; err == nil || err.Error() != want {
		t.Errorf("LoadRepo on a directory: %v, want %s", err, want)
	}
}

func TestParseMoveThresholds(t *testing.T) {
	for _, tt := range []struct {
		in             string
		on             bool
		within, across int
	}{
		{"moves: true", true, 0, 0},
		{"moves: false", false, 0, 0},
		{"moves: {within: 100, across: 100}", true, 100, 100},
		{"moves:\n  across: 60", true, 0, 60},
	} {
		cfg, err := Parse("c.yaml", []byte(tt.in))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if cfg.Moves != tt.on || cfg.MovesWithin != tt.within || cfg.MovesAcross != tt.across {
			t.Errorf("%q: moves %v, %d, %d; want %v, %d, %d", tt.in, cfg.Moves, cfg.MovesWithin, cfg.MovesAcross, tt.on, tt.within, tt.across)
		}
	}
	for in, want := range map[string]string{
		"moves: {within: 0}": `c.yaml:1: moves.within: want a whole number from 1 to 1048576`,
		"moves: {within: x}": `c.yaml:1: moves.within: want a whole number from 1 to 1048576`,
		"moves: {inside: 3}": `moves: unknown key "inside" (want within or across)`,
		"moves: 100":         `c.yaml:1: moves: want true, false or {within: <n>, across: <n>}, got`,
	} {
		_, err := Parse("c.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %s", in, err, want)
		}
	}
}
