package notes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
)

// LostThreshold is how many commits must have lost their notes before
// LostWarning speaks: one or two are more likely a commit made without the
// hooks than a rewrite.
const LostThreshold = 3

// Lost counts the commits of the branches, tags and remote branches that
// lost their notes to a rewrite that did not carry them over (git
// filter-branch, git filter-repo): commits with no note whose author,
// author date and subject are those of a noted commit that no branch, tag
// or remote branch reaches any more. Amend and rebase carry notes over
// (post-rewrite), so their old commits have a note-bearing twin and do not
// count. It costs one `git log` over the history of every ref when the
// history has commits without notes, nothing more otherwise.
func (s *Store) Lost(ctx context.Context) (int, error) {
	noted, err := s.List(ctx)
	if err != nil || len(noted) == 0 {
		return 0, err
	}
	const format = "--format=%H%x00%an <%ae>%x00%at%x00%s"
	out, err := s.repo.Output(ctx, "log", "--branches", "--tags", "--remotes", "HEAD", format)
	if err != nil {
		return 0, fmt.Errorf("listing the history: %w", err)
	}
	reachable := map[string]bool{}
	bare := map[string]int{} // key of each commit without a note
	for _, line := range strings.Split(string(out), "\n") {
		id, key, ok := strings.Cut(line, "\x00")
		if !ok {
			continue
		}
		reachable[id] = true
		if _, has := noted[id]; !has {
			bare[key]++
		}
	}
	if len(bare) == 0 {
		return 0, nil
	}
	var orphans []string
	for id := range noted {
		if !reachable[id] {
			orphans = append(orphans, id)
		}
	}
	if len(orphans) == 0 {
		return 0, nil
	}
	out, err = s.repo.Input(ctx, strings.NewReader(strings.Join(orphans, "\n")+"\n"),
		"log", "--no-walk=unsorted", "--ignore-missing", "--stdin", format)
	if err != nil {
		return 0, fmt.Errorf("reading the commits of orphaned notes: %w", err)
	}
	lost := 0
	for _, line := range strings.Split(string(out), "\n") {
		if _, key, ok := strings.Cut(line, "\x00"); ok && bare[key] > 0 {
			bare[key]--
			lost++
		}
	}
	return lost, nil
}

// LostAfter is Lost for a report whose walk continued a saved one
// (resumed) or started over. A rewrite that drops notes gives every
// rewritten commit a new id, so the next report's walk starts over and
// checks; a walk that continued sees only commits added since, which no
// rewrite made. So when resumed and the last check (its count is kept in
// the common git directory) found fewer than LostThreshold, the count is
// that one and no history is read: a report after a new commit does not
// pay a git log of every ref. Otherwise Lost runs and its count is kept.
func (s *Store) LostAfter(ctx context.Context, resumed bool) (int, error) {
	path := filepath.Join(s.repo.CommonDir, "ai-survival", "lost")
	if resumed {
		if b, err := os.ReadFile(path); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n >= 0 && n < LostThreshold {
				return n, nil
			}
		}
	}
	n, err := s.Lost(ctx)
	if err != nil {
		return n, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		_ = fsx.WriteFileAtomic(path, []byte(strconv.Itoa(n)+"\n"), 0o644) // a hint: a failed write only costs the next check
	}
	return n, nil
}

// LostWarning is the warning for n commits that lost their notes, with
// how to carry them over; "" below LostThreshold.
func LostWarning(n int) string {
	if n < LostThreshold {
		return ""
	}
	return fmt.Sprintf("%d commits lost their provenance notes to a history rewrite that did not carry them over "+
		"(git filter-branch, git filter-repo); the notes are still on the old commits. Carry them over with "+
		"'git ai-survival annotate --restore' (it matches the old commits by content), or exactly with "+
		"'git ai-survival hook post-rewrite rebase < <pairs>', <pairs> being \"<old> <new>\" lines "+
		"(after git filter-repo: tail -n +2 .git/filter-repo/commit-map)", n)
}
