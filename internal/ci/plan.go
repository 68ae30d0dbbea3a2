package ci

import (
	"fmt"
	"strings"
)

// Scope is one measurement: a range of commits and its title.
type Scope struct {
	// ID names the scope in outputs and metrics: "pr", "branch",
	// "repository", "release" or "range".
	ID    string
	Title string
	// Range is what the report reads ("A..B", or a revision for all of its
	// history); End is the revision it is measured at.
	Range string
	End   string
	// Branch is the branch the range's commits come from, when known (a
	// pull request's head branch): an agent's branch name is evidence.
	Branch string
}

// Start is A of an "A..B" range ("" when the range has no start).
func (s Scope) Start() string {
	a, _, ok := strings.Cut(s.Range, "..")
	if !ok {
		return ""
	}
	return a
}

// Bounded reports whether the scope starts somewhere (A..B), so that a
// deepened shallow clone may be enough for it.
func (s Scope) Bounded() bool { return s.Start() != "" }

// Request is what the user and the environment ask for.
type Request struct {
	// Range measures this range alone (--range).
	Range string
	// Base measures base..head and the repository as a whole (--base).
	Base string
	// Env and Event (nil when there is none) come from the CI system.
	Env   Env
	Event *Event
}

// Plan is what to measure.
type Plan struct {
	// Head is the revision the job is about: the pull request's head
	// commit, the pushed commit, else HEAD.
	Head   string
	Scopes []Scope
	// Release asks for the last release range too (resolved after the
	// clone is deepened, since tags may arrive then).
	Release bool
	// Why says in a few words what the plan is for ("pull request #12").
	Why string
}

// Choose picks the scopes: an explicit --range alone; --base with the
// repository; a pull or merge request's commits with the repository;
// otherwise (a push, a tag, a schedule, a local run) the whole history and
// the last release.
func Choose(req Request) Plan {
	p := Plan{Head: "HEAD"}
	ev, env := req.Event, req.Env
	switch {
	case ev != nil && ev.IsPullRequest():
		p.Head = ev.HeadSHA
	case ev != nil && ev.After != "" && strings.Trim(ev.After, "0") != "":
		p.Head = ev.After
	case env.Kind == GitLab && env.MRSourceSHA != "":
		p.Head = env.MRSourceSHA
	case env.SHA != "" && isHex(env.SHA):
		p.Head = env.SHA
	}
	repository := Scope{ID: "repository", Title: "The repository (all history)", Range: p.Head, End: p.Head}
	switch {
	case req.Range != "":
		_, end, ok := strings.Cut(req.Range, "..")
		if !ok {
			end = req.Range
		}
		if end == "" {
			end = "HEAD"
		}
		p.Head = end
		p.Scopes = []Scope{{ID: "range", Title: "Range " + req.Range, Range: req.Range, End: end}}
		p.Why = "range " + req.Range
	case req.Base != "":
		p.Scopes = []Scope{{ID: "branch", Title: "Changes since " + req.Base, Range: req.Base + ".." + p.Head, End: p.Head}, repository}
		p.Why = "changes since " + req.Base
	case ev != nil && ev.IsPullRequest():
		base := ev.BaseSHA
		if base == "" && ev.BaseRef != "" {
			base = "refs/remotes/origin/" + ev.BaseRef
		}
		title := fmt.Sprintf("This pull request (#%d)", ev.Number)
		p.Scopes = []Scope{{ID: "pr", Title: title, Range: base + ".." + p.Head, End: p.Head, Branch: ev.HeadRef}, repository}
		p.Why = fmt.Sprintf("pull request #%d", ev.Number)
	case env.Kind == GitLab && env.PipelineSource == "merge_request_event" && env.MRBaseSHA != "":
		title := "This merge request"
		if env.MRIID != "" {
			title += " (!" + env.MRIID + ")"
		}
		p.Scopes = []Scope{{ID: "pr", Title: title, Range: env.MRBaseSHA + ".." + p.Head, End: p.Head, Branch: env.MRSourceBranch}, repository}
		p.Why = "merge request " + env.MRIID
	default:
		p.Scopes = []Scope{repository}
		p.Release = true
		p.Why = "the whole history"
	}
	return p
}
