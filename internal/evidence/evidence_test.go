package evidence

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

const (
	person  = "Ada Lovelace <ada@example.com>"
	trailer = provenance.EvidenceTrailer
	rule    = provenance.EvidenceRule
)

// want is the expected outcome: Evidence "" means no evidence.
type want struct {
	agent, model string
	evidence     provenance.Evidence
}

var cases = []struct {
	name              string
	author, committer string
	message           string
	want              want
}{
	// Co-authored-by trailers.
	{"claude code trailer", person, person, `Add retry to the fetcher

Retries idempotent requests up to three times with backoff.

🤖 Generated with [Claude Code](https://claude.com/claude-code)

Co-Authored-By: Claude <noreply@anthropic.com>
`, want{"claude-code", "", trailer}},
	{"claude trailer with model", person, person, `fix(parser): handle empty input

Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>
`, want{"claude-code", "claude-opus-4.1", trailer}},
	{"claude sonnet 4.5", person, person, "feat: x\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>", want{"claude-code", "claude-sonnet-4.5", trailer}},
	{"claude 3.7 sonnet", person, person, "feat: x\n\nCo-authored-by: Claude 3.7 Sonnet <noreply@anthropic.com>", want{"claude-code", "claude-3.7-sonnet", trailer}},
	{"claude with a note in parentheses", person, person, "feat: x\n\nCo-Authored-By: Claude Opus 4.1 (1M context) <noreply@anthropic.com>", want{"claude-code", "claude-opus-4.1", trailer}},
	{"claude code name is no model", person, person, "feat: x\n\nCo-authored-by: Claude Code <noreply@anthropic.com>", want{"claude-code", "", trailer}},
	{"lower-case key", person, person, "x\n\nco-authored-by: Claude <NOREPLY@anthropic.com>", want{"claude-code", "", trailer}},
	{"upper-case key, space before colon", person, person, "x\n\nCO-AUTHORED-BY : Claude <noreply@anthropic.com>", want{"claude-code", "", trailer}},
	{"codex", person, person, `Refactor config loading

Co-authored-by: Codex <noreply@openai.com>`, want{"codex", "", trailer}},
	{"codex by name", person, person, "x\n\nCo-authored-by: Codex <codex@example.org>", want{"codex", "", trailer}},
	{"copilot review suggestion", person, person, `Apply suggestions from code review

Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>`, want{"copilot", "", trailer}},
	{"github copilot by name", person, person, "x\n\nCo-authored-by: GitHub Copilot <copilot@example.com>", want{"copilot", "", trailer}},
	{"cursor", person, person, `Fix flaky test

Co-authored-by: Cursor <cursoragent@cursor.com>`, want{"cursor", "", trailer}},
	{"cursor agent by name", person, person, "x\n\nCo-authored-by: Cursor Agent <agent@example.com>", want{"cursor", "", trailer}},
	{"devin trailer", person, person, `Update README

Co-authored-by: devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>`, want{"devin", "", trailer}},
	{"gemini", person, person, "feat: search\n\nCo-Authored-By: Gemini <noreply@google.com>", want{"gemini", "", trailer}},
	{"gemini with model", person, person, "feat: search\n\nCo-Authored-By: Gemini 2.5 Pro <noreply@google.com>", want{"gemini", "gemini-2.5-pro", trailer}},
	{"gemini cli", person, person, "feat: search\n\nCo-authored-by: Gemini CLI <gemini-cli@example.com>", want{"gemini", "", trailer}},
	{"gemini code assist", person, person, `[data] fix: dummy input shape (#550)

Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>`, want{"gemini", "", trailer}},
	{"qwen-coder", person, person, `docs: Update CHANGELOG and version to v0.6.0

Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>`, want{"qwen-coder", "", trailer}},
	{"aider trailer with model", person, person, `refactor: Fix TypeScript compilation errors

Co-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>`, want{"aider", "anthropic/claude-sonnet-4-20250514", trailer}},
	{"aider trailer noreply", person, person, "feat: add endpoint\n\nCo-Authored-By: aider (gpt-4o) <noreply@aider.chat>", want{"aider", "gpt-4o", trailer}},
	{"amp", person, person, `AMUX-64: do the thing

Amp-Thread-ID: https://ampcode.com/threads/T-1
Co-authored-by: Amp <amp@ampcode.com>`, want{"amp", "", trailer}},
	{"opencode", person, person, "Add zoxide\n\n🤖 Generated with [opencode](https://opencode.ai)\nCo-Authored-By: opencode <noreply@opencode.ai>", want{"opencode", "", trailer}},
	{"trailer among others", person, person, `Fix the build

Reviewed-by: Grace Hopper <grace@example.com>
Co-authored-by: Claude <noreply@anthropic.com>
Signed-off-by: Ada Lovelace <ada@example.com>
`, want{"claude-code", "", trailer}},
	{"CRLF message", person, person, "Fix\r\n\r\nBody.\r\n\r\nCo-authored-by: Cursor <cursoragent@cursor.com>\r\n", want{"cursor", "", trailer}},
	{"squash merge with an agent's trailer", person, "GitHub <noreply@github.com>", `Add export (#42)

* Add CSV export

* Fix header order

---------

Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>
Co-authored-by: Bob <bob@example.com>`, want{"copilot", "", trailer}},

	// Generated-with lines.
	{"generated with claude code, no trailer", person, person, `Tidy imports

🤖 Generated with [Claude Code](https://claude.ai/code)
`, want{"claude-code", "", trailer}},
	{"generated with, no emoji, no brackets", person, person, "Tidy\n\nGenerated with Claude Code\n", want{"claude-code", "", trailer}},
	{"generated with amp", person, person, "Tidy\n\n🤖 Generated with [Amp](https://ampcode.com)\n", want{"amp", "", trailer}},

	// Authors.
	{"copilot coding agent", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "GitHub <noreply@github.com>",
		"Initial plan", want{"copilot", "", rule}},
	{"jules", "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>", "GitHub <noreply@github.com>",
		"feat: add dark mode", want{"jules", "", rule}},
	{"devin author", "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", person,
		"Add pagination\n\nCo-Authored-By: Ada Lovelace <ada@example.com>", want{"devin", "", rule}},
	{"claude bot author", "claude[bot] <209825114+claude[bot]@users.noreply.github.com>", person, "fix: typo", want{"claude-code", "", rule}},
	{"agent address as author", "Cursor Agent <cursoragent@cursor.com>", person, "Fix lint", want{"cursor", "", rule}},
	{"aider author suffix", "Paul Gauthier (aider) <paul@example.com>", "Paul Gauthier (aider) <paul@example.com>",
		"feat: Add --dry-run flag", want{"aider", "", rule}},
	{"aider author suffix, human committer", "Paul Gauthier (aider) <paul@example.com>", "Paul Gauthier <paul@example.com>",
		"style: Fix linting", want{"aider", "", rule}},
	{"aider subject prefix", person, person, "aider: Added unit tests for the parser", want{"aider", "", rule}},
	{"aider subject prefix, upper case", person, person, "Aider: refactor\n\nbody", want{"aider", "", rule}},

	// Precedence.
	{"trailer beats author rule", "Paul Gauthier (aider) <paul@example.com>", person,
		"x\n\nCo-authored-by: Claude <noreply@anthropic.com>", want{"claude-code", "", trailer}},
	{"aider author and trailer with model", "Paul Gauthier (aider) <paul@example.com>", person,
		"feat: y\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>", want{"aider", "gpt-4o", trailer}},
	{"first trailer wins", person, person,
		"x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\nCo-authored-by: Codex <noreply@openai.com>", want{"cursor", "", trailer}},
	{"trailer naming a model wins", person, person,
		"x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\nCo-authored-by: Claude Opus 4 <noreply@anthropic.com>", want{"claude-code", "claude-opus-4", trailer}},
	{"generated line and trailer with model", person, person,
		"x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Sonnet 4 <noreply@anthropic.com>", want{"claude-code", "claude-sonnet-4", trailer}},
	{"co-authored-by before generated-with", person, person,
		"x\n\n🤖 Generated with [opencode](https://opencode.ai)\n\nCo-authored-by: Cursor <cursoragent@cursor.com>", want{"cursor", "", trailer}},

	// Not evidence.
	{"human commit", person, person, "Fix off-by-one in pagination\n\nThe last page was dropped.", want{}},
	{"claude in prose", "Claude Dupont <claude@example.fr>", person, `Rewrite the retry loop

Claude suggested this in review; I wrote it by hand. Asked Claude
about it too, and Copilot, and Cursor. Generated with care.`, want{}},
	{"a person named Claude co-authors", person, person, "x\n\nCo-authored-by: Claude Dupont <claude.dupont@example.fr>", want{}},
	{"aider on the committer only", "Paul Gauthier <paul@example.com>", "Paul Gauthier (aider) <paul@example.com>",
		"Fix typo in README", want{}},
	{"trailer-looking line in the middle of the body", person, person, `Document the attribution policy

Commits written with an agent end with a line such as
Co-authored-by: Claude <noreply@anthropic.com>
so that the tools can find them.

Signed-off-by: Ada Lovelace <ada@example.com>`, want{}},
	{"trailer in the subject paragraph", person, person, "Fix\nCo-authored-by: Claude <noreply@anthropic.com>", want{}},
	{"single-line trailer", person, person, "Co-authored-by: Claude <noreply@anthropic.com>\n\n", want{}},
	{"indented trailer is a continuation", person, person, "x\n\nSigned-off-by: Ada <ada@example.com>\n    Co-authored-by: Claude <noreply@anthropic.com>", want{}},
	{"quoted trailer", person, person, "x\n\n> Co-authored-by: Claude <noreply@anthropic.com>", want{}},
	{"human co-author", person, person, "x\n\nCo-authored-by: Bob <bob@example.com>", want{}},
	{"different trailer key", person, person, "x\n\nCo-authored-byx: Claude <noreply@anthropic.com>\nAcked-by: Claude <noreply@anthropic.com>", want{}},
	{"generated with mid-line", person, person, "x\n\nThis was not Generated with [Claude Code] at all.", want{}},
	{"generated with another tool", person, person, "x\n\nGenerated with [protoc-gen-go](https://x)", want{}},
	{"generated with amplifier", person, person, "x\n\nGenerated with amp settings from the lab.", want{}},
	{"aider in the middle of the subject", person, person, "Document aider: how we use it", want{}},
	{"a human named Copilot", "Copilot <pilot@example.com>", person, "x", want{}},
	{"a person named Devin", "Devin Smith <devin@example.com>", person, "x\n\nCo-authored-by: Devin Smith <devin@example.com>", want{}},
	{"empty commit", "", "", "", want{}},
}

func TestClassifyBuiltin(t *testing.T) {
	rules := Builtin()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rules.Classify(Commit{Author: tc.author, Committer: tc.committer, Message: tc.message})
			if tc.want.evidence == "" {
				if ok {
					t.Errorf("evidence found: %+v (matches %+v)", got, rules.Matches(Commit{tc.author, tc.committer, tc.message}))
				}
				if got != (provenance.Attribution{}) {
					t.Errorf("attribution without evidence = %+v, want the zero value", got)
				}
				return
			}
			wantA := provenance.Attribution{Origin: provenance.AI, Agent: tc.want.agent, Model: tc.want.model, Evidence: tc.want.evidence}
			if !ok || got != wantA {
				t.Errorf("Classify = %+v, %v; want %+v", got, ok, wantA)
			}
		})
	}
}

func TestMatchesSources(t *testing.T) {
	c := Commit{
		Author:    "Paul Gauthier (aider) <paul@example.com>",
		Committer: person,
		Message:   "aider: y\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n",
	}
	got := Builtin().Matches(c)
	want := []Match{
		{"aider", "gpt-4o", trailer, "Co-authored-by: aider (gpt-4o) <aider@aider.chat>"},
		{"claude-code", "", trailer, "🤖 Generated with [Claude Code](https://claude.com/claude-code)"},
		{"aider", "", rule, "author Paul Gauthier (aider) <paul@example.com>"},
		{"aider", "", rule, "subject"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Matches:\n got %+v\nwant %+v", got, want)
	}
}

func userRules(t *testing.T, yaml string) *Rules {
	t.Helper()
	cfg, err := config.Parse(".ai-survival.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Builtin().WithConfig(cfg.Rules)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestClassifyUserRules(t *testing.T) {
	rules := userRules(t, `rules:
  - agent: windsurf
    message: '(?m)^Windsurf-Session:'
  - agent: ci-bot
    model: gpt-4o-mini
    author: '^Release Bot <'
    committer: '@example\.com>$'
  - agent: aider
    model: gpt-4.1
    author: '(?i)\(aider\)'
  - agent: claude-code
    model: claude-sonnet-4
    message: '(?i)claude'
`)
	tests := []struct {
		name              string
		author, committer string
		message           string
		want              want
	}{
		{"message rule", person, person, "Fix\n\nWindsurf-Session: 42\n", want{"windsurf", "", rule}},
		{"all patterns match", "Release Bot <bot@example.com>", "CI <ci@example.com>", "Release 1.2", want{"ci-bot", "gpt-4o-mini", rule}},
		{"one pattern fails", "Release Bot <bot@example.com>", "CI <ci@example.org>", "Release 1.2", want{}},
		{"user rule naming a model beats built-in rule", "Paul (aider) <p@example.com>", person, "feat: x", want{"aider", "gpt-4.1", rule}},
		{"trailer beats user rule, takes its model", person, person, "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>", want{"claude-code", "claude-sonnet-4", trailer}},
		{"trailer with model keeps it", person, person, "x\n\nCo-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>", want{"claude-code", "claude-opus-4.1", trailer}},
		{"trailer of another agent wins over user rule", person, person, "x\n\nWindsurf-Session: 1\nCo-authored-by: Cursor <cursoragent@cursor.com>", want{"cursor", "", trailer}},
		{"no match", person, person, "Fix a bug", want{}},
	}
	for _, tc := range tests {
		got, ok := rules.Classify(Commit{tc.author, tc.committer, tc.message})
		var wantA provenance.Attribution
		if tc.want.evidence != "" {
			wantA = provenance.Attribution{Origin: provenance.AI, Agent: tc.want.agent, Model: tc.want.model, Evidence: tc.want.evidence}
		}
		if got != wantA || ok != (tc.want.evidence != "") {
			t.Errorf("%s: Classify = %+v, %v; want %+v", tc.name, got, ok, wantA)
		}
	}

	// The built-in rules are unchanged by WithConfig.
	if _, ok := Builtin().Classify(Commit{person, person, "Fix\n\nWindsurf-Session: 42\n"}); ok {
		t.Error("Builtin() sees a user rule")
	}
	// Rules accumulate.
	more, err := rules.WithConfig([]config.Rule{{Agent: "zed", Message: regexp.MustCompile(`^zed:`)}})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := more.Classify(Commit{person, person, "zed: x"}); a.Agent != "zed" {
		t.Errorf("added rule not used: %+v", a)
	}
	if a, _ := more.Classify(Commit{person, person, "x\n\nWindsurf-Session: 1"}); a.Agent != "windsurf" {
		t.Errorf("earlier rule lost: %+v", a)
	}
}

func TestWithConfigErrors(t *testing.T) {
	re := regexp.MustCompile("x")
	tests := []struct {
		rules []config.Rule
		want  string
	}{
		{[]config.Rule{{Author: re}}, "evidence rule rules[0]: no agent"},
		{[]config.Rule{{Agent: "a", Author: re}, {Agent: "b", Source: "c.yaml:9"}},
			"evidence rule c.yaml:9: rules[1]: no pattern; give at least one of author, committer, message"},
	}
	for _, tt := range tests {
		_, err := Builtin().WithConfig(tt.rules)
		if err == nil || err.Error() != tt.want {
			t.Errorf("WithConfig = %v, want %s", err, tt.want)
		}
	}
}

func TestLastParagraph(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"", ""},
		{"subject", ""},
		{"subject\n", ""},
		{"subject\nbody", ""},
		{"\n\nsubject\n\n\n", ""},
		{"subject\n\nbody", "body"},
		{"subject\n\nbody\n", "body"},
		{"subject\n\nbody\n\n  \n", "body"},
		{"subject\n\np1\n\np2a\np2b\n", "p2a\np2b"},
		{"subject\n \t\np2", "p2"},
		{"s\r\n\r\nt: v\r\n", "t: v\r"},
	}
	for _, tt := range tests {
		if got := lastParagraph(tt.msg); got != tt.want {
			t.Errorf("lastParagraph(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

func TestIdentModelLimits(t *testing.T) {
	long := "x\n\nCo-authored-by: aider (" + strings.Repeat("m", 200) + ") <aider@aider.chat>"
	if a, ok := Builtin().Classify(Commit{Message: long}); !ok || a.Agent != "aider" || a.Model != "" {
		t.Errorf("overlong model kept: %+v", a)
	}
	spaced := "x\n\nCo-authored-by: aider (my model) <aider@aider.chat>"
	if a, _ := Builtin().Classify(Commit{Message: spaced}); a.Model != "" {
		t.Errorf("model with a space kept: %+v", a)
	}
	var nilRules *Rules
	if a, ok := nilRules.Classify(Commit{Message: "aider: x"}); !ok || a.Agent != "aider" {
		t.Errorf("nil Rules = %+v, %v; want the built-in rules", a, ok)
	}
	if r, err := nilRules.WithConfig(nil); err != nil || r == nil {
		t.Errorf("nil Rules WithConfig = %v, %v", r, err)
	}
	if name, email := splitIdent("No Email"); name != "No Email" || email != "" {
		t.Errorf("splitIdent = %q, %q", name, email)
	}
}

// history is a mix of commits like a real repository's.
func history() []Commit {
	var cs []Commit
	body := strings.Repeat("Explain the change in some detail, wrapping at 72 columns as usual.\n", 6)
	for i := 0; i < 100; i++ {
		switch i % 5 {
		case 0:
			cs = append(cs, Commit{person, person, fmt.Sprintf("Fix %d\n\n%s\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>\n", i, body)})
		case 1:
			cs = append(cs, Commit{"Paul (aider) <p@example.com>", person, fmt.Sprintf("feat: %d\n\n%s", i, body)})
		default:
			cs = append(cs, Commit{person, person, fmt.Sprintf("Change %d\n\n%s\nSigned-off-by: %s\n", i, body, person)})
		}
	}
	return cs
}

func BenchmarkClassify(b *testing.B) {
	cs := history()
	cfg, err := config.Parse("c.yaml", []byte("rules:\n  - agent: windsurf\n    message: '(?m)^Windsurf-Session:'\n  - agent: bot\n    author: '^Release Bot <'\n"))
	if err != nil {
		b.Fatal(err)
	}
	withUser, err := Builtin().WithConfig(cfg.Rules)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		rules *Rules
	}{{"builtin", Builtin()}, {"user-rules", withUser}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				bc.rules.Classify(cs[i%len(cs)])
			}
		})
	}
}
