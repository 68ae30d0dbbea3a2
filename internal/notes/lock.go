package notes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// lockWait bounds waiting for the other writers of this repository.
const lockWait = 3 * time.Second

// serialized runs write while holding this repository's notes-writer lock
// (shared by all its worktrees), so that our own writers take turns instead
// of racing and retrying: under load the time between reading the tip and
// moving the ref is long, and racing writers could starve one another. The
// compare-and-swap stays what guarantees no note is lost (other tools write
// the ref too); when the lock cannot be had in time, write runs without it.
func (s *Store) serialized(ctx context.Context, write func() error) error {
	name := lockPath(s.repo)
	if name == "" {
		return write()
	}
	lctx, cancel := context.WithTimeout(ctx, lockWait)
	unlock, err := lockFile(lctx, name)
	cancel()
	if err != nil {
		return write()
	}
	defer unlock()
	return write()
}

// lockPath is <common dir>/ai-survival/notes.lock ("" when unknown).
func lockPath(repo *gitx.Repo) string {
	common := repo.CommonDir
	if common == "" && repo.Top != "" {
		gd, ok := gitx.GitDirAt(repo.Top)
		if !ok {
			return ""
		}
		common = gd
		if b, err := os.ReadFile(filepath.Join(gd, "commondir")); err == nil {
			c := strings.TrimSpace(string(b))
			if !filepath.IsAbs(c) {
				c = filepath.Join(gd, c)
			}
			common = c
		}
	}
	if common == "" {
		return ""
	}
	dir := filepath.Join(common, "ai-survival")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	return filepath.Join(dir, "notes.lock")
}
