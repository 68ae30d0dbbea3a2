package main

import (
	"fmt"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// pendingCommits times commits made while an agent's checkpoints are
// pending: each round, in both repositories, o.pending files are edited,
// o.changed of them committed and the rest restored; in the hooked one the
// edits are the agent's (a generic `checkpoint --before/--after` pair, not
// timed), so every measured commit there finds o.pending files pending (the
// post-checkout hook drops the restored files' checkpoints). Alternating as
// in steady.
func pendingCommits(o options, bin string, plain, hooked *repo, res *result) error {
	if o.pending == 0 || o.pendingCommits == 0 {
		return nil
	}
	progress("%d commits of %d files with agent checkpoints pending on %d", o.pendingCommits, o.changed, o.pending)
	const stride = 6007
	for round := 0; round < o.pendingCommits; round++ {
		idx := make([]int, o.pending)
		paths := make([]string, o.pending)
		for k := range idx {
			idx[k] = ((round*o.pending+k)*stride + 29) % o.files
			paths[k] = basePath(idx[k])
		}
		committed := paths[:o.changed]
		order := []*repo{plain, hooked}
		if round%2 == 1 {
			order = []*repo{hooked, plain}
		}
		for _, r := range order {
			took, err := pendingRound(o, bin, r, r == hooked, idx, paths, committed, round)
			if err != nil {
				return err
			}
			if r == hooked {
				res.pendingHooked = append(res.pendingHooked, took.took)
				res.noteWarning(took.stderr)
				res.noted++
			} else {
				res.pendingPlain = append(res.pendingPlain, took.took)
			}
		}
	}
	out, err := hooked.Git("notes", "--ref=refs/notes/ai-survival", "show", "HEAD")
	if err != nil {
		return fmt.Errorf("no note on the last commit with checkpoints pending: %w", err)
	}
	res.pendingTagged = strings.Contains(out, `"evidence":"checkpoint"`)
	return nil
}

// pendingRound is one round of pendingCommits in r; with agent set, the
// edits are recorded as the agent's.
func pendingRound(o options, bin string, r *repo, agent bool, idx []int, paths, committed []string, round int) (timed, error) {
	if agent {
		args := append([]string{"checkpoint", "--agent", "claude-code", "--before", "--"}, paths...)
		if _, errs, _, err := r.Run(nil, nil, bin, args...); err != nil || strings.TrimSpace(errs) != "" {
			return timed{}, fmt.Errorf("checkpoint --before: %v %s", err, errs)
		}
	}
	for _, i := range idx {
		if err := r.edit(i, uint64(9000+round)); err != nil {
			return timed{}, err
		}
	}
	if agent {
		args := append([]string{"checkpoint", "--agent", "claude-code", "--after", "--"}, paths...)
		if _, errs, _, err := r.Run(nil, nil, bin, args...); err != nil || strings.TrimSpace(errs) != "" {
			return timed{}, fmt.Errorf("checkpoint --after: %v %s", err, errs)
		}
	}
	if _, err := r.Git(append([]string{"add", "--"}, committed...)...); err != nil {
		return timed{}, err
	}
	took, errs, err := r.commit(fmt.Sprintf("Edit %d files (pending round %d)", len(committed), round))
	if err != nil {
		return timed{}, err
	}
	if _, err := r.Git(append([]string{"checkout", "--"}, paths[len(committed):]...)...); err != nil {
		return timed{}, err
	}
	return timed{took, errs}, nil
}

// pendingReport renders what pendingCommits measured.
func pendingReport(res *result) string {
	if len(res.pendingHooked) == 0 {
		return ""
	}
	o := res.opts
	pm, hm := benchkit.Median(res.pendingPlain), benchkit.Median(res.pendingHooked)
	ratio := float64(hm) / float64(pm)
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Commits with agent checkpoints pending\n\n")
	fmt.Fprintf(&b, "%d rounds in each repository: %d files are edited, %d of them committed and the rest restored. In the hooked repository the edits are an agent's, recorded by checkpoints (not timed), so each commit finds %d files pending. Alternating as above.\n\n",
		len(res.pendingHooked), o.pending, o.changed, o.pending)
	b.WriteString("| | median | p90 | min | max |\n|---|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| plain `git commit` | %s | %s | %s | %s |\n", ms(pm), ms(percentile(res.pendingPlain, 90)), ms(minOf(res.pendingPlain)), ms(maxOf(res.pendingPlain)))
	fmt.Fprintf(&b, "| with hooks, %d files pending | %s | %s | %s | %s |\n", o.pending, ms(hm), ms(percentile(res.pendingHooked, 90)), ms(minOf(res.pendingHooked)), ms(maxOf(res.pendingHooked)))
	tagged := "the last commit's note tags lines with checkpoint evidence"
	if !res.pendingTagged {
		tagged = "**WARNING: the last commit's note has no checkpoint evidence**"
	}
	lo, hi := benchkit.RatioInterval(res.pendingPlain, res.pendingHooked)
	fmt.Fprintf(&b, "\n**Ratio of medians: %.2fx** (threshold %.1fx: %s; 95%% bootstrap interval %.2f–%.2fx); the hooks add %s; %s.\n", ratio, maxRatio, verdict(ratio <= maxRatio), lo, hi, ms(hm-pm), tagged)
	return b.String()
}

// pendingSummary is pendingReport's line for stdout.
func pendingSummary(res *result) string {
	if len(res.pendingHooked) == 0 {
		return ""
	}
	pm, hm := benchkit.Median(res.pendingPlain), benchkit.Median(res.pendingHooked)
	ratio := float64(hm) / float64(pm)
	lo, hi := benchkit.RatioInterval(res.pendingPlain, res.pendingHooked)
	return fmt.Sprintf("commit: %d-file commits with checkpoints pending on %d files: plain median %s, with hooks median %s: ratio %.2fx (95%% interval %.2f-%.2fx), threshold %.1fx %s\n",
		res.opts.changed, res.opts.pending, ms(pm), ms(hm), ratio, lo, hi, maxRatio, verdict(ratio <= maxRatio))
}
