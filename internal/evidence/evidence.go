// Package evidence tells, from a commit's metadata alone (author, committer
// and message), whether an AI agent wrote it, and which one. The
// post-commit hook uses it for commits no agent checkpoint covers, annotate
// for commits without a note, and the report to infer the origin of
// commits without a note. It does no git calls.
//
// # What counts as evidence
//
// Agents are recognised by their exact service addresses, their bot
// accounts and what they write into messages, never by a whole email
// domain: a person at an agent vendor's domain is a person.
//
// Trailer evidence (provenance.EvidenceTrailer) comes from the message's
// trailer block as git reads it (`git interpret-trailers --parse`, see
// parseTrailers): a trailer-looking line quoted in the body, indented, or
// in the subject paragraph is prose. Keys are matched in any case.
//
//   - Co-authored-by naming an agent by its address, its GitHub bot
//     account (by numeric id in "<id>+<login>@users.noreply.github.com",
//     so a renamed bot still matches), or, where no person goes by it, by
//     name: Claude (noreply@anthropic.com: claude-code, "Claude Opus 4.1"
//     giving the model claude-opus-4.1), Codex (noreply@openai.com),
//     Copilot, Cursor (cursoragent@cursor.com), Devin, Gemini ("Gemini 2.5
//     Pro"), Qwen-Coder, aider ("aider (<model>)" at aider@aider.chat or
//     noreply@aider.chat), Amp, opencode. A model in parentheses may hold
//     spaces ("Cursor (composer 2.5)": composer-2.5); a note such as
//     "(1M context)" is no model.
//   - Assisted-by and Generated-by naming a tool or a model: "Claude Code",
//     "[Claude Code]", "GPT-5.5" (chatgpt, gpt-5.5), "Kimi K2.6", an
//     address as above, or the kernel's "AGENT:MODEL [TOOL1] [TOOL2]"
//     (agent and model from it, any agent name). A person ("Bob
//     <bob@example.com>") is no evidence.
//   - AI-assisted (or AI-generated): yes (agent "unspecified") or a
//     tool's name; "no" is no evidence.
//   - Entire-* trailers (Entire-Checkpoint, Entire-Session, ...): the agent
//     Entire-Agent names, else "entire".
//   - Replit-Commit-Author: Agent or Assistant: replit.
//   - A line, anywhere in the message, starting with "Generated with
//     [Claude Code]" (or "🤖 Generated with ...", with or without the
//     brackets): claude-code; likewise "[opencode]" and "[Amp]".
//
// Rule evidence (provenance.EvidenceRule):
//
//   - the author is an agent: a bot account (anthropic-claude,
//     claude-code-action, claude, copilot, copilot-swe-agent, cursor,
//     openai-codex, chatgpt-codex-connector, amazon-q-developer, cline,
//     continue, sourcegraph-cody, jetbrains-ai, coderabbitai,
//     gemini-code-assist, devin-ai-integration, google-labs-jules) or one of
//     the addresses above;
//   - the committer is such an account or address (a bot committing a
//     person's work);
//   - the author's name ends in "(aider)": aider. The committer's does not
//     count: aider marks the committer of a person's edits it commits;
//   - the subject starts with "aider:" (any case): aider;
//   - the user's rules from .ai-survival.yaml, each matching when all the
//     patterns it gives match.
//
// Branch evidence (provenance.EvidenceBranch), the weakest: the commit was
// made on, or merged from, a branch named the way agents name theirs
// (provenance.Meta.Branch; see BranchAgent and MergedBranch).
//
// # Precedence
//
// When several agents match, the attribution is chosen by, in turn:
//
//  1. the stronger evidence: trailer over rule over branch;
//  2. a match that names a model over one that does not;
//  3. the order the rules are tried: trailers in the order they are
//     written, then "Generated with" lines in message order, then the
//     author, the committer, the subject, the user's rules in file order,
//     and the branch.
//
// A chosen match without a model takes the model of the first other match
// of the same agent that names one, so a user rule can supply the model a
// trailer leaves out. When the matches name more than one agent, the
// attribution lists them all in Agents, the chosen one first; its lines
// count under the chosen agent alone.
package evidence

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Match is one piece of evidence found in a commit.
type Match struct {
	Agent    string
	Model    string // "" when the evidence names none
	Evidence provenance.Evidence
	// Source says what matched, for messages: the trailer or marker line,
	// "author Name <email>", "subject", or "rule file:line" for a user's
	// rule.
	Source string
}

// Rules classifies commits: the built-in rules, and the user's rules when
// added with WithConfig. A *Rules is safe for concurrent use; a nil *Rules
// is the built-in rules.
type Rules struct {
	user []userRule
}

type userRule struct {
	agent, model               string
	author, committer, message *regexp.Regexp
	source                     string
}

// Builtin returns the built-in rules alone.
func Builtin() *Rules { return &Rules{} }

// WithConfig returns r with the user's rules added after its own. Each rule
// must name an agent and give at least one pattern (config.Load ensures
// both).
func (r *Rules) WithConfig(rules []config.Rule) (*Rules, error) {
	out := &Rules{}
	if r != nil {
		out.user = append(out.user, r.user...)
	}
	for i, cr := range rules {
		where := fmt.Sprintf("rules[%d]", i)
		if cr.Source != "" {
			where = cr.Source + ": " + where
		}
		switch {
		case cr.Agent == "":
			return nil, fmt.Errorf("evidence rule %s: %w", where, errNoAgent)
		case cr.Author == nil && cr.Committer == nil && cr.Message == nil:
			return nil, fmt.Errorf("evidence rule %s: %w", where, errNoPattern)
		}
		src := cr.Source
		if src == "" {
			src = where
		}
		out.user = append(out.user, userRule{
			agent: cr.Agent, model: cr.Model,
			author: cr.Author, committer: cr.Committer, message: cr.Message,
			source: "rule " + src,
		})
	}
	return out, nil
}

var (
	errNoAgent   = errors.New("no agent")
	errNoPattern = errors.New("no pattern; give at least one of author, committer, message")
)

// Classify returns the AI attribution the commit's metadata is evidence
// of, chosen as the package documentation says, and true; or the zero
// Attribution and false when there is no evidence (the commit may still
// be an agent's: the caller decides between human and unknown).
func (r *Rules) Classify(c provenance.Meta) (provenance.Attribution, bool) {
	var buf [8]Match
	ms := r.appendMatches(buf[:0], c)
	if len(ms) == 0 {
		return provenance.Attribution{}, false
	}
	best := pick(ms)
	a := provenance.Attribution{
		Origin:   provenance.AI,
		Agent:    best.Agent,
		Model:    best.Model,
		Evidence: best.Evidence,
	}
	names := []string{best.Agent}
	for _, m := range ms {
		names = append(names, m.Agent)
	}
	if agents := provenance.MakeAgents(names...); strings.Contains(string(agents), ",") {
		a.Agents = agents
	}
	return a, true
}

// Matches returns every piece of evidence in the commit, in the order the
// rules are tried (see the package documentation); Classify picks from it.
func (r *Rules) Matches(c provenance.Meta) []Match {
	return r.appendMatches(nil, c)
}

func (r *Rules) appendMatches(ms []Match, c provenance.Meta) []Match {
	ms = appendTrailers(ms, c.Message)
	ms = appendMarkers(ms, c.Message)
	ms = appendAuthor(ms, c.Author)
	ms = appendCommitter(ms, c.Committer)
	ms = appendSubject(ms, c.Message)
	for i := range r.userRules() {
		u := &r.user[i]
		if (u.author == nil || u.author.MatchString(c.Author)) &&
			(u.committer == nil || u.committer.MatchString(c.Committer)) &&
			(u.message == nil || u.message.MatchString(c.Message)) {
			ms = append(ms, Match{Agent: u.agent, Model: u.model, Evidence: provenance.EvidenceRule, Source: u.source})
		}
	}
	if agent, ok := BranchAgent(c.Branch); ok {
		ms = append(ms, Match{Agent: agent, Evidence: provenance.EvidenceBranch, Source: "branch " + c.Branch})
	}
	return ms
}

func (r *Rules) userRules() []userRule {
	if r == nil {
		return nil
	}
	return r.user
}

// pick chooses among matches: strongest evidence, then naming a model,
// then first; a model-less choice borrows its agent's model from another
// match.
func pick(ms []Match) Match {
	best := 0
	for i := 1; i < len(ms); i++ {
		if better(ms[i], ms[best]) {
			best = i
		}
	}
	m := ms[best]
	if m.Model == "" {
		for _, o := range ms {
			if o.Agent == m.Agent && o.Model != "" {
				m.Model = o.Model
				break
			}
		}
	}
	return m
}

// better reports whether a ranks strictly above b.
func better(a, b Match) bool {
	if ra, rb := a.Evidence.Rank(), b.Evidence.Rank(); ra != rb {
		return ra > rb
	}
	return a.Model != "" && b.Model == ""
}
