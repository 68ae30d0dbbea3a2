// Package evidence tells, from a commit's metadata alone (author, committer
// and message), whether an AI agent wrote it, and which one. The
// post-commit hook uses it for commits no agent checkpoint covers, annotate
// for commits without a note, and the report to infer the origin of
// commits without a note. It does no git calls.
//
// # What counts as evidence
//
// Trailer evidence (provenance.EvidenceTrailer), lines an agent writes into
// the message:
//
//   - Co-authored-by trailers (the key in any case) naming an agent, in the
//     message's last paragraph, as git interpret-trailers reads it: a line
//     that starts with the key, in a paragraph that is not the first (the
//     subject). The same line quoted in the body, or indented, is prose.
//     Agents are known by their address, or, where a person could not be
//     mistaken for one, by name: Claude (noreply@anthropic.com:
//     claude-code, with the model when the name carries one, "Claude Opus
//     4.1" giving claude-opus-4.1), Codex (noreply@openai.com: codex),
//     Copilot (Copilot, NNN+Copilot@users.noreply.github.com: copilot),
//     Cursor (cursoragent@cursor.com: cursor), Devin
//     (devin-ai-integration[bot]: devin), Gemini (a name starting with the
//     word Gemini, gemini-code-assist[bot]: gemini, "Gemini 2.5 Pro" giving
//     gemini-2.5-pro), Qwen-Coder (qwen-coder@alibabacloud.com:
//     qwen-coder), aider ("aider (<model>)", @aider.chat: aider, the model
//     from the parentheses), Amp (amp@ampcode.com: amp) and opencode
//     (noreply@opencode.ai: opencode).
//   - A line, anywhere in the message, starting with "Generated with
//     [Claude Code]" (or "🤖 Generated with ...", with or without the
//     brackets): claude-code; likewise "[opencode]" and "[Amp]".
//
// Rule evidence (provenance.EvidenceRule):
//
//   - the author is an agent: a bot account (copilot-swe-agent[bot]:
//     copilot, google-labs-jules[bot]: jules, devin-ai-integration[bot]:
//     devin, claude[bot]: claude-code, gemini-code-assist[bot]: gemini) or
//     one of the addresses above;
//   - the author's name ends in "(aider)": aider. The committer's does not
//     count: aider marks the committer of a person's edits it commits;
//   - the subject starts with "aider:" (any case): aider;
//   - the user's rules from .ai-survival.yaml, each matching when all the
//     patterns it gives match.
//
// # Precedence
//
// When several agents match, the attribution is chosen by, in turn:
//
//  1. the stronger evidence: trailer evidence over rule evidence;
//  2. a match that names a model over one that does not;
//  3. the order the rules are tried: Co-authored-by trailers in the order
//     they are written, then "Generated with" lines in message order, then
//     the author, the subject, and the user's rules in file order.
//
// A chosen match without a model takes the model of the first other match
// of the same agent that names one, so a user rule can supply the model a
// trailer leaves out.
package evidence

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Commit is the metadata a commit is classified from.
type Commit struct {
	Author    string // "Name <email>"
	Committer string // "Name <email>"
	Message   string // the whole message, subject and body
}

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
func (r *Rules) Classify(c Commit) (provenance.Attribution, bool) {
	var buf [8]Match
	ms := r.appendMatches(buf[:0], c)
	if len(ms) == 0 {
		return provenance.Attribution{}, false
	}
	best := pick(ms)
	return provenance.Attribution{
		Origin:   provenance.AI,
		Agent:    best.Agent,
		Model:    best.Model,
		Evidence: best.Evidence,
	}, true
}

// Matches returns every piece of evidence in the commit, in the order the
// rules are tried (see the package documentation); Classify picks from it.
func (r *Rules) Matches(c Commit) []Match {
	return r.appendMatches(nil, c)
}

func (r *Rules) appendMatches(ms []Match, c Commit) []Match {
	ms = appendTrailers(ms, c.Message)
	ms = appendMarkers(ms, c.Message)
	ms = appendAuthor(ms, c.Author)
	ms = appendSubject(ms, c.Message)
	if r == nil {
		return ms
	}
	for i := range r.user {
		u := &r.user[i]
		if (u.author == nil || u.author.MatchString(c.Author)) &&
			(u.committer == nil || u.committer.MatchString(c.Committer)) &&
			(u.message == nil || u.message.MatchString(c.Message)) {
			ms = append(ms, Match{Agent: u.agent, Model: u.model, Evidence: provenance.EvidenceRule, Source: u.source})
		}
	}
	return ms
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
