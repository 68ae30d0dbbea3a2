package provenance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Origin says who wrote a line.
type Origin string

// The origins. Notes only ever hold AI or Human; Unknown is what a reader
// reports for lines of commits with neither a note nor evidence.
const (
	AI      Origin = "ai"
	Human   Origin = "human"
	Unknown Origin = "unknown"
)

// Origins lists every origin in report order.
var Origins = []Origin{AI, Human, Unknown}

// ParseOrigin accepts "ai", "human" or "unknown".
func ParseOrigin(s string) (Origin, error) {
	switch o := Origin(s); o {
	case AI, Human, Unknown:
		return o, nil
	}
	return "", fmt.Errorf("origin %q is not one of ai, human, unknown", s)
}

// Evidence says how an origin was established.
type Evidence string

// The kinds of evidence, weakest first.
const (
	// EvidenceDefault: recorded at commit time with no sign of an agent.
	EvidenceDefault Evidence = "default"
	// EvidenceBranch: the commit came from a branch whose name an agent
	// gives its branches ("claude/...", "codex/..."); the weakest sign.
	EvidenceBranch Evidence = "branch"
	// EvidenceRule: a built-in or configured rule matched the commit's
	// author, committer or message.
	EvidenceRule Evidence = "rule"
	// EvidenceTrailer: a trailer or marker line an agent writes into the
	// commit message (Co-authored-by, "Generated with [Claude Code]").
	EvidenceTrailer Evidence = "trailer"
	// EvidenceRestored: the line's attribution was restored from the notes
	// of the commits a server-side squash or rebase merge copied (the
	// commit record names them in Sources).
	EvidenceRestored Evidence = "restored"
	// EvidenceGitAI: git-ai's authorship note (refs/notes/ai) tags the
	// lines, for a commit without a note of ours.
	EvidenceGitAI Evidence = "git-ai"
	// EvidenceCheckpoint: an agent hook recorded the lines as it wrote them.
	EvidenceCheckpoint Evidence = "checkpoint"
	// EvidenceManual: a person tagged the commit with annotate.
	EvidenceManual Evidence = "manual"
)

// Rank orders evidence by strength; unknown kinds rank lowest.
func (e Evidence) Rank() int {
	switch e {
	case EvidenceBranch:
		return 1
	case EvidenceRule:
		return 2
	case EvidenceTrailer:
		return 3
	case EvidenceRestored:
		return 4
	case EvidenceGitAI:
		return 5
	case EvidenceCheckpoint:
		return 6
	case EvidenceManual:
		return 7
	}
	return 0
}

// Attribution is the origin of a line and what is known about its author.
type Attribution struct {
	Origin Origin `json:"origin"`
	Agent  string `json:"agent,omitempty"`
	Model  string `json:"model,omitempty"`
	// Agents lists every agent the evidence names, Agent first, when it
	// names more than one; the lines count under Agent alone.
	Agents   Agents   `json:"agents,omitempty"`
	Session  string   `json:"session,omitempty"`
	Evidence Evidence `json:"evidence,omitempty"`
}

// Label is a short human form: "ai (claude-code, opus-4)", "human".
func (a Attribution) Label() string {
	if a.Agent == "" {
		return string(a.Origin)
	}
	if a.Model == "" {
		return fmt.Sprintf("%s (%s)", a.Origin, a.Agent)
	}
	return fmt.Sprintf("%s (%s, %s)", a.Origin, a.Agent, a.Model)
}

// HumanAttribution is the origin of lines committed with no agent evidence.
func HumanAttribution() Attribution {
	return Attribution{Origin: Human, Evidence: EvidenceDefault}
}

// UnknownAttribution is the origin of lines nothing is known about.
func UnknownAttribution() Attribution {
	return Attribution{Origin: Unknown}
}

// Agents is a list of agent names kept as one comparable value (the names
// joined by commas, which agent names never contain), so that an
// Attribution stays usable as a map key. It is a JSON array of strings.
type Agents string

// MakeAgents returns the list of names, dropping empty and repeated ones,
// names that hold characters that are not printable, and any comma in a
// name.
func MakeAgents(names ...string) Agents {
	var out []string
	for _, n := range names {
		n = strings.ReplaceAll(n, ",", "")
		if strings.IndexFunc(n, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			continue
		}
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return Agents(strings.Join(out, ","))
}

// List returns the names.
func (a Agents) List() []string {
	if a == "" {
		return nil
	}
	return strings.Split(string(a), ",")
}

// MarshalJSON writes the names as an array.
func (a Agents) MarshalJSON() ([]byte, error) {
	l := a.List()
	if l == nil {
		l = []string{}
	}
	return json.Marshal(l)
}

// UnmarshalJSON reads an array of names.
func (a *Agents) UnmarshalJSON(b []byte) error {
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("agents: %v", err)
	}
	*a = MakeAgents(l...)
	return nil
}
