package checkpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/agentcfg"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// Phase says whether a checkpoint is taken before or after an agent writes.
type Phase int

// The phases.
const (
	Before Phase = iota + 1
	After
)

// Event is one checkpoint, whatever agent it came from.
type Event struct {
	Phase Phase
	// Dir is where the repository is looked for and relative paths start.
	Dir string
	// Paths are the files the agent is about to write or wrote; with
	// Command set, every file the working tree shows changed instead.
	Paths   []string
	Command bool
	Author  Author
	// Base and TrustBase are passed to Recorder.After.
	Base      BaseFunc
	TrustBase bool
	// Prove, when Base cannot tell, says whether a line the edit changed
	// is shown by the edit's own text to be the agent's; the others are
	// left to the commit's other evidence (see Recorder.Prove).
	Prove func(changed [][]byte) []bool
	// Enabled, when set, says whether checkpoints are used in a
	// repository (its hooks are installed). Where it says no, and outside
	// any repository, Record does nothing and says nothing: agent hooks
	// installed for a user run in every directory the user opens.
	Enabled func(context.Context, *gitx.Repo) bool
}

// Record takes the checkpoint ev describes. Every problem is a warning;
// the returned error is for a checkpoint that could not be taken at all
// (no repository, the lock held too long) and is also only worth a
// warning.
func Record(ctx context.Context, ev Event, warn func(string)) error {
	dir := ev.Dir
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		if dir, err = os.Getwd(); err != nil {
			return err
		}
	}
	repo, err := gitx.Open(ctx, dir)
	if err != nil {
		if ev.Enabled != nil && errors.Is(err, gitx.ErrNotRepository) {
			return nil
		}
		return err
	}
	if repo.Bare || repo.Top == "" {
		if ev.Enabled != nil {
			return nil
		}
		return fmt.Errorf("%s has no working tree", repo.GitDir)
	}
	if ev.Enabled != nil && !ev.Enabled(ctx, repo) {
		return nil
	}
	r := NewRecorder(repo, warn)
	r.Prove = ev.Prove
	var paths []string
	for _, p := range ev.Paths {
		if rel, ok := r.Path(dir, p); ok {
			paths = append(paths, rel)
		}
	}
	switch {
	case ev.Command && ev.Phase == Before:
		return r.BeforeCommand(ctx)
	case ev.Command:
		return r.AfterCommand(ctx, ev.Author)
	case len(paths) == 0:
		return nil
	case ev.Phase == Before:
		return r.Before(ctx, paths)
	default:
		return r.After(ctx, ev.Author, paths, ev.Base, ev.TrustBase)
	}
}

// edit is one string replacement an agent made.
type edit struct {
	Old        string `json:"old_string"`
	New        string `json:"new_string"`
	ReplaceAll bool   `json:"replace_all"`
}

// reverse undoes edits on cur, last first; ok is false when an edit cannot
// be located exactly (its new text is empty or not found once).
func reverse(cur []byte, edits []edit) ([]byte, bool) {
	s := string(cur)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		if e.New == "" {
			return nil, false
		}
		n := strings.Count(s, e.New)
		switch {
		case e.ReplaceAll && n > 0:
			s = strings.ReplaceAll(s, e.New, e.Old)
		case n == 1:
			s = strings.Replace(s, e.New, e.Old, 1)
		default:
			return nil, false
		}
	}
	return []byte(s), true
}

// decode reads one JSON object strictly enough to tell a truncated or
// malformed payload from a good one.
func decode(payload []byte, v any) error {
	payload = bytes.TrimSpace(payload)
	if len(payload) == 0 {
		return fmt.Errorf("the hook payload on stdin is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the hook payload is not valid JSON (%v)", err)
	}
	if dec.More() {
		return fmt.Errorf("the hook payload has text after its JSON object")
	}
	return nil
}

// toolEvent starts the event of a tool hook (Claude Code, Gemini CLI,
// Codex CLI): its phase from the hook's event name (before and after are
// the agent's names for the two), and the tool's input decoded into in
// (absent or null: in is left as it is).
func toolEvent(event, before, after, tool string, input json.RawMessage, in any) (Event, error) {
	var ev Event
	switch event {
	case before:
		ev.Phase = Before
	case after:
		ev.Phase = After
	case "":
		return ev, fmt.Errorf("the hook payload has no hook_event_name")
	default:
		return ev, fmt.Errorf("hook event %q is not a tool use; use the checkpoint for %s and %s", event, before, after)
	}
	if len(input) > 0 && string(input) != "null" {
		if err := json.Unmarshal(input, in); err != nil {
			return ev, fmt.Errorf("tool_input of %s is malformed (%v)", tool, err)
		}
	}
	return ev, nil
}

// otherTool is the error for a tool a hook's matcher should not have let
// through (or none).
func otherTool(tool, matcher string) error {
	if tool == "" {
		return fmt.Errorf("the hook payload has no tool_name")
	}
	return fmt.Errorf("tool %q does not write files; nothing recorded (hook matcher: %s)", tool, matcher)
}

// ClaudePayload is what Claude Code passes a PreToolUse or PostToolUse
// hook on stdin.
type ClaudePayload struct {
	SessionID      string          `json:"session_id"`
	TranscriptPath string          `json:"transcript_path"`
	Cwd            string          `json:"cwd"`
	HookEventName  string          `json:"hook_event_name"`
	ToolName       string          `json:"tool_name"`
	ToolInput      json.RawMessage `json:"tool_input"`
	ToolResponse   json.RawMessage `json:"tool_response"`
	ToolUseID      string          `json:"tool_use_id"`
	// Model is not sent by Claude Code today; used when a version does.
	Model string `json:"model"`
}

type claudeInput struct {
	FilePath     string `json:"file_path"`
	NotebookPath string `json:"notebook_path"`
	edit
	Edits []edit `json:"edits"`
}

type claudeResponse struct {
	Type         string  `json:"type"`
	OriginalFile *string `json:"originalFile"`
}

// ClaudeEvent turns a Claude Code hook payload into an event; ok is false
// (with a reason) when there is nothing to record.
func ClaudeEvent(payload []byte) (ev Event, err error) {
	var p ClaudePayload
	if err := decode(payload, &p); err != nil {
		return ev, err
	}
	var in claudeInput
	if ev, err = toolEvent(p.HookEventName, "PreToolUse", "PostToolUse", p.ToolName, p.ToolInput, &in); err != nil {
		return ev, err
	}
	ev.Dir = p.Cwd
	ev.Author = Author{Agent: "claude-code", Model: p.Model, Session: p.SessionID}
	switch p.ToolName {
	case "Bash":
		ev.Command = true
	case "Write", "Edit", "MultiEdit", "NotebookEdit":
		path := in.FilePath
		if p.ToolName == "NotebookEdit" && in.NotebookPath != "" {
			path = in.NotebookPath
		}
		if path == "" {
			return ev, fmt.Errorf("tool_input of %s has no file_path", p.ToolName)
		}
		ev.Paths = []string{path}
	default:
		return ev, otherTool(p.ToolName, agentcfg.ClaudeMatcher)
	}
	if ev.Phase == After {
		if ev.Author.Model == "" {
			ev.Author.Model = ModelFromTranscript(p.TranscriptPath)
		}
		var resp claudeResponse
		_ = json.Unmarshal(p.ToolResponse, &resp) // optional: a fallback only
		edits := in.Edits
		if p.ToolName == "Edit" {
			edits = []edit{in.edit}
		}
		tool := p.ToolName
		ev.Base = func(_ string, cur []byte) ([]byte, bool) {
			switch {
			case resp.OriginalFile != nil:
				return []byte(*resp.OriginalFile), true
			case tool == "Write" && resp.Type == "create":
				return nil, true
			case tool == "Edit" || tool == "MultiEdit":
				return reverse(cur, edits)
			}
			return nil, false
		}
	}
	return ev, nil
}

// CursorPayload is what Cursor passes its afterFileEdit and
// afterTabFileEdit hooks on stdin.
type CursorPayload struct {
	HookEventName  string   `json:"hook_event_name"`
	ConversationID string   `json:"conversation_id"`
	GenerationID   string   `json:"generation_id"`
	FilePath       string   `json:"file_path"`
	Edits          []edit   `json:"edits"`
	WorkspaceRoots []string `json:"workspace_roots"`
	Model          string   `json:"model"`
}

// CursorEvent turns a Cursor hook payload into an event. Cursor has no
// event before an edit: the content before it is rebuilt by undoing the
// payload's edits on the file (see the package documentation).
func CursorEvent(payload []byte) (ev Event, err error) {
	var p CursorPayload
	if err := decode(payload, &p); err != nil {
		return ev, err
	}
	switch p.HookEventName {
	case "afterFileEdit", "afterTabFileEdit":
	case "":
		return ev, fmt.Errorf("the hook payload has no hook_event_name")
	default:
		return ev, fmt.Errorf("the Cursor hook %q is not a file edit; use the checkpoint for afterFileEdit and afterTabFileEdit", p.HookEventName)
	}
	if p.FilePath == "" {
		return ev, fmt.Errorf("the %s payload has no file_path", p.HookEventName)
	}
	session := p.ConversationID
	if session == "" {
		session = p.GenerationID
	}
	ev = Event{Phase: After, Paths: []string{p.FilePath}, TrustBase: true,
		Author: Author{Agent: "cursor", Model: p.Model, Session: session}}
	for _, root := range p.WorkspaceRoots {
		if rel, err := filepath.Rel(root, p.FilePath); err == nil && !strings.HasPrefix(rel, "..") {
			ev.Dir = root
			break
		}
	}
	if ev.Dir == "" && filepath.IsAbs(p.FilePath) {
		ev.Dir = filepath.Dir(p.FilePath)
	}
	edits := p.Edits
	ev.Base = func(_ string, cur []byte) ([]byte, bool) {
		if len(edits) == 0 {
			return nil, false
		}
		return reverse(cur, edits)
	}
	ev.Prove = provenBy(edits)
	return ev, nil
}

// provenBy gives the lines an agent provably wrote when its edit cannot be
// undone: a changed line whose text is a line of the edits' new text, and
// that the changed lines hold no more often than the new text does (where
// they hold it more often, a person may have written one of them, and none
// is credited).
func provenBy(edits []edit) func(changed [][]byte) []bool {
	return func(changed [][]byte) []bool {
		want := map[string]int{}
		for _, e := range edits {
			for _, l := range splitLines([]byte(e.New)) {
				want[strings.TrimRight(string(l), "\r\n")]++
			}
		}
		have := map[string]int{}
		for _, l := range changed {
			have[strings.TrimRight(string(l), "\r\n")]++
		}
		out := make([]bool, len(changed))
		for i, l := range changed {
			k := strings.TrimRight(string(l), "\r\n")
			out[i] = want[k] > 0 && have[k] <= want[k]
		}
		return out
	}
}
