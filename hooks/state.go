package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
)

// stateVersion is the version of state.json.
const stateVersion = 1

// Kinds of hook entries in the state.
const (
	kindCreated  = "created"  // there was no hook: the file is ours
	kindInserted = "inserted" // our block was inserted into a foreign shell script
	kindWrapped  = "wrapped"  // the foreign hook was moved aside, ours execs it
)

// state is what install did, for uninstall: <common>/ai-survival/install/state.json.
type state struct {
	Version int `json:"version"`
	// Dirs are the hook directories install created (removed again when empty).
	Dirs   []string      `json:"created_dirs,omitempty"`
	Hooks  []hookEntry   `json:"hooks"`
	Config []configEntry `json:"config"`

	dir  string // the state directory
	base string // relative paths in the state are relative to this
}

type hookEntry struct {
	Name string `json:"name"`
	// Path of the hook file: relative to the directory holding the common
	// dir when inside it (so a moved checkout still uninstalls), else absolute.
	Path string `json:"path"`
	Kind string `json:"kind"`
	// Mode and Backup (a file under backup/) are the original file's, for
	// inserted and wrapped regular files; Link is the target of a wrapped
	// symbolic link.
	Mode   fs.FileMode `json:"mode,omitempty"`
	Backup string      `json:"backup,omitempty"`
	Link   string      `json:"link,omitempty"`
	// Written is the SHA-256 of what install last wrote.
	Written string `json:"written"`
}

type configEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// NewSection says the section had no keys before install added this
	// value; uninstall removes the section again when it is left empty.
	NewSection bool `json:"new_section,omitempty"`
}

func stateDir(common string) string {
	return filepath.Join(common, "ai-survival", "install")
}

// loadState reads the state of the repository whose common dir is common;
// a missing state is an empty one.
func loadState(common string) (*state, error) {
	st := &state{Version: stateVersion, dir: stateDir(common), base: filepath.Dir(common)}
	b, err := os.ReadFile(filepath.Join(st.dir, "state.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the install state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("reading the install state %s: %w (move it away to start afresh)", filepath.Join(st.dir, "state.json"), err)
	}
	if st.Version > stateVersion {
		return nil, fmt.Errorf("%s was written by a newer git-ai-survival (state version %d); use that version", filepath.Join(st.dir, "state.json"), st.Version)
	}
	return st, nil
}

func (st *state) empty() bool {
	return len(st.Hooks) == 0 && len(st.Config) == 0 && len(st.Dirs) == 0
}

// save writes the state, or removes it when there is nothing left to undo.
func (st *state) save() error {
	if st.empty() {
		return st.remove()
	}
	st.Version = stateVersion
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return fmt.Errorf("saving the install state: %w", err)
	}
	return fsx.WriteFileAtomic(filepath.Join(st.dir, "state.json"), append(b, '\n'), 0o644)
}

// remove deletes the state directory, and its parent when that is empty.
func (st *state) remove() error {
	if err := os.RemoveAll(st.dir); err != nil {
		return fmt.Errorf("removing the install state: %w", err)
	}
	_ = os.Remove(filepath.Dir(st.dir)) // only if empty: others keep data there
	return nil
}

// rel is how p is written in the state.
func (st *state) rel(p string) string {
	if r, err := filepath.Rel(st.base, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return p
}

// abs resolves a path written in the state.
func (st *state) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(st.base, filepath.FromSlash(p))
}

func (st *state) hook(p string) *hookEntry {
	r := st.rel(p)
	for i := range st.Hooks {
		if st.Hooks[i].Path == r {
			return &st.Hooks[i]
		}
	}
	return nil
}

func (st *state) putHook(e hookEntry) {
	for i := range st.Hooks {
		if st.Hooks[i].Path == e.Path {
			st.Hooks[i] = e
			return
		}
	}
	st.Hooks = append(st.Hooks, e)
}

// dropHook forgets the entry for path p and its backup.
func (st *state) dropHook(p string) {
	r := st.rel(p)
	out := st.Hooks[:0]
	for _, e := range st.Hooks {
		if e.Path == r {
			if e.Backup != "" {
				_ = os.Remove(filepath.Join(st.dir, "backup", e.Backup))
			}
			continue
		}
		out = append(out, e)
	}
	st.Hooks = out
}

// backup saves a byte-exact copy of content for the hook at p and returns
// its name under backup/.
func (st *state) backup(p, name string, content []byte) (string, error) {
	sum := sha256.Sum256([]byte(st.rel(p)))
	file := hex.EncodeToString(sum[:8]) + "-" + name
	dir := filepath.Join(st.dir, "backup")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("backing up %s: %w", p, err)
	}
	if err := fsx.WriteFileAtomic(filepath.Join(dir, file), content, 0o600); err != nil {
		return "", fmt.Errorf("backing up %s: %w", p, err)
	}
	return file, nil
}

func (st *state) readBackup(file string) ([]byte, error) {
	return os.ReadFile(filepath.Join(st.dir, "backup", file))
}

func (st *state) hasConfig(key, value string) bool {
	for _, c := range st.Config {
		if strings.EqualFold(c.Key, key) && c.Value == value {
			return true
		}
	}
	return false
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
