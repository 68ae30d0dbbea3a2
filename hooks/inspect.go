package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// HookState is what one hook file holds, as status reports it.
type HookState struct {
	Name string
	// Path is the hook file.
	Path string
	// Exists says a file is there; Ours that it holds our block, of
	// version Version (Current: this binary's version).
	Exists, Ours bool
	Version      int
	Current      bool
	// Newer says the block is newer than this binary writes.
	Newer bool
	// Executable is false when git would not run the file.
	Executable bool
	// Chained names what else the hook runs: the foreign hook moved aside
	// (its path), or "inline" for our block inserted into a foreign script.
	Chained string
	// Problem says what is wrong with the file ("" when nothing).
	Problem string
}

// Inspect reads the hooks of repo without changing anything: the hooks
// directory git uses and, for each hook install puts in place, its state.
func Inspect(ctx context.Context, repo *gitx.Repo) (dir string, states []HookState, err error) {
	if dir, err = Dir(ctx, repo); err != nil {
		return "", nil, err
	}
	for _, h := range All {
		states = append(states, inspectHook(h, filepath.Join(dir, h.Name)))
	}
	return dir, states, nil
}

func inspectHook(h Hook, p string) HookState {
	s := HookState{Name: h.Name, Path: p}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return s
	}
	if err != nil {
		s.Problem = err.Error()
		return s
	}
	s.Exists = true
	if fi.IsDir() {
		s.Problem = "a directory, not a hook"
		return s
	}
	s.Executable = fi.Mode()&0o111 != 0
	content, err := os.ReadFile(p)
	if err != nil {
		s.Problem = err.Error()
		return s
	}
	sp, found, err := findBlock(content)
	if err != nil {
		s.Problem = err.Error()
		return s
	}
	if !found {
		return s
	}
	s.Ours, s.Version = true, sp.Version
	s.Current, s.Newer = sp.Version == Version, sp.Version > Version
	rest := bytes.Replace(stripBlock(content, sp), []byte(h.wrapperTail()), nil, 1)
	switch {
	case exists(p + AsideSuffix):
		s.Chained = p + AsideSuffix
	case len(bytes.TrimSpace(bytes.TrimPrefix(rest, []byte(shebang)))) > 0:
		s.Chained = "inline"
	}
	if !s.Executable {
		s.Problem = fmt.Sprintf("not executable: git does not run it (chmod +x %s)", p)
	}
	return s
}
