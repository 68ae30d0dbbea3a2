package rewrite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// PendingFile is the file, in the directory of a rebase in progress
// (<git dir>/rebase-merge, removed by git when the rebase ends or is
// aborted), that lists the commits whose note is left to the post-rewrite
// hook at the rebase's end: the post-commit hook's script adds HEAD's id
// (one a line) instead of computing a note that post-rewrite would compute
// again, and post-rewrite, when a commit is amended during the rebase,
// adds "amend <old> <new>".
const PendingFile = "ai-survival-pending"

// Pending is what PendingFile holds.
type Pending struct {
	// Path is the file's path ("" when no rebase is in progress).
	Path string
	// Fresh are the commits made during the rebase, in the order they
	// were made (each once).
	Fresh []string
	// Amends are the commits amended during the rebase.
	Amends []Pair
}

// PendingPath is PendingFile's path when repo's working tree is in the
// middle of a rebase, else "".
func PendingPath(ctx context.Context, repo *gitx.Repo) string {
	dir, err := repo.OwnGitDir(ctx)
	if err != nil {
		return ""
	}
	rebase := filepath.Join(dir, "rebase-merge")
	if fi, err := os.Stat(rebase); err != nil || !fi.IsDir() {
		return ""
	}
	return filepath.Join(rebase, PendingFile)
}

// ReadPending reads the file at path; a missing file is an empty Pending.
// Lines it does not understand are skipped.
func ReadPending(path string) (Pending, error) {
	p := Pending{Path: path}
	if path == "" {
		return p, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 1 && provenance.IsObjectID(fields[0]):
			if !seen[fields[0]] {
				seen[fields[0]] = true
				p.Fresh = append(p.Fresh, fields[0])
			}
		case len(fields) == 3 && fields[0] == "amend" && provenance.IsObjectID(fields[1]) && provenance.IsObjectID(fields[2]):
			p.Amends = append(p.Amends, Pair{Old: fields[1], New: fields[2]})
		}
	}
	return p, sc.Err()
}

// Exists says whether the file is there (a rebase whose post-commit hooks
// left their notes to post-rewrite).
func (p Pending) Exists() bool {
	if p.Path == "" {
		return false
	}
	_, err := os.Stat(p.Path)
	return err == nil
}

// AddAmends records pairs of an amend made during the rebase.
func (p Pending) AddAmends(pairs []Pair) error {
	f, err := os.OpenFile(p.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, pr := range pairs {
		fmt.Fprintf(w, "amend %s %s\n", pr.Old, pr.New)
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// Groups merges the amends with groups (git's list at the rebase's end):
// an amended commit's old commits come first, so that lines the commits
// git names added take their attribution (see Remap); an amend whose new
// commit git does not name is a group of its own.
func (p Pending) Groups(groups []Group) []Group {
	if len(p.Amends) == 0 {
		return groups
	}
	byNew := map[string]int{}
	for i, g := range groups {
		byNew[g.New] = i
	}
	out := append([]Group(nil), groups...)
	for _, a := range GroupPairs(p.Amends) {
		if i, ok := byNew[a.New]; ok {
			out[i].Olds = append(append([]string(nil), a.Olds...), out[i].Olds...)
			continue
		}
		byNew[a.New] = len(out)
		out = append(out, a)
	}
	return out
}
