package gitai

import (
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

const sessionsNote = `src/main.rs
  c9883b05a2487d6d 1-10,15
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 20-24
  h_5a1b2c3d4e5f60 30
"src/my file.rs"
  s_c9883b05a2487d::t_a1b2c3d4e5f678 2
  human 3-4
---
{"schema_version": "authorship/3.0.0", "git_ai_version": "1.4.5", "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",
 "prompts": {"c9883b05a2487d6d": {"agent_id": {"tool": "cursor", "id": "6ef2", "model": "gpt-5.1"}, "total_additions": 11, "total_deletions": 0, "accepted_lines": 11, "overriden_lines": 0}},
 "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "claude", "id": "conv", "model": "claude-opus-4-5-20251101"}}},
 "humans": {"h_5a1b2c3d4e5f60": {"author": "Dev <dev@example.com>"}}}
`

// The older format: no "sessions", no "humans", CRLF line ends.
const legacyNote = "tests/a b.rs\r\n  abcd1234abcd1234 1-4,9\r\nlib.rs\r\n  ef0b5678ef0b5678 2\r\n---\r\n" +
	`{"schema_version": "authorship/3.0.0", "base_commit_sha": "x", "prompts": {` +
	`"abcd1234abcd1234": {"agent_id": {"tool": "codex", "id": "1", "model": "gpt-5-codex"}},` +
	`"ef0b5678ef0b5678": {"agent_id": {"tool": "windsurf", "id": "2", "model": ""}}}}`

func spans(c provenance.Commit, file string) string {
	var parts []string
	for _, s := range c.Files[file] {
		parts = append(parts, provenance.NewLineSet(s.Range).String()+"="+s.Attribution.Label()+"/"+string(s.Evidence))
	}
	return strings.Join(parts, " ")
}

func TestParseSessions(t *testing.T) {
	l, err := Parse([]byte(sessionsNote))
	if err != nil {
		t.Fatal(err)
	}
	if l.SchemaVersion != "authorship/3.0.0" || len(l.Files) != 2 || l.Files[1].Path != "src/my file.rs" {
		t.Fatalf("parsed %+v", l)
	}
	c := l.Commit("c1")
	if got, want := spans(c, "src/main.rs"), "1-10=ai (cursor, gpt-5.1)/git-ai 15=ai (cursor, gpt-5.1)/git-ai 20-24=ai (claude-code, claude-opus-4-5-20251101)/git-ai 30=human/git-ai"; got != want {
		t.Errorf("src/main.rs:\n got %s\nwant %s", got, want)
	}
	if got, want := spans(c, "src/my file.rs"), "2=ai (claude-code, claude-opus-4-5-20251101)/git-ai 3-4=human/git-ai"; got != want {
		t.Errorf("src/my file.rs:\n got %s\nwant %s", got, want)
	}
	if c.At("src/main.rs", 11) != (provenance.Attribution{Origin: provenance.Human, Evidence: provenance.EvidenceGitAI}) {
		t.Errorf("line 11 (no attestation): %+v, want human by git-ai", c.At("src/main.rs", 11))
	}
	if w := l.Warnings(); len(w) != 0 {
		t.Errorf("warnings %q", w)
	}
}

func TestParseLegacyNoSessions(t *testing.T) {
	l, err := Parse([]byte(legacyNote))
	if err != nil {
		t.Fatal(err)
	}
	c := l.Commit("c1")
	if got, want := spans(c, "tests/a b.rs"), "1-4=ai (codex, gpt-5-codex)/git-ai 9=ai (codex, gpt-5-codex)/git-ai"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	// An unknown tool keeps its name.
	if got, want := spans(c, "lib.rs"), "2=ai (windsurf)/git-ai"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestAgentName(t *testing.T) {
	for in, want := range map[string]string{
		"claude": "claude-code", "codex": "codex", "cursor": "cursor", "devin": "devin",
		"opencode": "opencode", "amp": "amp", "droid": "droid", "Claude": "claude-code",
	} {
		if got := AgentName(in); got != want {
			t.Errorf("AgentName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUndescribedKey(t *testing.T) {
	l, err := Parse([]byte("a.go\n  0123456789abcdef 1\n---\n{\"schema_version\":\"authorship/3.1.0\",\"prompts\":{}}"))
	if err != nil {
		t.Fatal(err)
	}
	if got := spans(l.Commit("c"), "a.go"); got != "1=ai/git-ai" {
		t.Errorf("got %s", got)
	}
	if w := l.Warnings(); len(w) != 1 || !strings.Contains(w[0], "0123456789abcdef") {
		t.Errorf("warnings %q", w)
	}
}

func TestParseRejects(t *testing.T) {
	for name, note := range map[string]string{
		"no divider":       "a.go\n  abc 1\n",
		"bad json":         "a.go\n  abc 1\n---\n{",
		"newer version":    "a.go\n  abc 1\n---\n{\"schema_version\":\"authorship/4.0.0\",\"prompts\":{}}",
		"no version":       "a.go\n  abc 1\n---\n{\"prompts\":{}}",
		"orphan entry":     "  abc 1\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
		"bad lines":        "a.go\n  abc 0-3\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
		"reversed range":   "a.go\n  abc 5-3\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
		"no lines":         "a.go\n  abc\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
		"unquoted end":     "\"a b.go\n  abc 1\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
		"ours, not git-ai": `{"v":1,"commit":"3135a2c5","origin":"ai"}`,
	} {
		if _, err := Parse([]byte(note)); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestSanitizedNames(t *testing.T) {
	l, err := Parse([]byte("a.go\n  k 1\n---\n{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{\"k\":{\"agent_id\":{\"tool\":\"evil\\u001b[31m\",\"model\":\"m\\n\"}}}}"))
	if err != nil {
		t.Fatal(err)
	}
	a := l.Commit("c").At("a.go", 1)
	if a.Agent != "evil?[31m" || a.Model != "m" {
		t.Errorf("agent %q model %q", a.Agent, a.Model)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sessionsNote))
	f.Add([]byte(legacyNote))
	f.Add([]byte("\"a\\\"b\"\n  k 1-3\n---\n{\"schema_version\":\"authorship/3.0.0\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			return
		}
		c := l.Commit("c")
		for path, spans := range c.Files {
			last := 0
			for _, s := range spans {
				if s.Start < 1 || s.End < s.Start || s.Start <= last {
					t.Fatalf("%q: spans not sorted and disjoint: %+v", path, spans)
				}
				if s.Evidence != provenance.EvidenceGitAI {
					t.Fatalf("evidence %q", s.Evidence)
				}
				last = s.End
			}
		}
		_ = l.Warnings()
	})
}

func TestEvidenceRank(t *testing.T) {
	order := []provenance.Evidence{provenance.EvidenceDefault, provenance.EvidenceBranch, provenance.EvidenceRule, provenance.EvidenceTrailer,
		provenance.EvidenceRestored, provenance.EvidenceGitAI, provenance.EvidenceCheckpoint, provenance.EvidenceManual}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%s (%d) does not rank below %s (%d)", order[i-1], order[i-1].Rank(), order[i], order[i].Rank())
		}
	}
}
