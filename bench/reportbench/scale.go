package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// The merge-heavy shape (genOptions.mergeEvery > 0), a history like git's
// own: a few long-lived branches that fork from main, take commits of
// their own, are merged into main again and again (and now and then take
// main back), then end and give way to new ones; a merge every
// mergeEvery-th commit; and bigFiles files of about bigLines lines that
// main and the branches edit thousands of times.
//
// Each open branch owns the files it edits (a few ordinary ones and
// sometimes a big one); main edits only files no branch owns. Merges are
// therefore clean: main's tree with the branch's own files.

// longBranch is one open long-lived branch.
type longBranch struct {
	ref  string
	head int // mark of its head
	// base is main's tree when the branch forked or last took main back;
	// own holds the branch's version of the files it owns.
	base        map[string][]string
	own         map[string][]string
	merges, end int // merges into main so far, and after how many it ends
}

// owned says which branch owns each owned path.
type scaleState struct {
	open  []*longBranch
	owner map[string]*longBranch
	big   map[string]bool
	n     int // branches made, for names
}

func (g *generator) generateScale() (*genResult, error) {
	o := g.o
	st := &scaleState{owner: map[string]*longBranch{}, big: map[string]bool{}}
	first := g.firstFiles()
	for i := range o.bigFiles {
		p := fmt.Sprintf("pkg%02d/big/big%02d.go", i%g.dirs, i)
		lines := g.lines(o.bigLines)
		g.add(p, lines)
		first.put(p, lines)
		st.big[p] = true
	}
	msg, org := g.message("initial import")
	g.head = g.emit("refs/heads/main", msg, 0, 0, first, org)
	for range max(o.branches, 1) {
		g.fork(st)
	}
	every := max(o.commits/releases, 1)
	mainCommits := 0
	for g.res.commits < o.commits {
		switch {
		case g.segment == 1 && g.res.commits >= int(cursorStart*float64(o.commits)):
			g.segment, g.res.cursorFrom = 2, g.head
		case g.segment == 2 && g.res.commits >= int(cursorEnd*float64(o.commits)):
			g.segment, g.res.cursorTo = 3, g.head
		}
		for range o.mergeEvery - 1 {
			if g.rnd.Intn(2) == 0 {
				g.mainEdit(st)
				mainCommits++
			} else {
				g.branchEdit(st.open[g.rnd.Intn(len(st.open))])
			}
		}
		b := st.open[g.rnd.Intn(len(st.open))]
		if g.rnd.Intn(4) == 0 {
			g.takeMain(b)
		} else {
			g.mergeInto(st, b)
			mainCommits++
		}
		if mainCommits >= every*(g.res.tags+1) && g.res.tags < releases {
			g.tag()
		}
	}
	return g.finish()
}

// fork opens a new branch at main's head owning one to three ordinary
// files no branch owns and, one time in two, a big one.
func (g *generator) fork(st *scaleState) {
	st.n++
	b := &longBranch{ref: fmt.Sprintf("refs/heads/long%d", st.n), head: g.head,
		base: g.snapshot(), own: map[string][]string{}, end: 5 + g.rnd.Intn(60)}
	want, wantBig := 1+g.rnd.Intn(3), g.rnd.Intn(2) == 0
	for try := 0; try < 50 && (want > 0 || wantBig); try++ {
		p := g.pick()
		if st.owner[p] != nil || st.big[p] && !wantBig || !st.big[p] && want == 0 {
			continue
		}
		if st.big[p] {
			wantBig = false
		} else {
			want--
		}
		st.owner[p] = b
		b.own[p] = g.tree[p]
	}
	st.open = append(st.open, b)
}

func (g *generator) snapshot() map[string][]string {
	m := make(map[string][]string, len(g.tree))
	for p, l := range g.tree {
		m[p] = l
	}
	return m
}

// editAny edits a file: g.edit for ordinary ones, length-keeping hunks
// for big ones.
func (g *generator) editAny(lines []string) []string {
	if len(lines) < 2000 {
		return g.edit(lines)
	}
	r := g.rnd
	for range 1 + r.Intn(3) {
		n := len(lines)
		pos := r.Intn(n)
		switch r.Intn(3) {
		case 0: // modify 1-5 lines
			del := min(1+r.Intn(5), n-pos)
			lines = replace(lines, pos, del, g.lines(max(del+r.Intn(3)-1, 1)))
		case 1:
			lines = replace(lines, pos, 0, g.lines(1+r.Intn(8)))
		default:
			lines = replace(lines, pos, min(1+r.Intn(8), n-pos), nil)
		}
	}
	return lines
}

// mainEdit is an ordinary commit on main: one to three files no branch
// owns, a big one included one time in three.
func (g *generator) mainEdit(st *scaleState) {
	c := newChange()
	for range 1 + g.rnd.Intn(3) {
		p := g.pick()
		if st.owner[p] != nil {
			continue
		}
		g.tree[p] = g.editAny(g.tree[p])
		c.put(p, g.tree[p])
	}
	if g.rnd.Intn(3) == 0 {
		var free []string
		for p := range st.big {
			if st.owner[p] == nil {
				free = append(free, p)
			}
		}
		if len(free) > 0 {
			sort.Strings(free)
			p := free[g.rnd.Intn(len(free))]
			g.tree[p] = g.editAny(g.tree[p])
			c.put(p, g.tree[p])
		}
	}
	if len(c.set) == 0 {
		p := g.pick()
		if st.owner[p] != nil {
			p = g.newPath()
			g.add(p, g.lines(20+g.rnd.Intn(150)))
			g.res.newFiles++
		} else {
			g.tree[p] = g.editAny(g.tree[p])
		}
		c.put(p, g.tree[p])
	}
	msg, org := g.message("edit")
	g.head = g.emit("refs/heads/main", msg, g.head, 0, c, org)
}

// branchEdit is a commit on b: one or two of its own files.
func (g *generator) branchEdit(b *longBranch) {
	paths := make([]string, 0, len(b.own))
	for p := range b.own {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	c := newChange()
	for range 1 + g.rnd.Intn(2) {
		p := paths[g.rnd.Intn(len(paths))]
		b.own[p] = g.editAny(b.own[p])
		c.put(p, b.own[p])
	}
	msg, org := g.message("branch")
	b.head = g.emit(b.ref, msg, b.head, 0, c, org)
}

// mergeInto merges b into main (main's tree with b's files; one merge in
// ten adds lines of its own); after its last merge b ends and a new
// branch forks.
func (g *generator) mergeInto(st *scaleState, b *longBranch) {
	c := newChange()
	for p, l := range b.own {
		if !same(g.tree[p], l) {
			g.tree[p] = l
			c.put(p, l)
		}
	}
	if g.rnd.Intn(10) == 0 {
		p := g.pick()
		if st.owner[p] == nil || st.owner[p] == b {
			s := g.tree[p]
			g.tree[p] = replace(s, g.rnd.Intn(len(s)+1), 0, g.lines(1+g.rnd.Intn(4)))
			c.put(p, g.tree[p])
			if st.owner[p] == b {
				b.own[p] = g.tree[p]
			}
			g.res.evilMerges++
		}
	}
	msg, org := g.message("merge")
	g.head = g.emit("refs/heads/main", msg, g.head, b.head, c, org)
	g.res.merges++
	b.merges++
	if b.merges < b.end {
		return
	}
	for p := range b.own {
		delete(st.owner, p)
	}
	for i, x := range st.open {
		if x == b {
			st.open = append(st.open[:i], st.open[i+1:]...)
			break
		}
	}
	fmt.Fprintf(g.w, "reset %s\n\n", b.ref) // the branch's ref goes; main holds its commits
	g.fork(st)
}

// takeMain merges main into b: b's tree becomes main's with b's files.
func (g *generator) takeMain(b *longBranch) {
	c := newChange()
	paths := make([]string, 0, len(g.tree))
	for p := range g.tree {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if _, mine := b.own[p]; mine {
			continue
		}
		if old, ok := b.base[p]; !ok || !same(old, g.tree[p]) {
			c.put(p, g.tree[p])
		}
	}
	for p := range b.base {
		if _, ok := g.tree[p]; !ok {
			c.del = append(c.del, p)
		}
	}
	sort.Strings(c.del)
	b.base = g.snapshot()
	msg, org := g.message("merge main")
	b.head = g.emit(b.ref, msg, b.head, g.head, c, org)
	g.res.merges++
}

// same says whether a and b are the same version (the generator never
// changes a version in place).
func same(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// scaleRun is what the merge-heavy shape measures.
type scaleRun struct {
	gits                         [][]string // the report's git logs
	walkLog, plainLog, mLog, rep []timed
}

// maxOverLogScale is the threshold of the merge-heavy shape: the report's
// CPU time over its git log -p's.
const maxOverLogScale = 2.0

// runScale times, in turns, the report from a cold start, the git log -p
// its walk runs, a plain `git log -p` and `git log -p -m` (every merge
// against every parent, as the walk reads them), and writes the section.
func runScale(r *repo, bin, work string, res *result) error {
	cold, err := coldDirs(r, filepath.Join(work, "home"))
	if err != nil {
		return err
	}
	progress("one untimed report, tracing the gits it runs")
	rt, err := traceReport(r, bin, work, "report", "--format", "json")
	if err != nil {
		return err
	}
	s := &scaleRun{}
	for _, g := range rt.gits {
		if contains(g.argv, "log") {
			s.gits = append(s.gits, withHead(g.argv, rt.rep))
		}
	}
	if len(s.gits) == 0 {
		s.gits = [][]string{fallbackLog}
	}
	res.full = rt.rep
	for rep := 0; rep < res.o.reps; rep++ {
		progress("round %d of %d: report, its git logs, git log -p and (unless -no-m) git log -p -m", rep+1, res.o.reps)
		t, _, err := timeReport(r, bin, work, cold, res, "report", "--format", "json")
		if err != nil {
			return err
		}
		s.rep = append(s.rep, t)
		var own timed
		for _, args := range s.gits {
			t, _, err := r.exec(nil, nil, "git", args...)
			if err != nil {
				return err
			}
			own.wall += t.wall
			own.cpu += t.cpu
			own.rss = max(own.rss, t.rss)
			own.own = max(own.own, t.own)
		}
		s.walkLog = append(s.walkLog, own)
		logs := []struct {
			to   *[]timed
			args []string
		}{
			{&s.plainLog, []string{"log", "-p", "--no-color"}},
			{&s.mLog, []string{"log", "-p", "-m", "--no-color"}},
		}
		if res.o.noM {
			logs = logs[:1]
		}
		for _, x := range logs {
			t, _, err := r.exec(nil, nil, "git", x.args...)
			if err != nil {
				return err
			}
			*x.to = append(*x.to, t)
		}
	}
	res.load[1] = loadavg()
	md := renderScale(res, s)
	if res.o.out != "" {
		if err := os.WriteFile(res.o.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	fmt.Print(md)
	return nil
}

func peak(ts []timed) int64 {
	var m int64
	for _, t := range ts {
		m = max(m, t.rss)
	}
	return m
}

func renderScale(res *result, s *scaleRun) string {
	var b strings.Builder
	o := res.o
	fmt.Fprintf(&b, "A merge-heavy history shaped like git's own (`reportbench -merge-every %d -commits %d`): %d commits, %d of them merges; %d long-lived branches open at a time, merged into main again and again and taking main back now and then; %d files of about %d lines edited thousands of times beside %d ordinary files; %d files and %d lines at the end; packed as git packs commits made one by one (`git repack -a -d -f`: a `git fast-import` pack stores each file version as a delta on the one before, which makes reading oldest first, as the report does, cost git a quarter more). Medians of %d rounds from a cold start; load average %s at the start, %s at the end.\n\n",
		o.gen.mergeEvery, o.gen.commits, res.size.commits, res.size.merges, o.gen.branches, o.gen.bigFiles, o.gen.bigLines, o.gen.files,
		res.size.files, res.size.lines, o.reps, res.load[0], res.load[1])
	b.WriteString("Peak RSS is that of the process or of the largest of its children (for the report, its `git log -p`, whose mapped pack counts); own peak is the process's own (VmHWM, read from /proc while it runs), for the report what the binary itself holds.\n\n")
	b.WriteString("| command | wall | CPU | peak RSS | own peak | report / it (CPU) |\n|---|---:|---:|---:|---:|---:|\n")
	rep := benchkit.Median(cpus(s.rep))
	row := func(name string, ts []timed) {
		c := benchkit.Median(cpus(ts))
		var own int64
		for _, t := range ts {
			own = max(own, t.own)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.0f MB | %.0f MB | %.2fx |\n", name, secs(benchkit.Median(walls(ts))), secs(c), float64(peak(ts))/1e6, float64(own)/1e6, ratio(rep, c))
	}
	row("`report --format json`", s.rep)
	row("`git log -p` (plain: no merge diffs)", s.plainLog)
	if len(s.mLog) > 0 {
		row("`git log -p -m` (merges against every parent)", s.mLog)
	}
	row(fmt.Sprintf("the report's own %d `git log`s, one after the other", len(s.gits)), s.walkLog)
	plain := benchkit.Median(cpus(s.plainLog))
	fmt.Fprintf(&b, "\n- Report CPU over plain `git log -p`: %.2fx (threshold %.0fx: %s).\n", ratio(rep, plain), maxOverLogScale, verdict(ratio(rep, plain) <= maxOverLogScale))
	if res.full != nil {
		fmt.Fprintf(&b, "- The report walked %d commits.\n", res.full.Commits.Total)
	}
	return b.String()
}
