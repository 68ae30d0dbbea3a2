package checkpoint

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/agentcfg"
)

// GeminiPayload is what Gemini CLI passes a BeforeTool or AfterTool hook
// on stdin: the base fields every hook gets (session_id, transcript_path,
// cwd, hook_event_name, timestamp) and the tool's name, its arguments as
// the model wrote them and, after it ran, its result (llmContent,
// returnDisplay, error).
type GeminiPayload struct {
	SessionID      string          `json:"session_id"`
	TranscriptPath string          `json:"transcript_path"`
	Cwd            string          `json:"cwd"`
	HookEventName  string          `json:"hook_event_name"`
	Timestamp      string          `json:"timestamp"`
	ToolName       string          `json:"tool_name"`
	ToolInput      json.RawMessage `json:"tool_input"`
	ToolResponse   json.RawMessage `json:"tool_response"`
	// Model is not sent to tool hooks today; used when a version does.
	Model string `json:"model"`
}

type geminiInput struct {
	FilePath string `json:"file_path"`
	Old      string `json:"old_string"`
	New      string `json:"new_string"`
	// ExpectedReplacements (older releases) or AllowMultiple (newer)
	// let one replace change every occurrence.
	ExpectedReplacements *float64 `json:"expected_replacements"`
	AllowMultiple        bool     `json:"allow_multiple"`
}

// GeminiEvent turns a Gemini CLI hook payload into an event.
func GeminiEvent(payload []byte) (ev Event, err error) {
	var p GeminiPayload
	if err := decode(payload, &p); err != nil {
		return ev, err
	}
	var in geminiInput
	if ev, err = toolEvent(p.HookEventName, "BeforeTool", "AfterTool", p.ToolName, p.ToolInput, &in); err != nil {
		return ev, err
	}
	ev.Dir = p.Cwd
	ev.Author = Author{Agent: "gemini", Model: p.Model, Session: p.SessionID}
	switch p.ToolName {
	case "run_shell_command":
		ev.Command = true
		if ev.Phase == After && ev.Author.Model == "" {
			ev.Author.Model = ModelFromGeminiSession(p.TranscriptPath)
		}
		return ev, nil
	case "write_file", "replace":
		if in.FilePath == "" {
			return ev, fmt.Errorf("tool_input of %s has no file_path", p.ToolName)
		}
		ev.Paths = []string{in.FilePath}
	default:
		return ev, otherTool(p.ToolName, agentcfg.GeminiMatcher)
	}
	if ev.Phase == After && ev.Author.Model == "" {
		ev.Author.Model = ModelFromGeminiSession(p.TranscriptPath)
	}
	if ev.Phase == After {
		// The file tools' result shows the file before the edit
		// (returnDisplay.originalContent) in the releases that send it.
		var resp struct {
			ReturnDisplay json.RawMessage `json:"returnDisplay"`
		}
		var display struct {
			OriginalContent *string `json:"originalContent"`
		}
		if json.Unmarshal(p.ToolResponse, &resp) == nil {
			_ = json.Unmarshal(resp.ReturnDisplay, &display) // a string for other tools
		}
		all := in.AllowMultiple || (in.ExpectedReplacements != nil && *in.ExpectedReplacements > 1)
		edits := []edit{{Old: in.Old, New: in.New, ReplaceAll: all}}
		tool := p.ToolName
		ev.Base = func(_ string, cur []byte) ([]byte, bool) {
			switch {
			case display.OriginalContent != nil:
				return []byte(*display.OriginalContent), true
			case tool == "replace":
				return reverse(cur, edits)
			}
			return nil, false
		}
	}
	return ev, nil
}

// CodexPayload is what Codex CLI passes a PreToolUse or PostToolUse hook
// on stdin. Shell tools (tool_name "Bash") and apply_patch both carry
// their text in tool_input.command: the shell command, or the patch.
type CodexPayload struct {
	SessionID      string          `json:"session_id"`
	TurnID         string          `json:"turn_id"`
	TranscriptPath *string         `json:"transcript_path"`
	Cwd            string          `json:"cwd"`
	HookEventName  string          `json:"hook_event_name"`
	Model          string          `json:"model"`
	PermissionMode string          `json:"permission_mode"`
	ToolName       string          `json:"tool_name"`
	ToolInput      json.RawMessage `json:"tool_input"`
	ToolResponse   json.RawMessage `json:"tool_response"`
	ToolUseID      string          `json:"tool_use_id"`
}

// CodexEvent turns a Codex CLI hook payload into an event.
func CodexEvent(payload []byte) (ev Event, err error) {
	var p CodexPayload
	if err := decode(payload, &p); err != nil {
		return ev, err
	}
	var in struct {
		Command json.RawMessage `json:"command"`
	}
	if ev, err = toolEvent(p.HookEventName, "PreToolUse", "PostToolUse", p.ToolName, p.ToolInput, &in); err != nil {
		return ev, err
	}
	ev.Dir = p.Cwd
	ev.Author = Author{Agent: "codex", Model: p.Model, Session: p.SessionID}
	switch p.ToolName {
	case "Bash", "shell", "local_shell", "exec_command", "unified_exec":
		ev.Command = true
		return ev, nil
	case "apply_patch":
		var patch string
		if err := json.Unmarshal(in.Command, &patch); err != nil || patch == "" {
			return ev, fmt.Errorf("tool_input of apply_patch has no patch in command")
		}
		paths, err := PatchPaths(patch)
		if err != nil {
			return ev, err
		}
		ev.Paths = paths
		if len(paths) == 0 {
			return ev, fmt.Errorf("the patch of apply_patch adds or updates no file")
		}
		if ev.Phase == After {
			// Without the snapshot PreToolUse takes, the content before is
			// unknown: only the patch's added lines are Codex's.
			var added []edit
			for _, l := range strings.Split(strings.ReplaceAll(patch, "\r\n", "\n"), "\n") {
				if strings.HasPrefix(l, "+") {
					added = append(added, edit{New: l[1:] + "\n"})
				}
			}
			ev.Base = func(string, []byte) ([]byte, bool) { return nil, false }
			ev.Prove = provenBy(added)
		}
		return ev, nil
	default:
		return ev, otherTool(p.ToolName, agentcfg.CodexMatcher)
	}
}

// PatchPaths lists the files a Codex patch adds or updates (with "Move
// to", the new name), in order and without repeats. Files it only deletes
// are left out: nothing of theirs is left to credit.
//
//	*** Begin Patch
//	*** Add File: <path>
//	*** Update File: <path>
//	*** Move to: <path>
//	*** Delete File: <path>
//	*** End Patch
func PatchPaths(patch string) ([]string, error) {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(patch), "\r\n", "\n"), "\n")
	if len(lines) < 2 || strings.TrimSpace(lines[0]) != "*** Begin Patch" {
		return nil, fmt.Errorf("the patch of apply_patch does not start with *** Begin Patch")
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, filepath.FromSlash(p))
		}
	}
	var updated string // the file of the last Update File, until Move to
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "*** Add File: "):
			add(strings.TrimPrefix(l, "*** Add File: "))
			updated = ""
		case strings.HasPrefix(l, "*** Update File: "):
			updated = strings.TrimPrefix(l, "*** Update File: ")
			add(updated)
		case strings.HasPrefix(l, "*** Move to: "):
			if updated != "" {
				// The old name ends deleted; only the new one is written.
				old := filepath.FromSlash(strings.TrimSpace(updated))
				delete(seen, strings.TrimSpace(updated))
				for i, p := range out {
					if p == old {
						out = append(out[:i], out[i+1:]...)
						break
					}
				}
				updated = ""
			}
			add(strings.TrimPrefix(l, "*** Move to: "))
		case strings.HasPrefix(l, "*** Delete File: "):
			updated = ""
		}
	}
	return out, nil
}
