package ci

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseEvent: any GitHub event file, for any event name, never panics;
// an event it accepts names only full commit ids where they are used (the
// push's, and the pull request's for a pull request event), its base branch (used
// when the base commit is missing) is a branch name git reads as one, the
// pull request's range has two ends that are not options, and the event
// written back as JSON parses to the same event.
func FuzzParseEvent(f *testing.F) {
	head, base := strings.Repeat("a", 40), strings.Repeat("b", 64)
	f.Add(`{"number":3,"pull_request":{"number":3,"head":{"sha":"`+head+`","ref":"claude/fix-x"},"base":{"sha":"`+base+`","ref":"main"}}}`, "pull_request")
	f.Add(`{"pull_request":{"number":7,"head":{"sha":"`+strings.ToUpper(head)+`","ref":"x"},"base":{"ref":"release/1.x"}}}`, "pull_request_target")
	f.Add(`{"ref":"refs/heads/main","after":"`+head+`","repository":{"default_branch":"main"}}`, "push")
	f.Add(`{"ref":"refs/heads/gone","after":"0000000000000000000000000000000000000000"}`, "push")
	f.Add(`{"pull_request":{"head":{"sha":"--output=/tmp/x"}}}`, "pull_request")
	f.Add(`{"pull_request":{"head":{"sha":"`+head+`"},"base":{"ref":"a..b"}}}`, "pull_request")
	f.Add(`{"pull_request":{"head":{"sha":"`+head+`"},"base":{"ref":"-x"}}}`, "pull_request")
	f.Add(`{"pull_request":null} trailing`, "schedule")
	f.Add(`[]`, "workflow_dispatch")
	f.Fuzz(func(t *testing.T, data, name string) {
		ev, err := ParseEvent(strings.NewReader(data), name)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if ev.Name != name {
			t.Fatalf("name %q, want %q", ev.Name, name)
		}
		if ev.IsPullRequest() && !isHex(ev.HeadSHA) {
			t.Fatalf("pull request head %q accepted", ev.HeadSHA)
		}
		if ev.After != "" && !isHex(ev.After) {
			t.Fatalf("push commit id %q accepted", ev.After)
		}
		if ev.IsPullRequest() {
			if ev.BaseSHA != "" && !isHex(ev.BaseSHA) {
				t.Fatalf("base commit id %q accepted", ev.BaseSHA)
			}
			if ev.BaseSHA == "" && ev.BaseRef != "" && !branchName(ev.BaseRef) {
				t.Fatalf("base branch %q accepted", ev.BaseRef)
			}
			p := Choose(Request{Event: &ev})
			for _, s := range p.Scopes {
				for _, end := range strings.SplitN(s.Range, "..", 2) {
					if strings.HasPrefix(end, "-") {
						t.Fatalf("range %q of scope %s starts an option", s.Range, s.ID)
					}
				}
			}
		}
		// Written back in GitHub's shape, it parses the same.
		var raw struct {
			Ref         string `json:"ref,omitempty"`
			After       string `json:"after,omitempty"`
			PullRequest any    `json:"pull_request,omitempty"`
			Repository  any    `json:"repository"`
		}
		raw.Ref, raw.After = ev.Ref, ev.After
		raw.Repository = map[string]string{"default_branch": ev.DefaultBranch}
		if ev.Number != 0 || ev.HeadSHA != "" || ev.BaseSHA != "" || ev.BaseRef != "" || ev.HeadRef != "" {
			raw.PullRequest = map[string]any{"number": ev.Number,
				"head": map[string]string{"sha": ev.HeadSHA, "ref": ev.HeadRef},
				"base": map[string]string{"sha": ev.BaseSHA, "ref": ev.BaseRef}}
		}
		out, err := json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseEvent(strings.NewReader(string(out)), name)
		if err != nil || again != ev {
			t.Fatalf("%s written back as %s parsed to %+v, %v", data, out, again, err)
		}
	})
}
