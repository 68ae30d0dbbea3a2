package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**MISSED**"
}

// ratio returns the ratio of medians hooked/plain (of any two series: the
// second over the first) and its interval.
func ratio(plain, hooked []time.Duration) (r, lo, hi float64) {
	p, h := benchkit.Median(plain), benchkit.Median(hooked)
	if p == 0 {
		return 0, 0, 0
	}
	lo, hi = benchkit.RatioInterval(plain, hooked)
	return float64(h) / float64(p), lo, hi
}

func report(res *result) string {
	var b strings.Builder
	o := res.opts
	fmt.Fprintf(&b, "Clones of `%s` (%d commits; head %s), one with `git-ai-survival install` (%s), made in %.1f s. ",
		res.bundle, res.commits, "`"+res.head+"`", strings.Join(res.hooks, ", "), res.setup.Seconds())
	if p := res.pad; p != nil {
		fmt.Fprintf(&b, "Every clone then got the same pack of %.0f MB holding %d objects and a notes ref of %d notes, as a large repository that has used git-ai-survival for years has: a history of commits adding %d random files of %d bytes each, which git can neither compress nor delta, on `%s` (no branch: nothing measured walks it), each commit tagged by `annotate --human`, everything repacked into one pack as `git gc` leaves it (%.1f s of the setup). ",
			p.packMB, p.objects, p.notes, padFilesPerCommit, padFileBytes, padRef, p.took.Seconds())
	}
	fmt.Fprintf(&b, "A third clone has hooks of the same names that do nothing (`#!/bin/sh` and `:`): its column is git's own cost of running a hook at all (fork, exec of the shell), a floor no hook can go under. ")
	lazy := o.lazy && len(res.series) > 0 && len(res.series[0].lazy) > 0
	clones := "three"
	if lazy {
		clones = "four"
		fmt.Fprintf(&b, "A fourth clone has the hooks of `git-ai-survival install --lazy` (every hook but post-commit: each commit's note is written later, by the next git-ai-survival command, push or rewrite); after each of its commits the benchmark runs %s, untimed for the ratios, which writes the note owed. ", catchUpName(o))
	}
	fmt.Fprintf(&b, "Only the timed git command is measured; editing and staging are not. The %s clones are measured in alternation, the order rotating so that each goes first, second and so on in turn.\n\n", clones)
	fmt.Fprintf(&b, "This machine is shared (2 CPUs, several other builds and tests running): the load average is given for each series, and the process counts below, which the load does not move, say more than the seconds.\n\n")
	for _, s := range res.series {
		head := seriesPrefix(res) + s.label
		fmt.Fprintf(&b, "### %s\n\n", strings.ToUpper(head[:1])+head[1:])
		fmt.Fprintf(&b, "Load average (1, 5, 15 min) at the start: %s; at the end: %s.\n\n", s.loadStart, s.loadEnd)
		b.WriteString("| operation | plain (median) | empty hooks (median) | with hooks (median) | ratio to plain | 95% interval | target | ratio to empty hooks | 95% interval | empty hooks to plain | 95% interval |\n|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
		b.WriteString(row(fmt.Sprintf("`git commit` of %d edited files (%d each)", o.changed, len(s.plain)), s.plain, s.empty, s.hooked, maxCommitRatio))
		for _, rt := range s.rebases {
			b.WriteString(row(fmt.Sprintf("`git rebase --force-rebase` of %d commits (%d each)", rt.n, len(rt.plain)), rt.plain, rt.empty, rt.hooked, maxRebaseRatio))
		}
		b.WriteString("\n")
		if benchkit.Median(s.lag) > time.Millisecond {
			fmt.Fprintf(&b, "The post-commit hook writes the note in the background: it was there %s (median) after `git commit` returned; the benchmark waits for it, untimed, before the next operation.\n\n", ms(benchkit.Median(s.lag)))
		}
		if len(s.lazy) > 0 {
			b.WriteString(lazyTable(res, s))
		}
	}
	if len(res.counts) > 0 {
		b.WriteString("### Processes started (strace, untimed)\n\n")
		b.WriteString("Every program executed during one operation, the operation's own git included (`git` counts the top-level command; shells and hook scripts count as themselves).\n\n")
		b.WriteString(countsTable(res.counts))
		b.WriteString("\n")
		if res.catchUpLazy != nil {
			fmt.Fprintf(&b, "%s after the traced commit, writing its note in the lazy clone: %d processes (%s); in the hooked clone, with nothing owed: %d (%s).\n\n",
				strings.ToUpper(catchUpName(o)[:1])+catchUpName(o)[1:], total(res.catchUpLazy), added(nil, res.catchUpLazy), total(res.catchUpHooked), added(nil, res.catchUpHooked))
		}
	}
	if len(res.hookTimes) > 0 {
		b.WriteString("### Time git spent in each hook (trace2, untimed run)\n\n")
		b.WriteString("| operation | clone | hook | runs | total | per run |\n|---|---|---|---:|---:|---:|\n")
		for _, h := range res.hookTimes {
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s |\n", h.what, h.clone, h.hook, h.runs, ms(h.total), ms(h.total/time.Duration(max(h.runs, 1))))
		}
		b.WriteString("\n")
		if lazy && !slices.ContainsFunc(res.hookTimes, func(h hookTime) bool { return h.clone == "lazy" && strings.HasPrefix(h.what, "`git commit`") }) {
			b.WriteString("A commit in the lazy clone runs no hook.\n\n")
		}
	}
	if res.traceErr != "" {
		fmt.Fprintf(&b, "Tracing failed (the timings above stand): `%s`\n\n", strings.SplitN(res.traceErr, "\n", 2)[0])
	}
	fmt.Fprintf(&b, "The hooked clone holds %d notes at the end", res.notes)
	if m := res.hookedMade; m != nil {
		fmt.Fprintf(&b, "; %s", madeText(m))
	}
	b.WriteString(".\n")
	if m := res.lazyMade; m != nil {
		fmt.Fprintf(&b, "\nIn the lazy clone, %s", madeText(m))
		if len(m.missing) > 0 {
			b.WriteString(": **the run failed**")
		}
		b.WriteString(".\n")
	}
	if len(res.warnings) > 0 {
		b.WriteString("\nWhat the hooks printed (first lines, deduplicated):\n\n```\n")
		for _, w := range res.warnings {
			b.WriteString(w + "\n")
		}
		b.WriteString("```\n")
	}
	return b.String()
}

// seriesPrefix heads the series of a run with -pad-mb, so that its
// section reads apart from the unpadded run's.
func seriesPrefix(res *result) string {
	if res.pad != nil {
		return fmt.Sprintf("large pack (%.0f MB), ", res.pad.packMB)
	}
	return ""
}

// benchName names a run in the summary lines.
func benchName(res *result) string {
	if res.pad != nil {
		return "real large-pack"
	}
	return "real"
}

func catchUpName(o options) string {
	return "`git-ai-survival " + strings.Join(o.catchUp, " ") + "`"
}

// madeText says how many of the commits made have a note.
func madeText(m *made) string {
	if len(m.missing) == 0 {
		return fmt.Sprintf("every one of the %d commits the benchmark made in it (each commit and each commit a rebase picked, from HEAD's reflog) has a note", m.commits)
	}
	shown := m.missing[:min(len(m.missing), 5)]
	text := fmt.Sprintf("**%d of the %d commits the benchmark made in it have no note** (%s)", len(m.missing), m.commits, strings.Join(shown, ", "))
	if m.filled > 0 {
		text += fmt.Sprintf(" when the run ended (their hooks did not finish in time); the next git-ai-survival command filled in %d of them", m.filled)
	}
	return text
}

// lazyTable is the lazy clone's table of a series and where its commits'
// cost went.
func lazyTable(res *result, s *series) string {
	var b strings.Builder
	o := res.opts
	fmt.Fprintf(&b, "With `git-ai-survival install --lazy` (%s):\n\n", strings.Join(res.lazyHooks, ", "))
	b.WriteString("| operation | plain (median) | empty hooks (median) | lazy (median) | ratio to plain | 95% interval | target | ratio to empty hooks | 95% interval | ratio to the default install | 95% interval |\n|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	b.WriteString(lazyRow(fmt.Sprintf("`git commit` of %d edited files (%d each)", o.changed, len(s.plain)), s.plain, s.empty, s.hooked, s.lazy, maxCommitRatio))
	for _, rt := range s.rebases {
		b.WriteString(lazyRow(fmt.Sprintf("`git rebase --force-rebase` of %d commits (%d each)", rt.n, len(rt.plain)), rt.plain, rt.empty, rt.hooked, rt.lazy, maxRebaseRatio))
	}
	b.WriteString("\n")
	first, again := benchkit.Median(s.catchUp), benchkit.Median(s.idle)
	fmt.Fprintf(&b, "Where the lazy commits' cost went: the first %s after each measured commit wrote the notes owed (%d notes for %d commits), in %s per commit caught up (median; untimed for the ratios above); the same command again at once, with nothing owed, took %s (median): catching up cost about %s a commit on top of the command itself.",
		catchUpName(o), s.caughtUp, len(s.lazy), ms(first), ms(again), ms(first-again))
	if s.unwritten > 0 {
		fmt.Fprintf(&b, " **%d of the %d commits had no note after it.**", s.unwritten, len(s.lazy))
	}
	b.WriteString("\n\n")
	return b.String()
}

// lazyRow is one operation's line of a series' lazy table: the lazy
// clone against plain and empty, and then against the hooked one.
func lazyRow(what string, plain, empty, hooked, lazy []time.Duration, target float64) string {
	return timesRow(what, plain, empty, lazy, target, hooked, lazy)
}

// countsTable is the processes table, with the lazy clone's columns when
// it was traced.
func countsTable(counts []procCount) string {
	var b strings.Builder
	lazy := slices.ContainsFunc(counts, func(c procCount) bool { return c.lazy != nil })
	if !lazy {
		b.WriteString("| operation | plain | with hooks | what the hooks added |\n|---|---:|---:|---|\n")
		for _, c := range counts {
			fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", c.what, total(c.plain), total(c.hooked), added(c.plain, c.hooked))
		}
		return b.String()
	}
	b.WriteString("| operation | plain | with hooks | lazy | what the hooks added | what the lazy hooks added |\n|---|---:|---:|---:|---|---|\n")
	for _, c := range counts {
		n, what := "—", "—"
		if c.lazy != nil {
			n, what = strconv.Itoa(total(c.lazy)), added(c.plain, c.lazy)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s |\n", c.what, total(c.plain), total(c.hooked), n, added(c.plain, c.hooked), what)
	}
	return b.String()
}

// row is one operation's line of a series' table: the hooked clone
// against plain and empty, and then empty against plain.
func row(what string, plain, empty, hooked []time.Duration, target float64) string {
	return timesRow(what, plain, empty, hooked, target, plain, empty)
}

// timesRow is a table line: the medians of plain, empty and measured;
// the ratio of measured to plain (with its interval, against target) and
// to empty; last, the ratio of over to base.
func timesRow(what string, plain, empty, measured []time.Duration, target float64, base, over []time.Duration) string {
	r, lo, hi := ratio(plain, measured)
	re, loe, hie := ratio(empty, measured)
	rb, lob, hib := ratio(base, over)
	return fmt.Sprintf("| %s | %s | %s | %s | **%.2fx** | %.2f–%.2fx | at most %.1fx: %s | %.2fx | %.2f–%.2fx | %.2fx | %.2f–%.2fx |\n",
		what, ms(benchkit.Median(plain)), ms(benchkit.Median(empty)), ms(benchkit.Median(measured)),
		r, lo, hi, target, verdict(r <= target), re, loe, hie, rb, lob, hib)
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func added(plain, hooked map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var d []kv
	for k, v := range hooked {
		if v-plain[k] > 0 {
			d = append(d, kv{k, v - plain[k]})
		}
	}
	slices.SortFunc(d, func(a, b kv) int {
		if a.v != b.v {
			return b.v - a.v
		}
		return strings.Compare(a.k, b.k)
	})
	var parts []string
	for _, x := range d {
		parts = append(parts, fmt.Sprintf("%d `%s`", x.v, x.k))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func summary(res *result) string {
	var b strings.Builder
	for _, s := range res.series {
		r, lo, hi := ratio(s.plain, s.hooked)
		re, _, _ := ratio(s.empty, s.hooked)
		rp, _, _ := ratio(s.plain, s.empty)
		fmt.Fprintf(&b, "%s (%s): commit %.2fx (%.2f–%.2f), %.2fx empty hooks (empty hooks %.2fx plain)", benchName(res), s.label, r, lo, hi, re, rp)
		for _, rt := range s.rebases {
			r, lo, hi := ratio(rt.plain, rt.hooked)
			re, _, _ := ratio(rt.empty, rt.hooked)
			rp, _, _ := ratio(rt.plain, rt.empty)
			fmt.Fprintf(&b, ", rebase %d %.2fx (%.2f–%.2f), %.2fx empty hooks (empty hooks %.2fx plain)", rt.n, r, lo, hi, re, rp)
		}
		b.WriteString("\n")
		if len(s.lazy) > 0 {
			r, lo, hi := ratio(s.plain, s.lazy)
			fmt.Fprintf(&b, "%s lazy (%s): commit %.2fx (%.2f–%.2f)", benchName(res), s.label, r, lo, hi)
			for _, rt := range s.rebases {
				r, lo, hi := ratio(rt.plain, rt.lazy)
				fmt.Fprintf(&b, ", rebase %d %.2fx (%.2f–%.2f)", rt.n, r, lo, hi)
			}
			fmt.Fprintf(&b, "; catch-up %s per commit, %s with nothing owed\n", ms(benchkit.Median(s.catchUp)), ms(benchkit.Median(s.idle)))
		}
	}
	if m := res.lazyMade; m != nil {
		fmt.Fprintf(&b, "%s lazy: %d of %d commits made without a note\n", benchName(res), len(m.missing), m.commits)
	}
	return b.String()
}
