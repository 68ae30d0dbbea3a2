package evidence

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// identity is how an agent appears in a commit: as its author or
// committer, as a co-author, or named in a disclosure trailer. An agent is
// never recognised by a whole email domain: people work at the vendors.
type identity struct {
	agent string
	// emails are the agent's exact service addresses (lower case).
	emails []string
	// botIDs are the numeric ids of the agent's GitHub accounts, matched in
	// "<id>+<login>@users.noreply.github.com" whatever the login, so a
	// renamed bot still matches.
	botIDs []string
	// logins are those accounts' logins (lower case), matched in a noreply
	// address, and as a name when they end in "[bot]", which no person's
	// login can.
	logins []string
	// coNames are Co-authored-by names (lower case) no person goes by,
	// matched ignoring a "(...)" suffix.
	coNames []string
	// toolNames are the names (lower case, single spaces) the agent goes by
	// in trailers whose key says a tool helped (Assisted-by, Generated-by).
	toolNames []string
	// family is the first word of the agent's model names ("claude" for
	// "Claude Opus 4.1", "gpt" for "GPT-5.5"); tiers are the words that may
	// follow it ("opus"). With coFamily, a co-author named after a model
	// is the agent; otherwise only a disclosure trailer's is.
	family   string
	tiers    []string
	coFamily bool
}

// identities are tried in this order.
var identities = []identity{
	{agent: "claude-code", emails: []string{"noreply@anthropic.com"},
		botIDs:    []string{"209825114", "215619710", "208546643"},
		logins:    []string{"claude[bot]", "anthropic-claude[bot]", "claude-code-action[bot]"},
		toolNames: []string{"claude", "claude code", "claude-code", "anthropic claude", "claude code action", "claude.ai"},
		family:    "claude", tiers: []string{"opus", "sonnet", "haiku", "instant"}},
	{agent: "codex", emails: []string{"noreply@openai.com", "codex@openai.com"},
		botIDs:    []string{"215057067", "199175422"},
		logins:    []string{"openai-codex[bot]", "chatgpt-codex-connector[bot]"},
		coNames:   []string{"codex", "openai codex"},
		toolNames: []string{"codex", "openai codex", "codex cli", "chatgpt codex"}},
	{agent: "copilot", emails: []string{"copilot@github.com"},
		botIDs:    []string{"167198135", "198982749", "175728472"},
		logins:    []string{"copilot", "copilot[bot]", "copilot-swe-agent", "copilot-swe-agent[bot]"},
		coNames:   []string{"copilot", "github copilot"},
		toolNames: []string{"copilot", "github copilot", "copilot chat", "github copilot chat", "copilot agent", "github copilot agent"}},
	{agent: "cursor", emails: []string{"cursoragent@cursor.com"},
		botIDs:    []string{"206951365"},
		logins:    []string{"cursor[bot]"},
		coNames:   []string{"cursor agent"},
		toolNames: []string{"cursor", "cursor agent", "cursor ai", "cursor composer"}},
	{agent: "devin", botIDs: []string{"158243242"}, logins: []string{"devin-ai-integration[bot]"},
		toolNames: []string{"devin", "devin ai"}},
	{agent: "gemini", botIDs: []string{"176961590"}, logins: []string{"gemini-code-assist[bot]"},
		coNames:   []string{"gemini", "gemini cli", "gemini code assist"},
		toolNames: []string{"gemini", "gemini cli", "gemini code assist", "google gemini"},
		family:    "gemini", tiers: []string{"pro", "flash", "ultra", "nano"}, coFamily: true},
	{agent: "qwen-coder", emails: []string{"qwen-coder@alibabacloud.com"},
		coNames:   []string{"qwen-coder", "qwen code", "qwen-code"},
		toolNames: []string{"qwen-coder", "qwen code", "qwen-code", "qwen coder", "qwen"},
		family:    "qwen"},
	{agent: "aider", emails: []string{"aider@aider.chat", "noreply@aider.chat"},
		coNames: []string{"aider"}, toolNames: []string{"aider"}},
	{agent: "jules", botIDs: []string{"161369871"}, logins: []string{"google-labs-jules[bot]"},
		toolNames: []string{"jules", "google jules"}},
	{agent: "amp", emails: []string{"amp@ampcode.com"}, toolNames: []string{"amp", "amp code", "sourcegraph amp"}},
	{agent: "opencode", emails: []string{"noreply@opencode.ai"}, coNames: []string{"opencode"}, toolNames: []string{"opencode"}},
	{agent: "amazon-q", botIDs: []string{"208079219"}, logins: []string{"amazon-q-developer[bot]"},
		toolNames: []string{"amazon q", "amazon q developer", "q developer"}},
	{agent: "cline", botIDs: []string{"205137888"}, logins: []string{"cline[bot]"}, toolNames: []string{"cline"}},
	{agent: "continue", botIDs: []string{"230936708"}, logins: []string{"continue[bot]"},
		toolNames: []string{"continue", "continue.dev", "continue cli", "continue ai"}},
	{agent: "cody", botIDs: []string{"201248094"}, logins: []string{"sourcegraph-cody[bot]"},
		toolNames: []string{"cody", "sourcegraph cody"}},
	{agent: "jetbrains-ai", botIDs: []string{"220155983"}, logins: []string{"jetbrains-ai[bot]"},
		toolNames: []string{"jetbrains ai", "jetbrains ai assistant", "junie"}},
	{agent: "coderabbit", botIDs: []string{"136622811"}, logins: []string{"coderabbitai[bot]"},
		toolNames: []string{"coderabbit", "coderabbitai"}},
	{agent: "chatgpt", toolNames: []string{"chatgpt", "openai chatgpt"}, family: "gpt"},
	{agent: "windsurf", toolNames: []string{"windsurf", "codeium", "windsurf cascade"}},
	{agent: "replit", toolNames: []string{"replit", "replit agent", "replit assistant"}},
	{agent: "kimi", toolNames: []string{"kimi", "kimi code"}, family: "kimi"},
	{agent: "deepseek", toolNames: []string{"deepseek"}, family: "deepseek"},
	{agent: "grok", toolNames: []string{"grok", "xai grok"}, family: "grok"},
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

// How a name is being read: the context decides which names count.
type readAs int

const (
	asAccount    readAs = iota // author or committer: addresses and bot accounts
	asCoAuthor                 // Co-authored-by: also names no person goes by
	asDisclosure               // Assisted-by and kin: also tool and model names
)

// noreplyAccount splits "<id>+<login>@users.noreply.github.com" (or the
// older "<login>@users.noreply.github.com") into id and login.
func noreplyAccount(email string) (id, login string) {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || !strings.EqualFold(domain, "users.noreply.github.com") {
		return "", ""
	}
	if i, l, found := strings.Cut(local, "+"); found {
		return i, l
	}
	return "", local
}

// Indexes of identities by exact address, bot id and login (lower case).
var emailIdx, botIdx, loginIdx = func() (e, b, l map[string]int) {
	e, b, l = map[string]int{}, map[string]int{}, map[string]int{}
	for i := len(identities) - 1; i >= 0; i-- {
		for _, x := range identities[i].emails {
			e[x] = i
		}
		for _, x := range identities[i].botIDs {
			b[x] = i
		}
		for _, x := range identities[i].logins {
			l[x] = i
		}
	}
	return e, b, l
}()

// identify returns the agent the name and address belong to, and the
// model the name carries.
func identify(name, email string, ctx readAs) (agent, model string, ok bool) {
	base, paren := cutParen(name)
	id, login := noreplyAccount(email)
	hit := -1
	if i, ok := emailIdx[strings.ToLower(email)]; ok {
		hit = i
	} else if i, ok := botIdx[id]; ok && id != "" {
		hit = i
	} else if i, ok := loginIdx[strings.ToLower(login)]; ok && login != "" {
		hit = i
	} else if i, ok := loginIdx[strings.ToLower(base)]; ok && strings.HasSuffix(base, "[bot]") {
		hit = i
	}
	if hit < 0 && ctx >= asCoAuthor {
		norm := normName(base)
		disclosure := ctx == asDisclosure && email == ""
		for i := range identities {
			ident := &identities[i]
			match := ident.coFamily && familyModel(ident, base) != ""
			for _, n := range ident.coNames {
				match = match || norm == n
			}
			if disclosure {
				for _, n := range ident.toolNames {
					match = match || norm == n
				}
				match = match || familyModel(ident, base) != ""
			}
			if match {
				hit = i
				break
			}
		}
	}
	if hit < 0 {
		return "", "", false
	}
	ident := &identities[hit]
	// A model in parentheses ("aider (gpt-4o)", "Cursor (composer 2.5)")
	// wins over one read from the name ("Claude Opus 4.1").
	model = familyModel(ident, base)
	if m := parenModel(ident, paren); m != "" {
		model = m
	}
	return ident.agent, cleanModel(model), true
}

// normName lower-cases a name and collapses its white space.
func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
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

// isVersion reports whether s is a version number: "4", "4.1", "2.5".
func isVersion(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			return false
		}
	}
	return true
}

// hasDigit reports whether s holds an ASCII digit.
func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func isTier(id *identity, w string) bool {
	for _, t := range id.tiers {
		if strings.EqualFold(w, t) {
			return true
		}
	}
	return false
}

// familyModel reads a model from a name such as "Claude Opus 4.1",
// "Gemini 2.5 Pro", "GPT-5.5" or "Kimi K2.6": the family word followed by
// a tier or something with a digit, or a first word that is the family
// joined to a version ("gpt-4o", "qwen3-coder"). "" when it is none.
func familyModel(id *identity, name string) string {
	if id.family == "" {
		return ""
	}
	fields := strings.Fields(name)
	if len(fields) == 0 || len(fields) > 5 {
		return ""
	}
	first := strings.ToLower(fields[0])
	switch {
	case first == id.family:
		if len(fields) < 2 || !(hasDigit(fields[1]) || isTier(id, fields[1])) {
			return ""
		}
	case strings.HasPrefix(first, id.family):
		r := first[len(id.family)]
		if !(r == '-' || r >= '0' && r <= '9') || !hasDigit(first) {
			return ""
		}
	default:
		return ""
	}
	return strings.ToLower(strings.Join(fields, "-"))
}

// parenModel reads the model in a name's parentheses: one word that looks
// like a model id ("gpt-4o", "anthropic/claude-sonnet-4-20250514"), or a
// few words with a version number ("composer 2.5", "Opus 4.1", which
// becomes claude-opus-4.1). Notes such as "(1M context)" or "(unit tests,
// docs)" are none.
func parenModel(id *identity, paren string) string {
	fields := strings.Fields(paren)
	switch {
	case len(fields) == 0 || len(fields) > 4 || strings.Contains(paren, ","):
		return ""
	case len(fields) == 1:
		w := fields[0]
		switch {
		case strings.EqualFold(w, id.agent) || strings.EqualFold(w, id.family):
			return ""
		case isTier(id, w):
			return id.family + "-" + strings.ToLower(w)
		case hasDigit(w) || strings.ContainsAny(w, "-/"):
			return w
		}
		return ""
	}
	version := false
	for _, w := range fields {
		version = version || isVersion(w)
	}
	if !version {
		return ""
	}
	m := strings.ToLower(strings.Join(fields, "-"))
	if isTier(id, fields[0]) {
		m = id.family + "-" + m
	}
	return m
}

// cleanModel drops a model name that is too long or holds control
// characters, spaces or commas (a comma separates names in lists).
func cleanModel(m string) string {
	if len(m) > 128 {
		return ""
	}
	for _, r := range m {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == ',' || r == utf8.RuneError {
			return ""
		}
	}
	return m
}

// cleanAgent turns a tool's own name into an agent name: lower case,
// words joined by '-', only letters, digits and ".-_"; "" when nothing
// is left or it is too long.
func cleanAgent(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), "-"))
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), ".-_")
	if len(out) > 64 {
		return ""
	}
	return out
}

// appendTrailers adds the agents named by the trailers of the message's
// trailer block.
func appendTrailers(ms []Match, msg string) []Match {
	entire := false
	for _, t := range parseTrailers(msg) {
		key := strings.ToLower(t.key)
		var agent, model string
		ok := false
		switch {
		case key == "co-authored-by":
			name, email := splitIdent(t.value)
			agent, model, ok = identify(name, email, asCoAuthor)
		case key == "assisted-by" || key == "generated-by":
			agent, model, ok = disclosedTool(t.value)
		case key == "ai-assisted" || key == "ai-generated":
			agent, model, ok = aiAssisted(t.value)
		case key == "replit-commit-author":
			v := strings.ToLower(t.value)
			agent, ok = "replit", v == "agent" || v == "assistant"
		case strings.HasPrefix(key, "entire-") && !entire:
			agent, model, ok = entireAgent(msg), "", true
			entire = true
		}
		if ok {
			ms = append(ms, Match{Agent: agent, Model: model, Evidence: provenance.EvidenceTrailer, Source: t.line})
		}
	}
	return ms
}

// entireAgent is the agent an Entire-Agent trailer names, else "entire".
func entireAgent(msg string) string {
	for _, t := range parseTrailers(msg) {
		if strings.EqualFold(t.key, "entire-agent") {
			if a, _, ok := disclosedTool(t.value); ok {
				return a
			}
		}
	}
	return "entire"
}

// aiAssisted reads an "AI-assisted:" value: yes or true (agent
// "unspecified"), no or false (no evidence), or the tool's name.
func aiAssisted(v string) (agent, model string, ok bool) {
	switch strings.ToLower(strings.TrimRight(strings.TrimSpace(v), ".")) {
	case "yes", "y", "true", "1":
		return "unspecified", "", true
	case "", "no", "n", "false", "0", "none", "n/a":
		return "", "", false
	}
	return disclosedTool(v)
}

// disclosedTool reads the value of a trailer whose key says a tool helped:
// "Claude Code", "[Claude Code]", "GPT-5.5", "Cursor (composer 2.5)",
// "Claude Opus 4 <noreply@anthropic.com>", or the kernel's
// "AGENT:MODEL [TOOL1] [TOOL2]". A value with a person's address is a
// person; an unknown tool's name counts only in the AGENT:MODEL form.
func disclosedTool(v string) (agent, model string, ok bool) {
	v = strings.TrimSpace(v)
	if strings.ContainsRune(v, '<') {
		name, email := splitIdent(v)
		if email != "" {
			return identify(name, email, asCoAuthor)
		}
	}
	v = strings.TrimRight(v, ". ")
	if name, rest, found := strings.Cut(v, ":"); found && !strings.ContainsAny(name, "[(") && !strings.Contains(rest, "//") {
		name = strings.TrimSpace(name)
		fields := strings.Fields(rest)
		if name == "" || len(fields) == 0 {
			return "", "", false
		}
		m := cleanModel(strings.Trim(fields[0], "[]"))
		if a, _, ok := identify(name, "", asDisclosure); ok {
			return a, m, true
		}
		if a := cleanAgent(name); a != "" && len(strings.Fields(name)) <= 3 {
			return a, m, true
		}
		return "", "", false
	}
	// "[Claude Code]" and the Markdown link "[Claude Code](https://...)".
	if strings.HasPrefix(v, "[") {
		if i := strings.IndexByte(v, ']'); i > 0 {
			v = v[1:i]
		}
	}
	return identify(v, "", asDisclosure)
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
	if agent, model, ok := identify(name, email, asAccount); ok {
		return append(ms, Match{Agent: agent, Model: model, Evidence: provenance.EvidenceRule, Source: "author " + author})
	}
	const suffix = "(aider)"
	if len(name) >= len(suffix) && strings.EqualFold(name[len(name)-len(suffix):], suffix) {
		return append(ms, Match{Agent: "aider", Evidence: provenance.EvidenceRule, Source: "author " + author})
	}
	return ms
}

// appendCommitter adds the agent the committer is: a bot account or an
// agent's address committing a person's work. aider's "(aider)" suffix on
// the committer alone is no evidence: aider marks the committer of a
// person's edits it commits.
func appendCommitter(ms []Match, committer string) []Match {
	name, email := splitIdent(committer)
	if agent, model, ok := identify(name, email, asAccount); ok {
		return append(ms, Match{Agent: agent, Model: model, Evidence: provenance.EvidenceRule, Source: "committer " + committer})
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
