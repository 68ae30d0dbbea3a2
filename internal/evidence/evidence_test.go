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
	branch  = provenance.EvidenceBranch
	web     = "GitHub <noreply@github.com>"
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

	// Assisted-by, in every form seen.
	{"assisted-by claude", person, person, "x\n\nAssisted-by: Claude", want{"claude-code", "", trailer}},
	{"assisted-by claude code", person, person, "x\n\nAssisted-By: Claude Code", want{"claude-code", "", trailer}},
	{"assisted-by lower-case key", person, person, "x\n\nassisted-by: Claude Code\n", want{"claude-code", "", trailer}},
	{"assisted-by upper-case", person, person, "x\n\nASSISTED-BY: CLAUDE CODE", want{"claude-code", "", trailer}},
	{"assisted-by bracketed", person, person, "x\n\nAssisted-By: [Claude Code]", want{"claude-code", "", trailer}},
	{"assisted-by bracketed, spaces, full stop", person, person, "x\n\nAssisted-By: [Claude   Code].", want{"claude-code", "", trailer}},
	{"assisted-by markdown link", person, person, "x\n\nAssisted-by: [Claude Code](https://claude.com/claude-code)", want{"claude-code", "", trailer}},
	{"assisted-by spaces and full stop", person, person, "x\n\nAssisted-By: Claude   Code.", want{"claude-code", "", trailer}},
	{"assisted-by gpt model alone", person, person, "x\n\nAssisted-By: GPT-5.5", want{"chatgpt", "gpt-5.5", trailer}},
	{"assisted-by gpt-4o lower case", person, person, "x\n\nAssisted-by: gpt-4o", want{"chatgpt", "gpt-4o", trailer}},
	{"assisted-by claude model, version first", person, person, "x\n\nAssisted-by: Claude 4.7 Opus", want{"claude-code", "claude-4.7-opus", trailer}},
	{"assisted-by claude with address", person, person, "x\n\nAssisted-By: Claude Opus 4 <noreply@anthropic.com>", want{"claude-code", "claude-opus-4", trailer}},
	{"assisted-by cursor address", person, person, "x\n\nAssisted-By: Cursor <cursoragent@cursor.com>", want{"cursor", "", trailer}},
	{"assisted-by aider with model", person, person, "x\n\nAssisted-By: aider (gpt-4o) <noreply@aider.chat>", want{"aider", "gpt-4o", trailer}},
	{"assisted-by kimi", person, person, "x\n\nAssisted-By: Kimi K2.6", want{"kimi", "kimi-k2.6", trailer}},
	{"assisted-by kimi, note in parentheses", person, person, "x\n\nAssisted-by: Kimi K2.6 (unit tests, integration tests)", want{"kimi", "kimi-k2.6", trailer}},
	{"assisted-by chatgpt, note in parentheses", person, person, "x\n\nAssisted-by: ChatGPT (documentation review)", want{"chatgpt", "", trailer}},
	{"assisted-by gemini, one-word note", person, person, "x\n\nAssisted-by: Gemini (documentation)", want{"gemini", "", trailer}},
	{"assisted-by github copilot", person, person, "x\n\nAssisted-by: GitHub Copilot", want{"copilot", "", trailer}},
	{"assisted-by continue.dev", person, person, "x\n\nAssisted-By: Continue.dev", want{"continue", "", trailer}},
	{"assisted-by windsurf", person, person, "x\n\nAssisted-by: Windsurf", want{"windsurf", "", trailer}},
	{"kernel form", person, person, "drm/i915: fix leak\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Ada Lovelace <ada@example.com>", want{"claude-code", "claude-3-opus", trailer}},
	{"kernel form, bracketed tools", person, person, "x\n\nAssisted-by: Claude Code:claude-opus-4-5 [checkpatch] [sparse]", want{"claude-code", "claude-opus-4-5", trailer}},
	{"kernel form, other agent", person, person, "x\n\nAssisted-by: Codex:gpt-5-codex", want{"codex", "gpt-5-codex", trailer}},
	{"kernel form, unknown agent kept", person, person, "x\n\nAssisted-by: Zed Agent:qwen3-coder-480b", want{"zed-agent", "qwen3-coder-480b", trailer}},
	{"generated-by", person, person, "x\n\nGenerated-by: Claude Code", want{"claude-code", "", trailer}},
	{"generated-by copilot", person, person, "x\n\nGenerated-by: GitHub Copilot\n", want{"copilot", "", trailer}},
	{"ai-assisted yes", person, person, "x\n\nAI-assisted: yes", want{"unspecified", "", trailer}},
	{"ai-assisted names the tool", person, person, "x\n\nAI-Assisted: Cursor", want{"cursor", "", trailer}},
	{"ai-generated names the tool", person, person, "x\n\nAI-Generated: Claude Code", want{"claude-code", "", trailer}},
	{"ai-assisted true", person, person, "x\n\nAI-assisted: true\nSigned-off-by: Ada Lovelace <ada@example.com>", want{"unspecified", "", trailer}},

	// Tool trailers.
	{"entire checkpoint", person, person, "x\n\nEntire-Checkpoint: ab123cdefg12", want{"entire", "", trailer}},
	{"entire metadata", person, person, "x\n\nEntire-Metadata: ab123cdefg12\nEntire-Strategy: manual-commit", want{"entire", "", trailer}},
	{"entire names the agent", person, person, "x\n\nEntire-Session: 2026-01-01-abc\nEntire-Agent: Claude Code", want{"claude-code", "", trailer}},
	{"replit agent", person, person, "x\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 1234a1ab-12ab-1234-abcd-0123456a1234", want{"replit", "", trailer}},
	{"replit assistant", person, person, "x\n\nReplit-Commit-Author: Assistant", want{"replit", "", trailer}},

	// Models in parentheses with spaces.
	{"cursor with a spaced model", person, person, "x\n\nCo-authored-by: Cursor (composer 2.5) <cursoragent@cursor.com>", want{"cursor", "composer-2.5", trailer}},
	{"claude code with a tier and version", person, person, "x\n\nCo-authored-by: Claude Code (Opus 4.1) <noreply@anthropic.com>", want{"claude-code", "claude-opus-4.1", trailer}},
	{"claude code with a full model", person, person, "x\n\nCo-authored-by: Claude Code (Claude Sonnet 4.5) <noreply@anthropic.com>", want{"claude-code", "claude-sonnet-4.5", trailer}},
	{"aider with a spaced model", person, person, "x\n\nCo-authored-by: aider (claude 3.7 sonnet) <aider@aider.chat>", want{"aider", "claude-3.7-sonnet", trailer}},
	{"assisted-by with a spaced model", person, person, "x\n\nAssisted-by: Cursor (composer 2.5)", want{"cursor", "composer-2.5", trailer}},

	// Bot accounts, by numeric id.
	{"anthropic-claude bot", "anthropic-claude[bot] <215619710+anthropic-claude[bot]@users.noreply.github.com>", web, "Fix", want{"claude-code", "", rule}},
	{"claude-code-action bot", "claude-code-action[bot] <208546643+claude-code-action[bot]@users.noreply.github.com>", web, "Fix", want{"claude-code", "", rule}},
	{"copilot bot", "copilot[bot] <167198135+copilot[bot]@users.noreply.github.com>", web, "Fix", want{"copilot", "", rule}},
	{"cursor bot", "cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>", web, "Fix", want{"cursor", "", rule}},
	{"openai-codex bot", "openai-codex[bot] <215057067+openai-codex[bot]@users.noreply.github.com>", web, "Fix", want{"codex", "", rule}},
	{"chatgpt-codex-connector bot", "chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>", web, "Fix", want{"codex", "", rule}},
	{"amazon-q-developer bot", "amazon-q-developer[bot] <208079219+amazon-q-developer[bot]@users.noreply.github.com>", web, "Fix", want{"amazon-q", "", rule}},
	{"cline bot", "cline[bot] <205137888+cline[bot]@users.noreply.github.com>", web, "Fix", want{"cline", "", rule}},
	{"continue bot", "continue[bot] <230936708+continue[bot]@users.noreply.github.com>", web, "Fix", want{"continue", "", rule}},
	{"sourcegraph-cody bot", "sourcegraph-cody[bot] <201248094+sourcegraph-cody[bot]@users.noreply.github.com>", web, "Fix", want{"cody", "", rule}},
	{"jetbrains-ai bot", "jetbrains-ai[bot] <220155983+jetbrains-ai[bot]@users.noreply.github.com>", web, "Fix", want{"jetbrains-ai", "", rule}},
	{"coderabbitai bot", "coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>", web, "📝 Add docstrings", want{"coderabbit", "", rule}},
	{"renamed bot matched by id", "Claude <215619710+claude-agent[bot]@users.noreply.github.com>", web, "Fix", want{"claude-code", "", rule}},
	{"renamed codex bot matched by id", "Codex <215057067+codex-renamed[bot]@users.noreply.github.com>", web, "Fix", want{"codex", "", rule}},
	{"bot by login, old address form", "Some Name <cursor[bot]@users.noreply.github.com>", web, "Fix", want{"cursor", "", rule}},
	{"bot co-author by id", person, person, "x\n\nCo-authored-by: cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>", want{"cursor", "", trailer}},
	{"bot as committer of a person's commit", person, "claude[bot] <209825114+claude[bot]@users.noreply.github.com>", "Fix", want{"claude-code", "", rule}},
	{"codex bot as committer", person, "chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>", "Fix", want{"codex", "", rule}},
	{"agent address as committer", person, "Cursor Agent <cursoragent@cursor.com>", "Fix", want{"cursor", "", rule}},

	// Branch names, the weakest evidence.
	{"branch evidence alone", person, person, "Fix\n\n" + branchTag + "claude/add-retry", want{"claude-code", "", branch}},
	{"trailer beats branch", person, person, "Fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n" + branchTag + "codex/x", want{"cursor", "", trailer}},

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
	{"assisted-by a person", person, person, "x\n\nAssisted-by: Bob Smith <bob@example.com>", want{}},
	{"assisted-by an unknown name", person, person, "x\n\nAssisted-by: Bob Smith", want{}},
	{"ai-assisted no", person, person, "x\n\nAI-assisted: no", want{}},
	{"generated-by a code generator", person, person, "x\n\nGenerated-by: protoc-gen-go v1.36", want{}},
	{"replit other product", person, person, "x\n\nReplit-Commit-Author: SomeOtherReplitProduct", want{}},
	{"replit value with more words", person, person, "x\n\nReplit-Commit-Author: Assistant mentioned", want{}},
	{"assisted-by in the body", person, person, "Add Assisted-by support\n\nWe now read lines like\nAssisted-by: Claude Code\nwhen they are trailers.\n\nSigned-off-by: Ada Lovelace <ada@example.com>", want{}},
	{"entire trailer quoted in prose", person, person, "x\n\nThe Entire-Checkpoint: trailer is read now, see docs.\nMore text here.", want{}},
	{"co-authored-by in a paragraph with too much prose", person, person, "x\n\nSee the notes below for why this matters and more.\nIt is long.\nCo-authored-by: Claude <noreply@anthropic.com>", want{}},
	{"claude person at anthropic", "Claude Dupont <claude@anthropic.com>", person, "x\n\nCo-authored-by: Claude Dupont <claude@anthropic.com>", want{}},
	{"gemini as a first name", person, person, "x\n\nCo-authored-by: Gemini Smith <gemini@example.com>", want{}},
	{"a person named Codex-like", person, person, "x\n\nCo-authored-by: Codexa Lee <c@example.com>", want{}},
	{"github web-flow committer", person, web, "Update README.md", want{}},
	{"github noreply of a person", "Ada <1234567+ada@users.noreply.github.com>", "Ada <1234567+ada@users.noreply.github.com>", "Fix", want{}},
	{"person whose login looks like a bot, no [bot]", "cursor-fan <999+cursor-fan@users.noreply.github.com>", person, "Fix", want{}},
	{"bot name in prose as author name without [bot]", "claude <claude@example.com>", person, "Fix", want{}},
	{"person with a bot-like id but other domain", "X <215619710+anthropic-claude@example.com>", person, "Fix", want{}},
	{"branch-like text in the message", person, person, "Port claude/ handling\n\nThe codex/ prefix is an agent's.", want{}},
	{"unknown branch prefix", person, person, "Fix\n\n" + branchTag + "feature/claude-support", want{}},
	{"branch prefix alone", person, person, "Fix\n\n" + branchTag + "claude/", want{}},
	{"upper-case branch prefix", person, person, "Fix\n\n" + branchTag + "Claude/x", want{}},
	{"claude prose in assisted-by paragraph", person, person, "x\n\nThanks to Claude for the review, Assisted-by: none.", want{}},
}

// branchTag marks, in a case's message, the branch the commit is given
// (see commitOf); it is cut from the message.
const branchTag = "\x00branch="

// commitOf builds the metadata of a table row.
func commitOf(author, committer, message string) provenance.Meta {
	c := provenance.Meta{Author: author, Committer: committer, Message: message}
	if i := strings.Index(message, branchTag); i >= 0 {
		c.Message, c.Branch = strings.TrimRight(message[:i], "\n")+"\n", message[i+len(branchTag):]
	}
	return c
}

func TestClassifyBuiltin(t *testing.T) {
	rules := Builtin()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := commitOf(tc.author, tc.committer, tc.message)
			got, ok := rules.Classify(c)
			if tc.want.evidence == "" {
				if ok {
					t.Errorf("evidence found: %+v (matches %+v)", got, rules.Matches(c))
				}
				if got != (provenance.Attribution{}) {
					t.Errorf("attribution without evidence = %+v, want the zero value", got)
				}
				return
			}
			wantA := provenance.Attribution{Origin: provenance.AI, Agent: tc.want.agent, Model: tc.want.model, Evidence: tc.want.evidence}
			got.Agents = "" // TestClassifyAgents checks the list
			if !ok || got != wantA {
				t.Errorf("Classify = %+v, %v; want %+v", got, ok, wantA)
			}
		})
	}
}

func TestClassifyAgents(t *testing.T) {
	rules := userRules(t, "rules:\n  - agent: windsurf\n    message: '(?m)^Windsurf-Session:'\n")
	tests := []struct {
		name              string
		author, committer string
		message, branch   string
		agent             string
		agents            provenance.Agents
	}{
		{"claude and aider trailers", person, person, "x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>",
			"", "aider", "aider,claude-code"},
		{"same agent twice is one", person, person, "x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
			"", "claude-code", ""},
		{"aider author and claude trailer", "Paul (aider) <p@example.com>", person, "x\n\nCo-authored-by: Claude <noreply@anthropic.com>",
			"", "claude-code", "claude-code,aider"},
		{"user rule, trailer and branch", person, person, "x\n\nWindsurf-Session: 1\nCo-authored-by: Cursor <cursoragent@cursor.com>",
			"codex/fix", "cursor", "cursor,windsurf,codex"},
		{"assisted-by two tools", person, person, "x\n\nAssisted-by: Claude Code\nAssisted-by: GPT-5.5",
			"", "chatgpt", "chatgpt,claude-code"},
		{"one agent", person, person, "x\n\nAssisted-by: Claude Code", "", "claude-code", ""},
	}
	for _, tc := range tests {
		a, ok := rules.Classify(provenance.Meta{Author: tc.author, Committer: tc.committer, Message: tc.message, Branch: tc.branch})
		if !ok || a.Agent != tc.agent || a.Agents != tc.agents {
			t.Errorf("%s: Classify = %+v, %v; want agent %s, agents %q", tc.name, a, ok, tc.agent, tc.agents)
		}
	}
}

func TestMatchesSources(t *testing.T) {
	c := provenance.Meta{
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
		got, ok := rules.Classify(provenance.Meta{Author: tc.author, Committer: tc.committer, Message: tc.message})
		got.Agents = "" // TestClassifyAgents checks the list
		var wantA provenance.Attribution
		if tc.want.evidence != "" {
			wantA = provenance.Attribution{Origin: provenance.AI, Agent: tc.want.agent, Model: tc.want.model, Evidence: tc.want.evidence}
		}
		if got != wantA || ok != (tc.want.evidence != "") {
			t.Errorf("%s: Classify = %+v, %v; want %+v", tc.name, got, ok, wantA)
		}
	}

	// The built-in rules are unchanged by WithConfig.
	if _, ok := Builtin().Classify(provenance.Meta{Author: person, Committer: person, Message: "Fix\n\nWindsurf-Session: 42\n"}); ok {
		t.Error("Builtin() sees a user rule")
	}
	// Rules accumulate.
	more, err := rules.WithConfig([]config.Rule{{Agent: "zed", Message: regexp.MustCompile(`^zed:`)}})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := more.Classify(provenance.Meta{Author: person, Committer: person, Message: "zed: x"}); a.Agent != "zed" {
		t.Errorf("added rule not used: %+v", a)
	}
	if a, _ := more.Classify(provenance.Meta{Author: person, Committer: person, Message: "x\n\nWindsurf-Session: 1"}); a.Agent != "windsurf" {
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

func TestIdentModelLimits(t *testing.T) {
	long := "x\n\nCo-authored-by: aider (" + strings.Repeat("m", 200) + ") <aider@aider.chat>"
	if a, ok := Builtin().Classify(provenance.Meta{Message: long}); !ok || a.Agent != "aider" || a.Model != "" {
		t.Errorf("overlong model kept: %+v", a)
	}
	spaced := "x\n\nCo-authored-by: aider (my model) <aider@aider.chat>"
	if a, _ := Builtin().Classify(provenance.Meta{Message: spaced}); a.Model != "" {
		t.Errorf("model with a space kept: %+v", a)
	}
	var nilRules *Rules
	if a, ok := nilRules.Classify(provenance.Meta{Message: "aider: x"}); !ok || a.Agent != "aider" {
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
func history() []provenance.Meta {
	var cs []provenance.Meta
	body := strings.Repeat("Explain the change in some detail, wrapping at 72 columns as usual.\n", 6)
	for i := 0; i < 100; i++ {
		switch i % 5 {
		case 0:
			cs = append(cs, provenance.Meta{Author: person, Committer: person, Message: fmt.Sprintf("Fix %d\n\n%s\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>\n", i, body)})
		case 1:
			cs = append(cs, provenance.Meta{Author: "Paul (aider) <p@example.com>", Committer: person, Message: fmt.Sprintf("feat: %d\n\n%s", i, body)})
		default:
			cs = append(cs, provenance.Meta{Author: person, Committer: person, Message: fmt.Sprintf("Change %d\n\n%s\nSigned-off-by: %s\n", i, body, person)})
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

// TestHumanAtVendorDomain: a person at an agent vendor's domain is a
// person, as author, committer, co-author or assisting, for every vendor.
func TestHumanAtVendorDomain(t *testing.T) {
	domains := map[string]bool{
		"anthropic.com": true, "openai.com": true, "github.com": true, "cursor.com": true,
		"anysphere.co": true, "cognition.ai": true, "google.com": true, "alibabacloud.com": true,
		"aider.chat": true, "ampcode.com": true, "opencode.ai": true, "amazon.com": true,
		"cline.bot": true, "continue.dev": true, "sourcegraph.com": true, "jetbrains.com": true,
		"coderabbit.ai": true, "replit.com": true, "entire.io": true, "windsurf.com": true,
	}
	for _, id := range identities {
		for _, e := range id.emails {
			_, d, _ := strings.Cut(e, "@")
			domains[d] = true
		}
	}
	rules := Builtin()
	for d := range domains {
		human := "Jamie Doe <jamie.doe@" + d + ">"
		for _, c := range []provenance.Meta{
			{Author: human, Committer: human, Message: "Fix the parser"},
			{Author: person, Committer: human, Message: "Fix the parser"},
			{Author: person, Committer: person, Message: "Fix\n\nCo-authored-by: " + human},
			{Author: person, Committer: person, Message: "Fix\n\nAssisted-by: " + human},
			{Author: person, Committer: person, Message: "Fix\n\nReviewed-by: " + human + "\nSigned-off-by: " + human},
		} {
			if a, ok := rules.Classify(c); ok {
				t.Errorf("%s: %+v taken for an agent: %+v", d, c, a)
			}
		}
	}
	// The same people's agents' service addresses are still agents.
	for _, id := range identities {
		for _, e := range id.emails {
			c := provenance.Meta{Author: "Agent <" + e + ">", Committer: person, Message: "Fix"}
			if a, ok := rules.Classify(c); !ok || a.Agent != id.agent {
				t.Errorf("%s: Classify = %+v, %v; want %s", e, a, ok, id.agent)
			}
		}
		for _, bid := range id.botIDs {
			c := provenance.Meta{Author: "Renamed <" + bid + "+new-name[bot]@users.noreply.github.com>", Committer: person, Message: "Fix"}
			if a, ok := rules.Classify(c); !ok || a.Agent != id.agent {
				t.Errorf("bot id %s: Classify = %+v, %v; want %s", bid, a, ok, id.agent)
			}
		}
	}
}

// FuzzClassify checks what holds for any commit: no panic; evidence means
// an AI attribution with a clean agent and model; the agents list starts
// with the agent; the same input gives the same answer; and a message
// holding no ':' and no "generated with", by people, on no agent's
// branch, is no evidence.
func FuzzClassify(f *testing.F) {
	for _, c := range cases {
		cm := commitOf(c.author, c.committer, c.message)
		f.Add(cm.Author, cm.Committer, cm.Message, cm.Branch)
	}
	f.Add(person, person, "x\n\nAssisted-by: Claude:claude-3-opus x", "claude/y")
	f.Add("a (b) <c>", "<<>>", "\n\n:\n\n a:\n#\n", "/")
	rules := Builtin()
	f.Fuzz(func(t *testing.T, author, committer, message, br string) {
		c := provenance.Meta{Author: author, Committer: committer, Message: message, Branch: br}
		a, ok := rules.Classify(c)
		if again, ok2 := rules.Classify(c); again != a || ok2 != ok {
			t.Fatalf("not deterministic: %+v then %+v", a, again)
		}
		if !ok {
			if a != (provenance.Attribution{}) {
				t.Fatalf("no evidence but %+v", a)
			}
			return
		}
		if a.Origin != provenance.AI || a.Agent == "" {
			t.Fatalf("evidence without an agent: %+v", a)
		}
		switch a.Evidence {
		case trailer, rule, branch:
		default:
			t.Fatalf("evidence kind %q", a.Evidence)
		}
		for _, s := range []string{a.Agent, a.Model} {
			if len(s) > 128 || strings.ContainsAny(s, ",\n\r\t\x00 ") {
				t.Fatalf("unclean name %q in %+v", s, a)
			}
		}
		if l := a.Agents.List(); l != nil && (len(l) < 2 || l[0] != a.Agent) {
			t.Fatalf("agents %q do not start with %q", a.Agents, a.Agent)
		}
		if !strings.Contains(message, ":") && !containsFold(message, "generated with") {
			if _, bot := BranchAgent(br); !bot {
				human := provenance.Meta{Author: person, Committer: person, Message: message}
				if strings.HasPrefix(strings.TrimLeft(message, " \t\r\n"), "aider") {
					return
				}
				if a, ok := rules.Classify(human); ok {
					t.Fatalf("evidence in a message without trailers: %+v", a)
				}
			}
		}
	})
}
