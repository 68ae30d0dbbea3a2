// Package gitai reads the authorship notes git-ai writes under
// refs/notes/ai (schema authorship/3.x.y) and turns them into line-level
// provenance, for commits that have no git-ai-survival note.
//
// A git-ai note is an attestation section, a line "---", then a JSON
// object. The attestation section lists files (a path at the start of a
// line, in double quotes when it holds spaces) and under each, indented by
// two spaces, an attestation key and the lines (in that commit's version
// of the file) it wrote:
//
//	src/main.rs
//	  c9883b05a2487d6d 1-10,15
//	  s_c9883b05a2487d::t_9f8e7d6c5b4a32 20-24
//	  h_5a1b2c3d4e5f60 30
//	---
//	{"schema_version": "authorship/3.0.0", "prompts": {...}, "sessions": {...}, "humans": {...}}
//
// A key is a prompt id (looked up in "prompts"), a session::trace id (its
// session part looked up in "sessions"; older notes have no "sessions"),
// or a known human ("h_..." or the word "human").
package gitai

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// NotesRef is where git-ai keeps its notes.
const NotesRef = "refs/notes/ai"

// SchemaMajor is the major version of git-ai's authorship schema this
// package reads ("authorship/3.0.0" and any "authorship/3.x.y").
const SchemaMajor = "authorship/3."

// Agent is the agent_id object of a prompt or session record.
type Agent struct {
	Tool  string `json:"tool"`
	ID    string `json:"id"`
	Model string `json:"model"`
}

type record struct {
	AgentID *Agent `json:"agent_id"`
}

type metadata struct {
	SchemaVersion string                     `json:"schema_version"`
	Prompts       map[string]record          `json:"prompts"`
	Sessions      map[string]record          `json:"sessions"`
	Humans        map[string]json.RawMessage `json:"humans"`
}

// Attestation is one key's lines in one file.
type Attestation struct {
	Key   string
	Lines provenance.LineSet
}

// File is one file of the attestation section.
type File struct {
	Path         string
	Attestations []Attestation
}

// Log is a parsed git-ai authorship note.
type Log struct {
	SchemaVersion string
	Files         []File
	meta          metadata
}

// Parse reads a git-ai note. It fails on anything it cannot read for
// certain (a missing divider, bad JSON, an unknown schema version, a
// malformed line): a note half read would give wrong figures.
func Parse(data []byte) (*Log, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	div := -1
	for i, l := range lines {
		if l == "---" {
			div = i
			break
		}
	}
	if div < 0 {
		return nil, fmt.Errorf("no \"---\" line between attestations and metadata")
	}
	var meta metadata
	if err := json.Unmarshal([]byte(strings.Join(lines[div+1:], "\n")), &meta); err != nil {
		return nil, fmt.Errorf("metadata is not a JSON object: %v", err)
	}
	if !strings.HasPrefix(meta.SchemaVersion, SchemaMajor) {
		return nil, fmt.Errorf("schema version %q is not one this git-ai-survival reads (%sx)", provenance.Abbreviate(meta.SchemaVersion, 40), SchemaMajor)
	}
	log := &Log{SchemaVersion: meta.SchemaVersion, meta: meta}
	for i, l := range lines[:div] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if strings.HasPrefix(l, "  ") {
			if len(log.Files) == 0 {
				return nil, fmt.Errorf("line %d: attestation before any file", i+1)
			}
			a, err := parseAttestation(strings.TrimSpace(l))
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
			f := &log.Files[len(log.Files)-1]
			f.Attestations = append(f.Attestations, a)
			continue
		}
		path, err := parsePath(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		log.Files = append(log.Files, File{Path: path})
	}
	return log, nil
}

func parsePath(l string) (string, error) {
	if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
		return "", fmt.Errorf("a file path must start its line")
	}
	if !strings.HasPrefix(l, `"`) {
		return l, nil
	}
	if len(l) < 2 || !strings.HasSuffix(l, `"`) {
		return "", fmt.Errorf("unterminated quoted path %q", provenance.Abbreviate(l, 60))
	}
	inner := l[1 : len(l)-1]
	if !strings.Contains(inner, `\`) {
		return inner, nil
	}
	// A path with escapes: read it as a Go string, which covers \" \\ \t \n.
	p, err := strconv.Unquote(l)
	if err != nil {
		return "", fmt.Errorf("bad quoted path %q", provenance.Abbreviate(l, 60))
	}
	return p, nil
}

func parseAttestation(s string) (Attestation, error) {
	i := strings.LastIndexByte(s, ' ')
	if i <= 0 {
		return Attestation{}, fmt.Errorf("attestation %q has no line numbers", provenance.Abbreviate(s, 60))
	}
	key, spec := strings.TrimSpace(s[:i]), s[i+1:]
	if spec == "" {
		return Attestation{}, fmt.Errorf("attestation %q has no line numbers", provenance.Abbreviate(s, 60))
	}
	if key == "" || strings.ContainsAny(key, " \t") {
		return Attestation{}, fmt.Errorf("bad attestation key %q", provenance.Abbreviate(key, 60))
	}
	ls, err := provenance.ParseLineSet(spec)
	if err != nil {
		return Attestation{}, fmt.Errorf("bad line numbers %q: %v", provenance.Abbreviate(spec, 60), err)
	}
	return Attestation{Key: key, Lines: ls}, nil
}

// IsHuman reports whether key names a known human.
func IsHuman(key string) bool {
	return key == "human" || strings.HasPrefix(key, "h_")
}

// AgentOf returns the agent record a key names; ok is false for a human
// key and for an AI key the metadata does not describe.
func (l *Log) AgentOf(key string) (Agent, bool) {
	if IsHuman(key) {
		return Agent{}, false
	}
	var r record
	var found bool
	if sess, _, isSession := strings.Cut(key, "::"); isSession {
		r, found = l.meta.Sessions[sess]
	} else {
		r, found = l.meta.Prompts[key]
		if !found { // a session id written without its trace
			r, found = l.meta.Sessions[key]
		}
	}
	if !found || r.AgentID == nil {
		return Agent{}, false
	}
	return *r.AgentID, true
}

// AgentName maps git-ai's tool names to ours; an unknown tool keeps its
// name (lower-cased, trimmed).
func AgentName(tool string) string {
	t := strings.ToLower(strings.TrimSpace(tool))
	switch t {
	case "claude", "claude-code", "claude_code", "claudecode":
		return "claude-code"
	case "github-copilot", "copilot":
		return "copilot"
	case "gemini", "gemini-cli":
		return "gemini"
	}
	return t
}

// Attribution gives what key says about its lines: human for a known
// human, else ai with the agent and model of its record (an AI key the
// metadata does not describe is ai with no agent).
func (l *Log) Attribution(key string) provenance.Attribution {
	if IsHuman(key) {
		return provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceGitAI}
	}
	a := provenance.Attribution{Origin: provenance.AI, Evidence: provenance.EvidenceGitAI}
	if ag, ok := l.AgentOf(key); ok {
		a.Agent = sanitize(AgentName(ag.Tool))
		a.Model = sanitize(strings.TrimSpace(ag.Model))
	}
	return a
}

// Warnings lists AI keys the metadata does not describe (their lines
// count as ai with no agent).
func (l *Log) Warnings() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range l.Files {
		for _, a := range f.Attestations {
			if IsHuman(a.Key) || seen[a.Key] {
				continue
			}
			seen[a.Key] = true
			if _, ok := l.AgentOf(a.Key); !ok {
				out = append(out, fmt.Sprintf("attestation key %q has no prompt or session record; its lines count as ai with no agent", provenance.Abbreviate(sanitize(a.Key), 40)))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Commit is the provenance the note gives commit: attested lines with
// their attribution, every other added line human (git-ai's meaning of a
// line it has no attestation for in a commit it saw). Line numbers the
// commit did not add are never asked for, so they do not count.
func (l *Log) Commit(id string) provenance.Commit {
	c := provenance.Commit{
		ID:         id,
		Default:    provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceGitAI},
		HasDefault: true,
		Files:      map[string][]provenance.Span{},
	}
	for _, f := range l.Files {
		// Later attestations of a line win over earlier ones; a file
		// listed twice adds to what it said before.
		layers := c.Files[f.Path] // disjoint: laid first, as painted before
		for _, a := range f.Attestations {
			attr := l.Attribution(a.Key)
			for _, r := range a.Lines.Ranges() {
				layers = append(layers, provenance.Span{Range: r, Attribution: attr})
			}
		}
		spans := provenance.PaintAll(layers)
		if len(spans) > 0 {
			c.Files[f.Path] = spans
		}
	}
	return c
}

// sanitize keeps names from another tool's note printable: control
// characters become '?', and the result is at most 100 bytes.
func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
	return provenance.Abbreviate(s, 100)
}
