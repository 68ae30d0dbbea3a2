package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzParse: any .ai-survival.yaml content never panics; a refusal is an
// *Error naming the file; a configuration that loads is within the
// documented limits, and written back out as YAML it loads to the same
// settings.
func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("")
	f.Add("---\n")
	f.Add("moves: {within: 30, across: 60}\n")
	f.Add("unknown: {as: human, since: 2024-03-01}\n")
	f.Add("unknown: {as: human, since: v1.2}\nmoves: false\n")
	f.Add("unknown: human\ninference: true\n")
	f.Add("rules:\n  - agent: &a aider\n    message: *a\n")
	f.Add("rules:\n  - agent: x\n    author: '(['\n")
	f.Add("paths:\n  include: ['**/*.py']\n  exclude: ['!x', 'a/**/b']\n")
	f.Add("rules: [{agent: claude, model: 'claude-opus-4', committer: 'noreply@anthropic\\.com'}]\n")
	f.Add("a: b\n---\nc: d\n")
	f.Add("rules:\n\t- agent: x\n")
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := Parse("cfg.yaml", []byte(data))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "cfg.yaml" || ce.Error() == "" {
				t.Fatalf("error %v (%T) is not an *Error naming the file", err, err)
			}
			if cfg != nil {
				t.Fatalf("an error and a configuration: %+v", cfg)
			}
			return
		}
		checkLimits(t, cfg)
		again, err := Parse("again.yaml", []byte(encode(cfg)))
		if err != nil {
			t.Fatalf("%q loaded, but its settings written back do not:\n%s\n%v", data, encode(cfg), err)
		}
		if a, b := settings(cfg), settings(again); a != b {
			t.Fatalf("%q: settings changed when written back and read:\n%s\n%s", data, a, b)
		}
	})
}

func checkLimits(t *testing.T, cfg *Config) {
	t.Helper()
	if cfg.Paths == nil {
		t.Fatal("nil Paths")
	}
	if len(cfg.Rules) > MaxRules || len(cfg.Paths.Include) > MaxPatterns || len(cfg.Paths.Exclude) > MaxPatterns {
		t.Fatalf("over the limits: %d rules, %d/%d patterns", len(cfg.Rules), len(cfg.Paths.Include), len(cfg.Paths.Exclude))
	}
	for _, r := range cfg.Rules {
		if r.Agent == "" || len(r.Agent) > maxNameLen || len(r.Model) > maxNameLen || strings.ContainsAny(r.Agent, " \t\n\r") {
			t.Fatalf("rule with a bad name: %+v", r)
		}
		if r.Author == nil && r.Committer == nil && r.Message == nil {
			t.Fatalf("rule without a pattern: %+v", r)
		}
	}
	if cfg.MovesWithin < 0 || cfg.MovesAcross < 0 || cfg.MovesWithin > MaxMoveScore || cfg.MovesAcross > MaxMoveScore {
		t.Fatalf("move thresholds %d, %d", cfg.MovesWithin, cfg.MovesAcross)
	}
	if cfg.Unknown.As != "" && cfg.Unknown.As != "human" && cfg.Unknown.As != "unknown" {
		t.Fatalf("unknown.as %q", cfg.Unknown.As)
	}
}

// q quotes s as a YAML double-quoted scalar (JSON's escapes are YAML's).
func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// encode writes cfg's settings as a configuration file.
func encode(cfg *Config) string {
	var b strings.Builder
	if len(cfg.Rules) > 0 {
		b.WriteString("rules:\n")
	}
	for _, r := range cfg.Rules {
		fmt.Fprintf(&b, "  - agent: %s\n", q(r.Agent))
		if r.Model != "" {
			fmt.Fprintf(&b, "    model: %s\n", q(r.Model))
		}
		for _, p := range []struct {
			key string
			re  interface{ String() string }
			nil bool
		}{{"author", r.Author, r.Author == nil}, {"committer", r.Committer, r.Committer == nil}, {"message", r.Message, r.Message == nil}} {
			if !p.nil {
				fmt.Fprintf(&b, "    %s: %s\n", p.key, q(p.re.String()))
			}
		}
	}
	list := func(key string, ps []string) {
		fmt.Fprintf(&b, "  %s: [", key)
		for i, p := range ps {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q(p))
		}
		b.WriteString("]\n")
	}
	b.WriteString("paths:\n")
	list("include", cfg.Paths.Include)
	list("exclude", cfg.Paths.Exclude)
	if cfg.MovesWithin != 0 || cfg.MovesAcross != 0 {
		var th []string
		if cfg.MovesWithin != 0 {
			th = append(th, fmt.Sprintf("within: %d", cfg.MovesWithin))
		}
		if cfg.MovesAcross != 0 {
			th = append(th, fmt.Sprintf("across: %d", cfg.MovesAcross))
		}
		fmt.Fprintf(&b, "moves: {%s}\n", strings.Join(th, ", "))
	} else {
		fmt.Fprintf(&b, "moves: %t\n", cfg.Moves)
	}
	fmt.Fprintf(&b, "inference: %t\n", cfg.Inference)
	switch {
	case cfg.Unknown.Since != "":
		fmt.Fprintf(&b, "unknown: {as: %s, since: %s}\n", q(cfg.Unknown.As), q(cfg.Unknown.Since))
	case cfg.Unknown.As != "":
		fmt.Fprintf(&b, "unknown: %s\n", q(cfg.Unknown.As))
	}
	return b.String()
}

// settings prints what a configuration means, without where it came from.
func settings(cfg *Config) string {
	type rule struct{ Agent, Model, Author, Committer, Message string }
	re := func(r interface{ String() string }, isNil bool) string {
		if isNil {
			return "<none>"
		}
		return r.String()
	}
	var rules []rule
	for _, r := range cfg.Rules {
		rules = append(rules, rule{r.Agent, r.Model, re(r.Author, r.Author == nil), re(r.Committer, r.Committer == nil), re(r.Message, r.Message == nil)})
	}
	inc, exc := cfg.Paths.Include, cfg.Paths.Exclude
	if len(inc) == 0 {
		inc = nil
	}
	if len(exc) == 0 {
		exc = nil
	}
	return fmt.Sprintf("%#v %#v %#v %v %d %d %v %#v", rules, inc, exc, cfg.Moves, cfg.MovesWithin, cfg.MovesAcross, cfg.Inference, cfg.Unknown)
}
