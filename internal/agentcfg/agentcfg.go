// Package agentcfg merges git-ai-survival's checkpoint hooks into the
// project settings of AI agents, and takes them out again.
//
//   - Claude Code: .claude/settings.json gets, under "hooks", one
//     PreToolUse and one PostToolUse entry (matcher
//     "Edit|MultiEdit|Write|NotebookEdit|Bash") that run
//     `git-ai-survival checkpoint --agent claude-code`.
//   - Cursor: .cursor/hooks.json gets afterFileEdit and afterTabFileEdit
//     entries that run `git-ai-survival checkpoint --agent cursor`
//     (and "version": 1 when the file has none).
//   - Gemini CLI: .gemini/settings.json gets, under "hooks", one
//     BeforeTool and one AfterTool group (matcher
//     "write_file|replace|run_shell_command", timeout in milliseconds).
//   - Codex CLI: .codex/hooks.json gets one PreToolUse and one
//     PostToolUse group (matcher "apply_patch|Bash").
//
// InstallUser does the same in the user-level files under the home
// directory, so that the agent checkpoints in every repository (a
// checkpoint in a repository without our git hooks does nothing).
//
// Every key and hook already in the file is kept, in its order, and the
// file keeps its indentation. Installing again changes nothing (an entry of
// ours with an older command is updated in place). Our entries are found by
// their command, so a file committed by a teammate is recognised too.
//
// Install records, in <common-dir>/ai-survival/agents/state.json, each file
// it changed: its bytes before (or that it did not exist) and the digest
// of what it wrote. Uninstall puts a file back byte for byte when it is
// still exactly what install wrote (removing a file and directory install
// created); when it has been edited since, only our entries are taken out.
package agentcfg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
)

// agent is one agent's settings file and our entries in it.
type agent struct {
	name string
	file string // relative to the top of the working tree
	// add puts our entries into doc and reports whether it changed.
	add func(doc *object) (bool, error)
	// remove takes our entries out of doc and reports whether it changed.
	remove func(doc *object) bool
}

// Names lists the agents install knows, sorted.
func Names() []string {
	var out []string
	for _, a := range agents {
		out = append(out, a.name)
	}
	sort.Strings(out)
	return out
}

// Known reports whether install knows the agent.
func Known(name string) bool { return find(name) != nil }

func find(name string) *agent {
	for i := range agents {
		if agents[i].name == name {
			return &agents[i]
		}
	}
	return nil
}

var agents = []agent{
	{name: "claude-code", file: filepath.Join(".claude", "settings.json"), add: addClaude, remove: removeClaude},
	{name: "cursor", file: filepath.Join(".cursor", "hooks.json"), add: addCursor, remove: removeCursor},
	{name: "gemini", file: filepath.Join(".gemini", "settings.json"), add: addGemini, remove: removeGemini},
	{name: "codex", file: filepath.Join(".codex", "hooks.json"), add: addCodex, remove: removeCodex},
}

// Command is what our hooks run for agent. Agents run hook commands with a
// shell; the command is guarded so that a teammate without git-ai-survival
// gets one line on stderr saying what is lost, never a failing tool call,
// and a failing checkpoint never blocks the agent either.
func Command(agentName string) string {
	// Gemini CLI wants JSON, and only JSON, on stdout.
	fallback, missing := "true", ""
	if agentName == "gemini" {
		fallback, missing = "echo '{}'", " echo '{}';"
	}
	return "if command -v git-ai-survival >/dev/null 2>&1; then " +
		"git-ai-survival checkpoint --agent " + agentName + " || " + fallback + "; " +
		"else echo '" + MissingWarning + "' >&2;" + missing + " fi"
}

// MissingWarning is what an agent hook prints when the binary is not on
// PATH.
const MissingWarning = "warning: git-ai-survival is not on PATH: the lines this agent writes are not recorded (install it, or run: git ai-survival status)"

// ours reports whether a hook command is one of ours for agent.
func ours(cmd, agentName string) bool {
	for _, p := range []string{"git-ai-survival checkpoint --agent ", "git ai-survival checkpoint --agent "} {
		if i := strings.Index(cmd, p); i >= 0 {
			rest := cmd[i+len(p):]
			if rest == agentName || strings.HasPrefix(rest, agentName+" ") {
				return true
			}
		}
	}
	return false
}

// Action says what happened to one settings file.
type Action string

// The actions.
const (
	Added    Action = "added"      // our hooks were merged in
	Created  Action = "created"    // the file did not exist
	UpToDate Action = "up to date" // nothing to do
	Updated  Action = "updated"    // an older entry of ours was replaced
	Restored Action = "restored"   // put back byte for byte
	Removed  Action = "removed"    // the file install created is deleted
	Stripped Action = "stripped"   // edited since install: only our entries taken out
	Missing  Action = "missing"    // the file is gone already
)

// Change is what happened to one agent's settings file.
type Change struct {
	Agent  string
	Path   string
	Action Action
}

type fileEntry struct {
	Agent string `json:"agent"`
	Path  string `json:"path"` // absolute
	// Created says the file did not exist; CreatedDir that its directory
	// did not either. Original holds the bytes before install otherwise.
	Created    bool   `json:"created,omitempty"`
	CreatedDir bool   `json:"created_dir,omitempty"`
	Original   []byte `json:"original,omitempty"`
	Written    string `json:"written"`
}

type state struct {
	Version int         `json:"version"`
	Files   []fileEntry `json:"files"`
	path    string
}

func loadState(common string) (*state, error) {
	return loadStateAt(filepath.Join(common, "ai-survival", "agents", "state.json"))
}

func loadStateAt(path string) (*state, error) {
	st := &state{Version: 1, path: path}
	b, err := os.ReadFile(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("reading %s: %w (move it away to start afresh)", st.path, err)
	}
	return st, nil
}

func (st *state) save() error {
	if len(st.Files) == 0 {
		err := os.Remove(st.path)
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		_ = os.Remove(filepath.Dir(st.path))
		_ = os.Remove(filepath.Dir(filepath.Dir(st.path))) // only if empty
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(st.path), 0o755); err != nil {
		return err
	}
	return fsx.WriteFileAtomic(st.path, append(b, '\n'), 0o644)
}

func (st *state) entry(path string) *fileEntry {
	for i := range st.Files {
		if st.Files[i].Path == path {
			return &st.Files[i]
		}
	}
	return nil
}

// Install merges the hooks of the named agents into their settings files
// in the working tree top; common is the repository's common git dir.
func Install(top, common string, names []string) ([]Change, error) {
	st, err := loadState(common)
	if err != nil {
		return nil, err
	}
	return installAll(top, st, names)
}

// UserDirs are the user's home directory (the agents' user-level settings
// are under it) and the file that records what InstallUser changed.
func UserDirs() (home, stateFile string, err error) {
	if home, err = os.UserHomeDir(); err != nil {
		return "", "", err
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return "", "", err
	}
	return home, UserStateFile(config), nil
}

// UserStateFile is where InstallUser records what it changed, under the
// user's configuration directory (os.UserConfigDir).
func UserStateFile(configDir string) string {
	return filepath.Join(configDir, "git-ai-survival", "agents", "state.json")
}

// InstallUser merges the hooks of the named agents into their user-level
// settings under home (~/.claude/settings.json, ~/.cursor/hooks.json,
// ~/.gemini/settings.json, ~/.codex/hooks.json), so that the agent takes
// checkpoints in every repository; stateFile records the changes for
// UninstallUser.
func InstallUser(home, stateFile string, names []string) ([]Change, error) {
	st, err := loadStateAt(stateFile)
	if err != nil {
		return nil, err
	}
	return installAll(home, st, names)
}

// UninstallUser takes our hooks out of the user-level settings InstallUser
// changed.
func UninstallUser(stateFile string) ([]Change, error) {
	st, err := loadStateAt(stateFile)
	if err != nil {
		return nil, err
	}
	return uninstallAll(st)
}

func installAll(top string, st *state, names []string) ([]Change, error) {
	var changes []Change
	var errs []error
	for _, name := range names {
		a := find(name)
		if a == nil {
			return changes, fmt.Errorf("unknown agent %q (known: %s)", name, strings.Join(Names(), ", "))
		}
		c, err := install(a, top, st)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		changes = append(changes, c)
	}
	if err := st.save(); err != nil {
		errs = append(errs, fmt.Errorf("saving the agent install state: %w", err))
	}
	return changes, errors.Join(errs...)
}

func install(a *agent, top string, st *state) (Change, error) {
	path := filepath.Join(top, a.file)
	c := Change{Agent: a.name, Path: path}
	orig, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return c, fmt.Errorf("reading %s: %w", path, err)
	}
	doc := newObject()
	indent := "  "
	if exists && len(bytes.TrimSpace(orig)) > 0 {
		if doc, err = parseObject(orig); err != nil {
			return c, fmt.Errorf("%s is not valid JSON (%v); fix it, then run install again", path, err)
		}
		indent = detectIndent(orig)
	}
	changed, err := a.add(doc)
	if err != nil {
		return c, fmt.Errorf("%s: %w; fix it, then run install again", path, err)
	}
	if !changed {
		c.Action = UpToDate
		return c, nil
	}
	out := encode(doc, indent)
	dirExisted := true
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		dirExisted = false
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return c, err
		}
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := fsx.WriteFileAtomic(path, out, mode); err != nil {
		return c, fmt.Errorf("writing %s: %w", path, err)
	}
	e := st.entry(path)
	switch {
	case e != nil:
		c.Action = Updated
		e.Written = digest(out)
	case !exists:
		c.Action = Created
		st.Files = append(st.Files, fileEntry{Agent: a.name, Path: path, Created: true, CreatedDir: !dirExisted, Written: digest(out)})
	default:
		c.Action = Added
		st.Files = append(st.Files, fileEntry{Agent: a.name, Path: path, Original: orig, Written: digest(out)})
	}
	return c, nil
}

// Uninstall takes our hooks out of every settings file install changed.
func Uninstall(common string) ([]Change, error) {
	st, err := loadState(common)
	if err != nil {
		return nil, err
	}
	return uninstallAll(st)
}

func uninstallAll(st *state) ([]Change, error) {
	var changes []Change
	var errs []error
	var keep []fileEntry
	for _, e := range st.Files {
		c, err := uninstall(e)
		if err != nil {
			errs = append(errs, err)
			keep = append(keep, e)
			continue
		}
		changes = append(changes, c)
	}
	st.Files = keep
	if err := st.save(); err != nil {
		errs = append(errs, err)
	}
	return changes, errors.Join(errs...)
}

func uninstall(e fileEntry) (Change, error) {
	c := Change{Agent: e.Agent, Path: e.Path}
	cur, err := os.ReadFile(e.Path)
	if errors.Is(err, fs.ErrNotExist) {
		c.Action = Missing
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if digest(cur) == e.Written {
		if e.Created {
			c.Action = Removed
			if err := os.Remove(e.Path); err != nil {
				return c, err
			}
			if e.CreatedDir {
				_ = os.Remove(filepath.Dir(e.Path)) // only if empty
			}
			return c, nil
		}
		c.Action = Restored
		mode := fs.FileMode(0o644)
		if fi, err := os.Stat(e.Path); err == nil {
			mode = fi.Mode().Perm()
		}
		return c, fsx.WriteFileAtomic(e.Path, e.Original, mode)
	}
	// Edited since: take only our entries out.
	a := find(e.Agent)
	doc, err := parseObject(cur)
	if a == nil || err != nil {
		return c, fmt.Errorf("%s was edited since install and is not valid JSON; remove the git-ai-survival checkpoint hooks from it by hand", e.Path)
	}
	c.Action = Stripped
	if !a.remove(doc) {
		return c, nil
	}
	fi, _ := os.Stat(e.Path)
	return c, fsx.WriteFileAtomic(e.Path, encode(doc, detectIndent(cur)), fi.Mode().Perm())
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
