package agentcfg

import (
	"encoding/json"
	"fmt"
)

// ClaudeMatcher is the tool matcher of our Claude Code hooks.
const ClaudeMatcher = "Edit|MultiEdit|Write|NotebookEdit|Bash"

// claudeTimeout is the seconds Claude Code gives our hook (a checkpoint
// gives up well before).
const claudeTimeout = 10

// container returns doc[key] as an object, creating it when absent.
func container(doc *object, key string) (*object, error) {
	v, ok := doc.get(key)
	if !ok {
		o := newObject()
		doc.set(key, o)
		return o, nil
	}
	o, ok := v.(*object)
	if !ok {
		return nil, fmt.Errorf("%q is not an object", key)
	}
	return o, nil
}

func list(doc *object, key string) ([]any, error) {
	v, ok := doc.get(key)
	if !ok {
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%q is not a list", key)
	}
	return a, nil
}

func str(o any, key string) string {
	if ob, ok := o.(*object); ok {
		if v, ok := ob.get(key); ok {
			if s, ok := v.(string); ok {
				return s
			}
		}
	}
	return ""
}

// toolHooks describes the agents whose settings take, under "hooks", one
// group per event: {"matcher": ..., "hooks": [{"type": "command",
// "command": ..., "timeout": ...}]} (Claude Code, Gemini CLI, Codex CLI).
type toolHooks struct {
	agent   string
	events  []string
	matcher string
	timeout int // in the agent's unit: seconds, or milliseconds for Gemini
}

var (
	claudeHooks = toolHooks{agent: "claude-code", events: []string{"PreToolUse", "PostToolUse"}, matcher: ClaudeMatcher, timeout: claudeTimeout}
	geminiHooks = toolHooks{agent: "gemini", events: []string{"BeforeTool", "AfterTool"}, matcher: GeminiMatcher, timeout: claudeTimeout * 1000}
	codexHooks  = toolHooks{agent: "codex", events: []string{"PreToolUse", "PostToolUse"}, matcher: CodexMatcher, timeout: claudeTimeout}
)

// GeminiMatcher and CodexMatcher are the tool matchers of our Gemini CLI
// and Codex CLI hooks: the tools that write files.
const (
	GeminiMatcher = "write_file|replace|run_shell_command"
	CodexMatcher  = "apply_patch|Bash"
)

func addClaude(doc *object) (bool, error) { return claudeHooks.add(doc) }
func removeClaude(doc *object) bool       { return claudeHooks.remove(doc) }
func addGemini(doc *object) (bool, error) { return geminiHooks.add(doc) }
func removeGemini(doc *object) bool       { return geminiHooks.remove(doc) }
func addCodex(doc *object) (bool, error)  { return codexHooks.add(doc) }
func removeCodex(doc *object) bool        { return codexHooks.remove(doc) }

func (t toolHooks) add(doc *object) (bool, error) {
	hooks, err := container(doc, "hooks")
	if err != nil {
		return false, err
	}
	cmd := Command(t.agent)
	changed := false
	for _, event := range t.events {
		groups, err := list(hooks, event)
		if err != nil {
			return false, fmt.Errorf("hooks.%s is not a list", event)
		}
		found := false
		for _, g := range groups {
			gob, ok := g.(*object)
			if !ok {
				continue
			}
			hs, _ := list(gob, "hooks")
			for _, h := range hs {
				hob, ok := h.(*object)
				if !ok || !ours(str(hob, "command"), t.agent) {
					continue
				}
				found = true
				if str(hob, "command") != cmd {
					hob.set("command", cmd)
					changed = true
				}
				if str(gob, "matcher") != t.matcher {
					gob.set("matcher", t.matcher)
					changed = true
				}
			}
		}
		if found {
			continue
		}
		h := newObject()
		if t.agent == "gemini" {
			h.set("name", "git-ai-survival")
		}
		h.set("type", "command")
		h.set("command", cmd)
		h.set("timeout", json.Number(fmt.Sprint(t.timeout)))
		g := newObject()
		g.set("matcher", t.matcher)
		g.set("hooks", []any{h})
		hooks.set(event, append(groups, g))
		changed = true
	}
	return changed, nil
}

func (t toolHooks) remove(doc *object) bool {
	v, ok := doc.get("hooks")
	hooks, isObj := v.(*object)
	if !ok || !isObj {
		return false
	}
	changed := false
	for _, event := range t.events {
		groups, err := list(hooks, event)
		if err != nil || groups == nil {
			continue
		}
		var keep []any
		for _, g := range groups {
			gob, ok := g.(*object)
			if !ok {
				keep = append(keep, g)
				continue
			}
			hs, err := list(gob, "hooks")
			if err != nil {
				keep = append(keep, g)
				continue
			}
			var rest []any
			for _, h := range hs {
				if ours(str(h, "command"), t.agent) {
					changed = true
					continue
				}
				rest = append(rest, h)
			}
			if len(rest) == len(hs) {
				keep = append(keep, g)
				continue
			}
			if len(rest) > 0 {
				gob.set("hooks", rest)
				keep = append(keep, g)
			}
		}
		if len(keep) == 0 {
			hooks.del(event)
		} else {
			hooks.set(event, keep)
		}
	}
	if changed && len(hooks.keys) == 0 {
		doc.del("hooks")
	}
	return changed
}

// cursorEvents are the Cursor hooks we add.
var cursorEvents = []string{"afterFileEdit", "afterTabFileEdit"}

func addCursor(doc *object) (bool, error) {
	changed := false
	if _, ok := doc.get("version"); !ok {
		doc.setFirst("version", json.Number("1"))
		changed = true
	}
	hooks, err := container(doc, "hooks")
	if err != nil {
		return false, err
	}
	cmd := Command("cursor")
	for _, event := range cursorEvents {
		entries, err := list(hooks, event)
		if err != nil {
			return false, fmt.Errorf("hooks.%s is not a list", event)
		}
		found := false
		for _, e := range entries {
			eob, ok := e.(*object)
			if !ok || !ours(str(eob, "command"), "cursor") {
				continue
			}
			found = true
			if str(eob, "command") != cmd {
				eob.set("command", cmd)
				changed = true
			}
		}
		if !found {
			e := newObject()
			e.set("command", cmd)
			hooks.set(event, append(entries, e))
			changed = true
		}
	}
	return changed, nil
}

func removeCursor(doc *object) bool {
	v, ok := doc.get("hooks")
	hooks, isObj := v.(*object)
	if !ok || !isObj {
		return false
	}
	changed := false
	for _, event := range cursorEvents {
		entries, err := list(hooks, event)
		if err != nil || entries == nil {
			continue
		}
		var keep []any
		for _, e := range entries {
			if ours(str(e, "command"), "cursor") {
				changed = true
				continue
			}
			keep = append(keep, e)
		}
		if len(keep) == 0 {
			hooks.del(event)
		} else {
			hooks.set(event, keep)
		}
	}
	return changed
}
