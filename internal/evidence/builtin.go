package evidence

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// identity is how an agent appears as a commit's author or co-author.
type identity struct {
	agent string
	// emails are exact addresses (lower case).
	emails []string
	// domain matches any address at it ("aider.chat").
	domain string
	// bots are GitHub accounts, matched against the name and against the
	// login in a noreply address ("123+login@users.noreply.github.com").
	// Accounts without "[bot]" are matched by address only.
	bots []string
	// names are co-author names (lower case) that only the agent uses,
	// matched in trailers only, ignoring a "(...)" suffix.
	names []string
	// family is the first word of the names the agent's models go by
	// ("Claude Opus 4.1"); with byFamily, a co-author name starting with
	// it is the agent.
	family   string
	tiers    []string // model tiers that may follow the family ("opus")
	byFamily bool
}

// identities are tried in this order.
var identities = []identity{
	{agent: "claude-code", emails: []string{"noreply@anthropic.com"}, bots: []string{"claude[bot]"},
		family: "claude", tiers: []string{"opus", "sonnet", "haiku", "instant"}},
	{agent: "codex", emails: []string{"noreply@openai.com", "codex@openai.com"}, names: []string{"codex", "openai codex"}},
	{agent: "copilot", emails: []string{"copilot@github.com"},
		bots:  []string{"copilot", "copilot-swe-agent", "copilot-swe-agent[bot]"},
		names: []string{"copilot", "github copilot"}},
	{agent: "cursor", emails: []string{"cursoragent@cursor.com"}, names: []string{"cursor agent"}},
	{agent: "devin", bots: []string{"devin-ai-integration[bot]"}},
	{agent: "gemini", bots: []string{"gemini-code-assist[bot]"},
		family: "gemini", tiers: []string{"pro", "flash", "ultra", "nano"}, byFamily: true},
	{agent: "qwen-coder", emails: []string{"qwen-coder@alibabacloud.com"}, names: []string{"qwen-coder", "qwen code", "qwen-code"}},
	{agent: "aider", domain: "aider.chat", names: []string{"aider"}},
	{agent: "jules", bots: []string{"google-labs-jules[bot]"}},
	{agent: "amp", emails: []string{"amp@ampcode.com"}},
	{agent: "opencode", emails: []string{"noreply@opencode.ai"}, names: []string{"opencode"}},
}

// markers are the tools named by a "Generated with [Tool]" line; a name
// that is also a common word counts only in brackets.
var markers = []struct {
	name, agent string
	bracketed   bool
}{
	{"claude code", "claude-code", false},
	{"opencode", "opencode", false},
	{"amp", "amp", true},
}

// splitIdent cuts "Name <email>" into its parts.
func splitIdent(s string) (name, email string) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1 : i+j])
		}
	}
	return s, ""
}

// identify returns the agent the name and address belong to, and the
// model the name carries; trailer allows matching by name alone.
func identify(name, email string, trailer bool) (agent, model string, ok bool) {
	base, paren := cutParen(name)
	local, domain, _ := strings.Cut(email, "@")
	login := local
	if strings.EqualFold(domain, "users.noreply.github.com") {
		if _, l, found := strings.Cut(local, "+"); found {
			login = l
		}
	} else {
		login = ""
	}
	for i := range identities {
		id := &identities[i]
		hit := false
		for _, e := range id.emails {
			if strings.EqualFold(email, e) {
				hit = true
			}
		}
		if id.domain != "" && strings.EqualFold(domain, id.domain) {
			hit = true
		}
		for _, b := range id.bots {
			if strings.EqualFold(login, b) || (strings.HasSuffix(b, "[bot]") && strings.EqualFold(base, b)) {
				hit = true
			}
		}
		if trailer {
			for _, n := range id.names {
				if strings.EqualFold(base, n) {
					hit = true
				}
			}
		}
		if trailer && id.byFamily && strings.EqualFold(firstWord(base), id.family) {
			hit = true
		}
		if !hit {
			continue
		}
		// A model in parentheses ("aider (gpt-4o)") wins over one read
		// from the name ("Claude Opus 4.1"), unless it is no model name
		// ("(1M context)").
		model = cleanModel(familyModel(id, base))
		if m := cleanModel(paren); m != "" && !strings.EqualFold(m, id.agent) {
			model = m
		}
		return id.agent, model, true
	}
	return "", "", false
}

// cutParen splits "aider (gpt-4o)" into "aider" and "gpt-4o".
func cutParen(name string) (base, paren string) {
	if strings.HasSuffix(name, ")") {
		if i := strings.LastIndexByte(name, '('); i >= 0 {
			return strings.TrimSpace(name[:i]), strings.TrimSpace(name[i+1 : len(name)-1])
		}
	}
	return name, ""
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// familyModel reads a model from a name such as "Claude Opus 4.1" or
// "Gemini 2.5 Pro": the family, then a version or a tier.
func familyModel(id *identity, name string) string {
	if id.family == "" {
		return ""
	}
	fields := strings.Fields(name)
	if len(fields) < 2 || !strings.EqualFold(fields[0], id.family) {
		return ""
	}
	next := fields[1]
	r, _ := utf8.DecodeRuneInString(next)
	modelish := unicode.IsDigit(r)
	for _, t := range id.tiers {
		if strings.EqualFold(next, t) {
			modelish = true
		}
	}
	if !modelish {
		return ""
	}
	return strings.ToLower(strings.Join(fields, "-"))
}

// cleanModel drops a model name that is too long or holds control
// characters or spaces.
func cleanModel(m string) string {
	if len(m) > 128 {
		return ""
	}
	for _, r := range m {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return ""
		}
	}
	return m
}

// appendTrailers adds the agents named by Co-authored-by trailers in the
// message's last paragraph.
func appendTrailers(ms []Match, msg string) []Match {
	if !containsFold(msg, "co-authored-by") {
		return ms
	}
	para := lastParagraph(msg)
	for para != "" {
		var line string
		line, para, _ = strings.Cut(para, "\n")
		line = strings.TrimRight(line, "\r")
		value, ok := coAuthor(line)
		if !ok {
			continue
		}
		name, email := splitIdent(value)
		if agent, model, ok := identify(name, email, true); ok {
			ms = append(ms, Match{Agent: agent, Model: model, Evidence: provenance.EvidenceTrailer, Source: line})
		}
	}
	return ms
}

// coAuthor returns the value of a "Co-authored-by:" trailer line.
func coAuthor(line string) (string, bool) {
	const key = "co-authored-by"
	if len(line) < len(key)+1 || !strings.EqualFold(line[:len(key)], key) {
		return "", false
	}
	rest := strings.TrimLeft(line[len(key):], " \t")
	if !strings.HasPrefix(rest, ":") {
		return "", false
	}
	return strings.TrimSpace(rest[1:]), true
}

// lastParagraph returns the message's last paragraph, where git looks for
// trailers; "" when the message has a single paragraph (the subject and
// its body are never trailers).
func lastParagraph(msg string) string {
	// Drop trailing blank lines.
	end := len(msg)
	for {
		start := strings.LastIndexByte(msg[:end], '\n') + 1
		if !isBlank(msg[start:end]) {
			break
		}
		if start == 0 {
			return ""
		}
		end = start - 1
	}
	// Walk back to the blank line before the paragraph.
	pos := end
	for {
		start := strings.LastIndexByte(msg[:pos], '\n') + 1
		if isBlank(msg[start:pos]) {
			if isBlank(msg[:start]) {
				return "" // only blank lines before: it is the first paragraph
			}
			return msg[pos+1 : end]
		}
		if start == 0 {
			return ""
		}
		pos = start - 1
	}
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// in any case.
func containsFold(s, sub string) bool {
	first, upper := sub[0], sub[0]-'a'+'A'
	for i := 0; i+len(sub) <= len(s); i++ {
		if (s[i] == first || s[i] == upper) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// appendMarkers adds the agents named by "Generated with [Tool]" lines.
func appendMarkers(ms []Match, msg string) []Match {
	const key = "generated with "
	if !containsFold(msg, "generated with") {
		return ms
	}
	rest := msg
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimRight(line, "\r")
		s := strings.TrimPrefix(line, "🤖")
		if len(s) != len(line) {
			s = strings.TrimLeft(s, " \t\uFE0F")
		}
		if len(s) < len(key) || !strings.EqualFold(s[:len(key)], key) {
			continue
		}
		s = s[len(key):]
		bracket := strings.HasPrefix(s, "[")
		s = strings.TrimPrefix(s, "[")
		for _, m := range markers {
			if len(s) < len(m.name) || !strings.EqualFold(s[:len(m.name)], m.name) {
				continue
			}
			after := s[len(m.name):]
			if (m.bracketed && bracket && strings.HasPrefix(after, "]")) || (!m.bracketed && wordEnd(after)) {
				ms = append(ms, Match{Agent: m.agent, Evidence: provenance.EvidenceTrailer, Source: line})
				break
			}
		}
	}
	return ms
}

// wordEnd reports whether s does not continue a word.
func wordEnd(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s == "" || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
}

// appendAuthor adds the agent the author is, or marks.
func appendAuthor(ms []Match, author string) []Match {
	name, email := splitIdent(author)
	if agent, model, ok := identify(name, email, false); ok {
		return append(ms, Match{Agent: agent, Model: model, Evidence: provenance.EvidenceRule, Source: "author " + author})
	}
	const suffix = "(aider)"
	if len(name) >= len(suffix) && strings.EqualFold(name[len(name)-len(suffix):], suffix) {
		return append(ms, Match{Agent: "aider", Evidence: provenance.EvidenceRule, Source: "author " + author})
	}
	return ms
}

// appendSubject adds aider for a subject starting with "aider:".
func appendSubject(ms []Match, msg string) []Match {
	const prefix = "aider:"
	s := strings.TrimLeft(msg, " \t\r\n")
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return append(ms, Match{Agent: "aider", Evidence: provenance.EvidenceRule, Source: "subject"})
	}
	return ms
}
