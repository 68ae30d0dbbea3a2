package checkpoint

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// stateVersion is the version of the pending-state files.
const stateVersion = 1

// Author is who an agent checkpoint credits.
type Author struct {
	Agent   string `json:"agent"`
	Model   string `json:"model,omitempty"`
	Session string `json:"session,omitempty"`
}

// Attribution is the attribution a note gives the author's lines.
func (a Author) Attribution() provenance.Attribution {
	return provenance.Attribution{Origin: provenance.AI, Agent: a.Agent, Model: a.Model, Session: a.Session, Evidence: provenance.EvidenceCheckpoint}
}

// fileState is the pending state of one file: its content when a
// checkpoint last looked at it, and for each of those lines the agent that
// wrote it (an index into Authors) or noAgent.
type fileState struct {
	Version int    `json:"v"`
	Path    string `json:"path"`
	// RawPath holds Path's bytes (base64) when Path is not valid UTF-8,
	// which a JSON string cannot carry.
	RawPath []byte     `json:"raw_path,omitempty"`
	Authors []Author   `json:"authors,omitempty"`
	Runs    [][2]int32 `json:"runs,omitempty"`
	Size    int        `json:"size"`
	// Reflog is the size of the worktree's HEAD reflog when the state was
	// saved: a "reset:" entry written after it means the file may have
	// been reset, and the state is dropped.
	Reflog  int64 `json:"reflog"`
	Updated int64 `json:"updated"`

	content []byte
	tags    []int32
}

// author returns the tag of a, adding it to the authors when new.
func (st *fileState) author(a Author) int32 {
	for i, x := range st.Authors {
		if x == a {
			return int32(i)
		}
	}
	st.Authors = append(st.Authors, a)
	return int32(len(st.Authors) - 1)
}

// compact forgets authors no line is tagged with any more.
func (st *fileState) compact() {
	used := make([]bool, len(st.Authors))
	for _, t := range st.tags {
		if t >= 0 {
			used[t] = true
		}
	}
	remap := make([]int32, len(st.Authors))
	var keep []Author
	for i, a := range st.Authors {
		remap[i] = noAgent
		if used[i] {
			remap[i] = int32(len(keep))
			keep = append(keep, a)
		}
	}
	for i, t := range st.tags {
		if t >= 0 {
			st.tags[i] = remap[t]
		}
	}
	st.Authors = keep
}

// store is the pending state of one worktree:
// <git-dir>/ai-survival/checkpoints/<hash of path>.ckpt, each a JSON header
// line followed by the file's content as the checkpoint saw it.
type store struct {
	dir    string
	gitDir string
}

// StateDir is where pending checkpoints live, relative to the git
// directory of their working tree (the post-checkout hook's script looks
// for it before starting the binary).
const StateDir = "ai-survival/checkpoints"

func stateDirOf(gitDir string) string {
	return filepath.Join(gitDir, filepath.FromSlash(StateDir))
}

func newStore(gitDir string) *store {
	return &store{dir: stateDirOf(gitDir), gitDir: gitDir}
}

func (s *store) file(path string) string {
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:12])+".ckpt")
}

// load reads the state of path; nil when there is none. A state that does
// not read back exactly is treated as none (and removed).
func (s *store) load(path string) (*fileState, error) {
	b, err := os.ReadFile(s.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := decodeState(b)
	if err == nil && st.Path != path {
		err = fmt.Errorf("it is the state of %q", st.Path)
	}
	if err != nil {
		_ = os.Remove(s.file(path))
		return nil, fmt.Errorf("pending state of %q was unreadable and is dropped: %v", path, err)
	}
	return st, nil
}

func decodeState(b []byte) (*fileState, error) {
	head, content, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return nil, errors.New("no header")
	}
	st := &fileState{}
	if err := json.Unmarshal(head, st); err != nil {
		return nil, err
	}
	if len(st.RawPath) > 0 {
		st.Path, st.RawPath = string(st.RawPath), nil
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("state version %d", st.Version)
	}
	if len(content) != st.Size {
		return nil, errors.New("truncated")
	}
	tags, ok := unruns(st.Runs, countLines(content), len(st.Authors))
	if !ok {
		return nil, errors.New("line tags do not match the content")
	}
	st.content, st.tags = content, tags
	return st, nil
}

// save writes the state atomically.
func (s *store) save(st *fileState) error {
	st.compact()
	st.Version, st.Size, st.Runs = stateVersion, len(st.content), runs(st.tags)
	st.Updated = time.Now().Unix()
	st.Reflog = s.reflogSize()
	st.RawPath = nil
	if !utf8.ValidString(st.Path) {
		st.RawPath = []byte(st.Path)
	}
	head, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(append(append(head, '\n'), st.content...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.file(st.Path))
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// drop forgets the state of path.
func (s *store) drop(path string) error {
	err := os.Remove(s.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// has reports whether path has a state, with a single stat.
func (s *store) has(path string) bool {
	_, err := os.Stat(s.file(path))
	return err == nil
}

// all reads every state (unreadable ones are removed).
func (s *store) all() ([]*fileState, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*fileState
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".ckpt") {
			continue
		}
		name := filepath.Join(s.dir, e.Name())
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		st, err := decodeState(b)
		if err != nil {
			_ = os.Remove(name)
			continue
		}
		out = append(out, st)
	}
	return out, nil
}

// reflogSize is the size of this worktree's HEAD reflog (0 when none).
func (s *store) reflogSize() int64 {
	fi, err := os.Stat(filepath.Join(s.gitDir, "logs", "HEAD"))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// resetSince reports whether the HEAD reflog holds a "reset:" entry
// written after it was size bytes long (git reset, git stash).
func (s *store) resetSince(size int64) bool {
	f, err := os.Open(filepath.Join(s.gitDir, "logs", "HEAD"))
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == size {
		return false
	}
	if fi.Size() < size || size < 0 {
		return true // rewritten (reflog expired): cannot tell, assume the worst
	}
	const max = 1 << 20
	n := fi.Size() - size
	if n > max {
		return true
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, size); err != nil {
		return true
	}
	return bytes.Contains(b, []byte("\treset: "))
}

// lock takes the worktree's checkpoint lock, waiting at most until ctx is
// done.
func (s *store) lock(ctx context.Context) (func(), error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	name := filepath.Join(s.dir, "lock")
	unlock, err := fsx.Lock(ctx, name)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("another checkpoint held the lock %s too long", name)
	}
	return unlock, err
}
