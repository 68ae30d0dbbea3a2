package notes

import (
	"context"
	"fmt"
	"strings"
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
