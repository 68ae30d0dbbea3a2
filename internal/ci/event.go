package ci

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Event is what a GitHub event file says that the measurement needs.
type Event struct {
	Name string // pull_request, pull_request_target, push, ...
	// Pull request: its number, head commit (not the synthetic merge
	// commit actions/checkout checks out) and the base branch's commit.
	Number           int
	HeadSHA, BaseSHA string
	BaseRef          string
	// HeadRef is the pull request's head branch ("codex/fix-parser").
	HeadRef string
	// Push: the pushed ref and commit.
	Ref, After    string
	DefaultBranch string
}

// IsPullRequest reports whether the event is a pull request's.
func (e Event) IsPullRequest() bool {
	return e.Name == "pull_request" || e.Name == "pull_request_target"
}

// maxEventSize bounds what is read of an event file (GitHub's are well
// under this; a larger one is not an event file).
const maxEventSize = 64 << 20

// ReadEvent reads the GitHub event file at path for the event name.
func ReadEvent(path, name string) (Event, error) {
	if path == "" {
		return Event{}, errors.New("GITHUB_EVENT_PATH is not set")
	}
	f, err := os.Open(path)
	if err != nil {
		return Event{}, fmt.Errorf("cannot read the event file: %w", err)
	}
	defer f.Close()
	return ParseEvent(io.LimitReader(f, maxEventSize), name)
}

// ParseEvent parses a GitHub event payload. A pull request event must name
// its head commit; other events need nothing.
func ParseEvent(r io.Reader, name string) (Event, error) {
	var raw struct {
		Ref         string `json:"ref"`
		After       string `json:"after"`
		PullRequest *struct {
			Number int `json:"number"`
			Head   struct {
				SHA string `json:"sha"`
				Ref string `json:"ref"`
			} `json:"head"`
			Base struct {
				SHA string `json:"sha"`
				Ref string `json:"ref"`
			} `json:"base"`
		} `json:"pull_request"`
		Repository struct {
			DefaultBranch string `json:"default_branch"`
		} `json:"repository"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return Event{}, fmt.Errorf("the event file is not valid JSON: %v", err)
	}
	ev := Event{Name: name, Ref: raw.Ref, After: raw.After, DefaultBranch: raw.Repository.DefaultBranch}
	if pr := raw.PullRequest; pr != nil {
		ev.Number, ev.HeadSHA, ev.BaseSHA, ev.BaseRef = pr.Number, pr.Head.SHA, pr.Base.SHA, pr.Base.Ref
		ev.HeadRef = pr.Head.Ref
	}
	if ev.IsPullRequest() {
		switch {
		case ev.HeadSHA == "":
			return ev, errors.New("the pull_request event names no pull_request.head.sha")
		case !isHex(ev.HeadSHA):
			return ev, fmt.Errorf("pull_request.head.sha %q is not a commit id", ev.HeadSHA)
		}
		if ev.BaseSHA != "" && !isHex(ev.BaseSHA) {
			return ev, fmt.Errorf("pull_request.base.sha %q is not a commit id", ev.BaseSHA)
		}
		if ev.BaseRef != "" && !branchName(ev.BaseRef) {
			return ev, fmt.Errorf("pull_request.base.ref %q is not a branch name", ev.BaseRef)
		}
	}
	if ev.After != "" && !isHex(ev.After) {
		return ev, fmt.Errorf("the push event's after %q is not a commit id", ev.After)
	}
	return ev, nil
}

// isHex reports whether s looks like a full commit id (SHA-1 or SHA-256).
func isHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// branchName reports whether s is a branch name git accepts (the rules of
// git check-ref-format --branch), so that it can stand in a range.
func branchName(s string) bool {
	if s == "" || s == "@" || s[0] == '-' || strings.HasSuffix(s, "/") || strings.HasSuffix(s, ".") ||
		strings.Contains(s, "..") || strings.Contains(s, "@{") || strings.Contains(s, "//") {
		return false
	}
	for _, c := range []byte(s) {
		if c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" || part[0] == '.' || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	return true
}
