// Command realbench measures what the git-ai-survival hooks cost on a real
// repository: a clone of a git bundle (hercules.bundle by default) with the
// hooks installed by `git-ai-survival install`, against an identical clone
// without them, a third whose hooks of the same names do nothing (`:`),
// git's own cost of running a hook at all (fork, exec of the shell), and a
// fourth installed by `git-ai-survival install --lazy` (no post-commit
// hook: each commit's note is written later, by the next git-ai-survival
// command, push or rewrite; -lazy=false leaves it out).
//
//   - commits of -changed edited files, alternating between the four
//     clones (the order rotating), -commits measured after -warmup
//     unmeasured;
//   - `git rebase --force-rebase` of branches of each size in -rebase
//     commits (made beforehand, with the hooks in the hooked and lazy
//     clones so their notes exist), -rebase-reps times each, alternating
//     likewise; every hook that runs during the rebase is counted
//     (post-checkout, post-commit for each picked commit, post-rewrite);
//
// first on the machine as it is, then with -load CPU-bound processes
// running beside it. It reports medians, the ratio of medians and its 95%
// bootstrap interval. After each commit in the lazy clone it times, apart
// from the commits, the -catch-up command that writes the note owed (and
// the same command again, with nothing owed); at the end every commit made
// in the lazy clone must have a note, or the run fails. Then, untimed, it
// counts the processes each operation starts (strace, when present) and
// the time git spent in each hook (trace2).
//
// It writes the Markdown section for bench/results.md to -out, a summary to
// stdout and progress to stderr. When the bundle is absent it writes one
// line saying so and exits 0.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// Targets (see bench/README.md).
const (
	maxCommitRatio = 1.1
	maxRebaseRatio = 1.2
)

type options struct {
	bin        string
	bundle     string
	workRoot   string
	out        string
	changed    int
	commits    int
	warmup     int
	rebase     []int
	rebaseReps int
	load       int
	quietWait  time.Duration
	trace      bool
	keep       bool
	lazy       bool
	catchUp    []string
	padMB      int
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.bin, "bin", "bin/git-ai-survival", "the git-ai-survival binary to install the hooks from")
	flag.StringVar(&o.bundle, "bundle", "../shared/realrepos/hercules.bundle", "git bundle of the real repository")
	flag.StringVar(&o.workRoot, "work", os.TempDir(), "directory to make the temporary clones in (removed afterwards)")
	flag.StringVar(&o.out, "out", "", "file to write the Markdown results section to (default: none)")
	flag.IntVar(&o.changed, "changed", 3, "files edited by each measured commit")
	flag.IntVar(&o.commits, "commits", 30, "measured commits per clone and series")
	flag.IntVar(&o.warmup, "warmup", 3, "unmeasured commits per clone and series first")
	flag.StringVar(&sizes, "rebase", "15,100", "commits of the rebased branches, comma-separated (empty: no rebases)")
	flag.IntVar(&o.rebaseReps, "rebase-reps", 11, "rebases of each size per clone and series (scaled down by size/15 above 15 commits, at least 4)")
	flag.IntVar(&o.load, "load", 2, "CPU-bound processes beside the second series (0: no second series)")
	flag.DurationVar(&o.quietWait, "quiet-wait", 3*time.Minute, "before the quiet series, wait at most this long for the machine to be quiet: under a quarter of its CPU time busy over a second (else the series is headed not quiet)")
	flag.BoolVar(&o.trace, "trace", true, "count processes and hook time afterwards (untimed)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.BoolVar(&o.lazy, "lazy", true, "measure a fourth clone installed with `git-ai-survival install --lazy`")
	flag.IntVar(&o.padMB, "pad-mb", 0, "give every clone a pack of about this many MB more (random files on a ref of their own, repacked into one pack), as a repository with a large pack has")
	catchUp := flag.String("catch-up", "status", "the git-ai-survival command (and its arguments) run after each commit in the lazy clone to write the notes owed")
	flag.Parse()
	o.catchUp = strings.Fields(*catchUp)
	argsOK := flag.NArg() == 0 && o.changed >= 1 && o.commits >= 1 && o.warmup >= 0 && o.rebaseReps >= 1 && o.load >= 0 && o.padMB >= 0 && len(o.catchUp) > 0
	for _, s := range strings.Split(sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			argsOK = false
		}
		o.rebase = append(o.rebase, n)
	}
	benchkit.Exit("realbench", argsOK, func() error { return run(o) })
}

var progress = benchkit.Progress("realbench")

// series is one pass of every measure, quiet or loaded.
type series struct {
	label         string
	load          int
	loadStart     string
	loadEnd       string
	plain, hooked []time.Duration
	// empty is the clone whose hooks do nothing.
	empty []time.Duration
	// lag is, for each measured hooked commit, how long after `git commit`
	// returned its note was written (the post-commit hook's background
	// work, waited for untimed before the next operation).
	lag []time.Duration
	// lazy is the clone installed with --lazy; catchUp, for each of its
	// measured commits, the first -catch-up command after it (which
	// writes the notes owed) divided by the notes it wrote (when it wrote
	// any), and idle the same command run again at once, with nothing
	// owed; caughtUp counts the notes those first commands wrote,
	// unwritten the commits still without a note after their catch-up.
	lazy, catchUp, idle []time.Duration
	caughtUp, unwritten int
	rebases             []rebaseTimes
}

type rebaseTimes struct {
	n                          int
	plain, hooked, empty, lazy []time.Duration
}

// clones are the repositories measured side by side; lazy is nil with
// -lazy=false.
type clones struct {
	plain, hooked, empty, lazy *benchkit.Repo
}

// pick returns, of plain, empty, hooked and lazy, the one that stands for
// r's clone in c.
func pick[T any](c clones, r *benchkit.Repo, plain, empty, hooked, lazy T) T {
	switch r {
	case c.plain:
		return plain
	case c.empty:
		return empty
	case c.hooked:
		return hooked
	}
	return lazy
}

// all is the clones in the order of the first round.
func (c clones) all() []*benchkit.Repo {
	rs := []*benchkit.Repo{c.plain, c.hooked, c.empty}
	if c.lazy != nil {
		rs = append(rs, c.lazy)
	}
	return rs
}

// made is what a clone's notes hold at the end: of the commits the bench
// made in it, how many, and those without a note.
type made struct {
	commits int
	missing []string
	// filled, in the hooked clone, is how many of the commits missing a
	// note at the end of the run the next command (-catch-up) filled in.
	filled int
}

type result struct {
	opts      options
	bundle    string
	head      string
	commits   int
	setup     time.Duration
	hooks     []string
	lazyHooks []string
	series    []*series
	notes     int
	warnings  []string
	counts    []procCount
	hookTimes []hookTime
	traceErr  string
	// catchUpCount is what the -catch-up command started in the lazy
	// clone after the traced commit (it writes that commit's note), and
	// in the hooked clone after the same commit (nothing owed).
	catchUpLazy, catchUpHooked map[string]int
	// hookedMade and lazyMade check the notes of every commit made.
	hookedMade, lazyMade *made
	// pad is what -pad-mb added to every clone (nil without it).
	pad *padded
}

func run(o options) error {
	if _, err := os.Stat(o.bundle); err != nil {
		line := fmt.Sprintf("Skipped: %s not found.\n", o.bundle)
		fmt.Print("real: " + line)
		if o.out != "" {
			return os.WriteFile(o.out, []byte(line), 0o644)
		}
		return nil
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	if err := exec.Command(bin, "version").Run(); err != nil {
		return fmt.Errorf("%s version: %v", bin, err)
	}
	if filepath.Base(bin) != "git-ai-survival" {
		// The hooks find it on PATH by that name: another would measure
		// hooks that only warn that the binary is missing.
		return fmt.Errorf("-bin %s: the binary must be called git-ai-survival (copy it into a directory of its own)", o.bin)
	}
	bundle, err := filepath.Abs(o.bundle)
	if err != nil {
		return err
	}
	work, remove, err := benchkit.WorkDir(o.workRoot, "git-ai-survival-realbench-", o.keep, progress)
	if err != nil {
		return err
	}
	defer remove()
	env, err := benchkit.Environ(filepath.Join(work, "home"), filepath.Dir(bin))
	if err != nil {
		return err
	}
	res := &result{opts: o, bundle: filepath.Base(bundle)}
	plain := &benchkit.Repo{Name: "plain", Dir: filepath.Join(work, "plain"), Env: env}
	hooked := &benchkit.Repo{Name: "hooked", Dir: filepath.Join(work, "hooked"), Env: env}
	empty := &benchkit.Repo{Name: "empty-hooks", Dir: filepath.Join(work, "empty"), Env: env}
	cl := clones{plain: plain, hooked: hooked, empty: empty}
	if o.lazy {
		cl.lazy = &benchkit.Repo{Name: "lazy", Dir: filepath.Join(work, "lazy"), Env: env}
	}
	start := time.Now()
	for _, r := range cl.all() {
		progress("cloning %s into the %s clone", res.bundle, r.Name)
		top := &benchkit.Repo{Dir: work, Env: env}
		if _, err := top.Git("clone", "-q", "--no-checkout", bundle, r.Dir); err != nil {
			return err
		}
		// A bundle may carry no HEAD: start from its first branch.
		out, err := r.Git("for-each-ref", "--count=1", "--format=%(refname)", "refs/remotes/origin/")
		if err != nil {
			return err
		}
		if ref := strings.TrimSpace(out); ref == "" {
			return fmt.Errorf("%s has no branch", res.bundle)
		} else if _, err := r.Git("checkout", "-q", "-b", "bench", ref); err != nil {
			return err
		}
	}
	if o.padMB > 0 {
		if res.pad, err = padClones(work, bin, cl.all(), o.padMB); err != nil {
			return err
		}
	}
	res.setup = time.Since(start)
	out, err := plain.Git("rev-list", "--count", "HEAD")
	if err != nil {
		return err
	}
	res.commits, _ = strconv.Atoi(strings.TrimSpace(out))
	out, _ = plain.Git("log", "-1", "--format=%h %s")
	res.head = strings.TrimSpace(out)
	if _, errs, _, err := hooked.Run(nil, nil, bin, "install"); err != nil {
		return err
	} else if s := strings.TrimSpace(errs); s != "" {
		progress("install said: %s", s)
	}
	if res.hooks, err = installedHooks(hooked); err != nil {
		return err
	}
	if len(res.hooks) == 0 {
		return fmt.Errorf("no hook was installed in the hooked clone")
	}
	if err := emptyHooks(empty, res.hooks); err != nil {
		return err
	}
	if cl.lazy != nil {
		if _, errs, _, err := cl.lazy.Run(nil, nil, bin, "install", "--lazy"); err != nil {
			return fmt.Errorf("%v(a binary without `install --lazy`? -lazy=false leaves the lazy clone out)", err)
		} else if s := strings.TrimSpace(errs); s != "" {
			progress("install --lazy said: %s", s)
		}
		if res.lazyHooks, err = installedHooks(cl.lazy); err != nil {
			return err
		}
	}

	out, err = plain.Git("ls-files", "--", "*.go")
	if err != nil {
		return err
	}
	files := strings.Fields(out)
	if len(files) < o.changed {
		return fmt.Errorf("%s has %d .go files, fewer than -changed %d", res.bundle, len(files), o.changed)
	}
	slices.Sort(files)

	// The rebased branches, made once in each clone from the same base.
	base, err := plain.Git("rev-parse", "HEAD")
	if err != nil {
		return err
	}
	base = strings.TrimSpace(base)
	tips := map[int]string{}
	for _, n := range o.rebase {
		progress("making a branch of %d commits in each clone", n)
		for _, r := range cl.all() {
			if _, err := r.Git("checkout", "-q", "-B", fmt.Sprintf("rebase%d", n), base); err != nil {
				return err
			}
			for i := 0; i < n; i++ {
				if _, err := edit(r, files, o.changed, 100000+n*1000+i, res); err != nil {
					return err
				}
			}
			tip, err := r.Git("rev-parse", "HEAD")
			if err != nil {
				return err
			}
			if t, ok := tips[n]; ok && t != strings.TrimSpace(tip) {
				return fmt.Errorf("the branches of %d commits differ between the clones (%s, %s)", n, t, strings.TrimSpace(tip))
			}
			tips[n] = strings.TrimSpace(tip)
			if _, err := r.Git("checkout", "-q", "bench"); err != nil {
				return err
			}
			if r == cl.lazy {
				// The branch's notes, as the hooked clone has them.
				if _, err := catchUp(r, bin, o.catchUp, res); err != nil {
					return err
				}
			}
		}
	}

	loads := []int{0}
	if o.load > 0 {
		loads = append(loads, o.load)
	}
	round := 0
	for _, load := range loads {
		s := &series{label: "quiet", load: load}
		if load > 0 {
			s.label = fmt.Sprintf("with %d CPU-bound processes beside it", load)
		} else if !waitQuiet(o.quietWait) {
			s.label = "not quiet: other work was running on the machine"
		}
		res.series = append(res.series, s)
		if err := runSeries(o, s, cl, bin, files, base, tips, &round, res); err != nil {
			return err
		}
	}

	if o.trace {
		// Tracing is a note, not a measure: when it fails (strace can),
		// the timings are still written.
		if err := traceAll(o, cl, bin, files, base, tips, res); err != nil {
			res.traceErr = err.Error()
			progress("tracing failed: %v", err)
		}
	}
	out, err = hooked.Git("notes", "--ref=refs/notes/ai-survival", "list")
	if err != nil {
		return err
	}
	res.notes = len(strings.Fields(out)) / 2
	if res.hookedMade, err = notesOfMade(hooked); err != nil {
		return err
	}
	if n := len(res.hookedMade.missing); n > 0 {
		// A hook that did not finish leaves its note to the next command.
		if _, err := catchUp(hooked, bin, o.catchUp, res); err != nil {
			return err
		}
		after, err := notesOfMade(hooked)
		if err != nil {
			return err
		}
		res.hookedMade.filled = n - len(after.missing)
	}
	if cl.lazy != nil {
		if res.lazyMade, err = notesOfMade(cl.lazy); err != nil {
			return err
		}
	}

	md := report(res)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	fmt.Print(summary(res))
	if m := res.lazyMade; m != nil && len(m.missing) > 0 {
		return fmt.Errorf("%d of the %d commits made in the lazy clone have no note (first: %s)", len(m.missing), m.commits, m.missing[0])
	}
	return nil
}

// notesRef is where git-ai-survival keeps its notes.
const notesRef = "refs/notes/ai-survival"

// notesOfMade checks that every commit made in r has a note: every commit
// HEAD's reflog went through (each commit, each commit a rebase picked)
// that the bundle's branches do not hold.
func notesOfMade(r *benchkit.Repo) (*made, error) {
	out, err := r.Git("log", "-g", "--format=%H", "HEAD")
	if err != nil {
		return nil, err
	}
	visited := strings.Fields(out)
	out, err = r.Git("rev-list", "--remotes")
	if err != nil {
		return nil, err
	}
	bundled := map[string]bool{}
	for _, c := range strings.Fields(out) {
		bundled[c] = true
	}
	out, err = r.Git("notes", "--ref="+notesRef, "list")
	if err != nil {
		return nil, err
	}
	noted := map[string]bool{}
	f := strings.Fields(out)
	for i := 1; i < len(f); i += 2 {
		noted[f[i]] = true
	}
	m := &made{}
	seen := map[string]bool{}
	// The reflog lists the newest first: report the oldest missing first.
	for i := len(visited) - 1; i >= 0; i-- {
		c := visited[i]
		if bundled[c] || seen[c] {
			continue
		}
		seen[c] = true
		m.commits++
		if !noted[c] {
			m.missing = append(m.missing, c)
		}
	}
	return m, nil
}

// catchUp runs git-ai-survival's -catch-up command in r (untimed for the
// ratios), which writes the notes the lazy hooks owe, waits for anything
// it left in the background, and returns how long the command took. A
// command that fails (status may say so of a problem it finds) is a
// warning: whether the notes were written is checked on its own.
func catchUp(r *benchkit.Repo, bin string, cmd []string, res *result) (time.Duration, error) {
	_, errs, took, err := r.Run(nil, nil, bin, cmd...)
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		res.warn(line)
	}
	res.warn(errs)
	settle(r)
	return took, nil
}

// notesCount is the number of notes r holds.
func notesCount(r *benchkit.Repo) (int, error) {
	out, err := r.Git("notes", "--ref="+notesRef, "list")
	return len(strings.Fields(out)) / 2, err
}

// hasNote says whether commit rev of r has a note.
func hasNote(r *benchkit.Repo, rev string) bool {
	_, err := r.Git("notes", "--ref="+notesRef, "list", rev)
	return err == nil
}

// edit rewrites the last line of o.changed files and appends two, stages
// them and times the commit.
func edit(r *benchkit.Repo, files []string, changed, round int, res *result) (time.Duration, error) {
	if err := stage(r, files, changed, round, func(k int) string {
		return fmt.Sprintf("\n// edited in round %d\nvar _ = %d\n", round, round*10+k)
	}); err != nil {
		return 0, err
	}
	_, errs, took, err := r.Run(nil, nil, "git", "commit", "-q", "-m", fmt.Sprintf("Edit %d files (round %d)", changed, round))
	r.Tick++
	if err != nil {
		return 0, err
	}
	res.warn(errs)
	return took, nil
}

// stage appends text(k) to the k-th of the changed files picked for
// round (spread over files) and stages them.
func stage(r *benchkit.Repo, files []string, changed, round int, text func(k int) string) error {
	const stride = 7919
	var paths []string
	for k := 0; k < changed; k++ {
		p := files[((round*changed+k)*stride)%len(files)]
		full := filepath.Join(r.Dir, p)
		b, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		if err := os.WriteFile(full, append(b, text(k)...), 0o644); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	_, err := r.Git(append([]string{"add", "-f", "--"}, paths...)...)
	return err
}

func (res *result) warn(stderr string) {
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(res.warnings, l) && len(res.warnings) < 10 {
			res.warnings = append(res.warnings, l)
		}
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// waitQuiet waits at most max for the machine to be quiet: under a
// quarter of its CPU time busy over a second (from /proc/stat; the load
// average lags a minute behind), and says whether it was.
func waitQuiet(max time.Duration) bool {
	for end := time.Now().Add(max); ; {
		busy, ok := busyFraction(time.Second)
		if !ok || busy < 0.25 {
			return true // quiet, or no way to tell: as before
		}
		if time.Now().After(end) {
			return false
		}
		progress("waiting for the machine to be quiet (%.0f%% of its CPU time busy; load average %s)", 100*busy, loadavg())
		time.Sleep(4 * time.Second)
	}
}

// busyFraction is the share of CPU time not idle (nor waiting for I/O)
// over d, from the first line of /proc/stat.
func busyFraction(d time.Duration) (float64, bool) {
	read := func() (idle, total uint64, ok bool) {
		b, err := os.ReadFile("/proc/stat")
		if err != nil {
			return 0, 0, false
		}
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		if len(f) < 6 || f[0] != "cpu" {
			return 0, 0, false
		}
		for i, v := range f[1:] {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return 0, 0, false
			}
			total += n
			if i == 3 || i == 4 { // idle, iowait
				idle += n
			}
		}
		return idle, total, true
	}
	i0, t0, ok0 := read()
	time.Sleep(d)
	i1, t1, ok1 := read()
	if !ok0 || !ok1 || t1 <= t0 {
		return 0, false
	}
	return 1 - float64(i1-i0)/float64(t1-t0), true
}

// burn starts n CPU-bound processes; stop ends exactly those.
func burn(n int) (stop func(), err error) {
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	for i := 0; i < n; i++ {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			stop()
			return nil, err
		}
		cmds = append(cmds, c)
	}
	return stop, nil
}

// installedHooks lists the hooks in r's hooks directory (not the samples).
func installedHooks(r *benchkit.Repo) ([]string, error) {
	dir, err := r.Git("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(strings.TrimSpace(dir))
	if err != nil {
		return nil, err
	}
	var hooks []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sample") {
			hooks = append(hooks, e.Name())
		}
	}
	return hooks, nil
}

// emptyHooks writes, in r, an executable hook that does nothing for each
// of names.
func emptyHooks(r *benchkit.Repo, names []string) error {
	dir, err := r.Git("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return err
	}
	dir = strings.TrimSpace(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n:\n"), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// rotated returns clones starting at the i-th (mod their number), so that
// each goes first, second, third and so on in turn.
func rotated(clones []*benchkit.Repo, i int) []*benchkit.Repo {
	k := i % len(clones)
	return append(append([]*benchkit.Repo{}, clones[k:]...), clones[:k]...)
}

// runSeries measures the clones side by side, the order rotating each
// round.
func runSeries(o options, s *series, cl clones, bin string, files []string, base string, tips map[int]string, round *int, res *result) error {
	if s.load > 0 {
		stop, err := burn(s.load)
		if err != nil {
			return err
		}
		defer stop()
		time.Sleep(2 * time.Second) // let the load average feel it
	}
	s.loadStart = loadavg()
	defer func() { s.loadEnd = loadavg() }()
	progress("%s: %d warm-up and %d measured commits of %d files in each clone", s.label, o.warmup, o.commits, o.changed)
	for i := 0; i < o.warmup+o.commits; i++ {
		for _, r := range rotated(cl.all(), i) {
			took, err := edit(r, files, o.changed, *round, res)
			if err != nil {
				return err
			}
			lag := settle(r)
			var first, again time.Duration
			written := 0
			if r == cl.lazy {
				// The notes owed (this commit's), written by the next
				// command, then the command again with nothing owed.
				before, err := notesCount(r)
				if err != nil {
					return err
				}
				if first, err = catchUp(r, bin, o.catchUp, res); err != nil {
					return err
				}
				after, err := notesCount(r)
				if err != nil {
					return err
				}
				written = after - before
				if again, err = catchUp(r, bin, o.catchUp, res); err != nil {
					return err
				}
			}
			if i < o.warmup {
				continue
			}
			times := pick(cl, r, &s.plain, &s.empty, &s.hooked, &s.lazy)
			*times = append(*times, took)
			switch r {
			case cl.hooked:
				s.lag = append(s.lag, lag)
			case cl.lazy:
				s.idle = append(s.idle, again)
				if written > 0 {
					s.catchUp = append(s.catchUp, first/time.Duration(written))
					s.caughtUp += written
				}
				if !hasNote(r, "HEAD") {
					s.unwritten++
				}
			}
		}
		*round++
	}
	for _, n := range o.rebase {
		reps := max(4, o.rebaseReps*15/max(n, 15))
		reps = min(reps, o.rebaseReps)
		progress("%s: %d rebases of %d commits (--force-rebase) in each clone", s.label, reps, n)
		rt := rebaseTimes{n: n}
		for i := 0; i < reps; i++ {
			for _, r := range rotated(cl.all(), i) {
				took, errs, err := rebase(r, n, base, tips[n], nil, "")
				if err != nil {
					return err
				}
				res.warn(errs)
				settle(r) // post-rewrite's work, in the background, is not timed with the next
				times := pick(cl, r, &rt.plain, &rt.empty, &rt.hooked, &rt.lazy)
				*times = append(*times, took)
			}
		}
		s.rebases = append(s.rebases, rt)
	}
	return nil
}

// settle waits (at most 30 s) until no post-commit or post-rewrite hook of
// r works in the background (no live marker left in
// <git dir>/ai-survival/deferred: a commit id, or "rewrite-" and a pid), so
// that one operation's deferred work is not timed with the next, and
// returns how long it waited. A marker's process holds a lock on it; one
// nobody locks is from a process not started yet (younger than 5 s) or
// gone (older), which git-ai-survival's readers skip and so does settle.
func settle(r *benchkit.Repo) time.Duration {
	dir := filepath.Join(r.Dir, ".git", "ai-survival", "deferred")
	start := time.Now()
	for time.Since(start) < 30*time.Second {
		entries, _ := os.ReadDir(dir)
		busy := false
		for _, e := range entries {
			n := e.Name()
			if len(n) == 40 || len(n) == 64 || strings.HasPrefix(n, "rewrite-") && !strings.Contains(n, ".") {
				busy = busy || live(filepath.Join(dir, n))
			}
		}
		if !busy {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(start)
}

// live says whether marker p is locked by its process, or young enough
// that its process may not have locked it yet.
func live(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false // removed: done
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true // held
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	info, err := f.Stat()
	return err == nil && time.Since(info.ModTime()) < 5*time.Second
}

// rebase puts a fresh work branch at tip (untimed), times `git rebase
// --force-rebase base` of its n commits, run under wrap (a command line
// such as strace's; "" for none), and goes back to the bench branch.
func rebase(r *benchkit.Repo, n int, base, tip string, extra []string, wrap string) (time.Duration, string, error) {
	if _, err := r.Git("checkout", "-q", "-B", "rebasework", tip); err != nil {
		return 0, "", err
	}
	prog, args := "git", []string{"rebase", "-q", "--force-rebase", base}
	if w := strings.Fields(wrap); len(w) > 0 {
		prog, args = w[0], append(append(w[1:], prog), args...)
	}
	_, errs, took, err := r.Run(nil, extra, prog, args...)
	r.Tick++
	if err != nil {
		return 0, "", err
	}
	if _, err := r.Git("checkout", "-q", "bench"); err != nil {
		return 0, "", err
	}
	return took, errs, nil
}

// procCount is what one traced operation started, in each clone (lazy
// nil without the lazy clone).
type procCount struct {
	what                string
	plain, hooked, lazy map[string]int
}

// hookTime is the time git spent running one hook during an operation, in
// one clone.
type hookTime struct {
	what  string
	clone string
	hook  string
	runs  int
	total time.Duration
}

// traceAll runs one commit and one rebase of each size in the plain,
// hooked and lazy clones under strace (process counts) and, in the hooked
// and lazy ones, under trace2 (time in each hook); in the lazy clone, each
// commit is followed by the -catch-up command, traced with the commit's
// strace. None of it is timed.
func traceAll(o options, cl clones, bin string, files []string, base string, tips map[int]string, res *result) error {
	strace, _ := exec.LookPath("strace")
	straceArgs := []string{"-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o"}
	type op struct {
		what string
		do   func(r *benchkit.Repo, extra []string, wrap string) error
	}
	round := 200000
	ops := []op{{
		what: fmt.Sprintf("`git commit` of %d files", o.changed),
		do: func(r *benchkit.Repo, extra []string, wrap string) error {
			if _, err := edit(r, files, o.changed, round, res); err != nil {
				return err
			}
			return nil
		},
	}}
	for _, n := range o.rebase {
		ops = append(ops, op{
			what: fmt.Sprintf("`git rebase --force-rebase` of %d commits", n),
			do: func(r *benchkit.Repo, extra []string, wrap string) error {
				_, _, err := rebase(r, n, base, tips[n], extra, wrap)
				return err
			},
		})
	}
	traced := []*benchkit.Repo{cl.plain, cl.hooked}
	if cl.lazy != nil {
		traced = append(traced, cl.lazy)
	}
	// caughtUp runs the catch-up in the lazy clone after an operation
	// (untraced), so that the next one owes nothing.
	caughtUp := func(r *benchkit.Repo) error {
		if r != cl.lazy {
			return nil
		}
		_, err := catchUp(r, bin, o.catchUp, res)
		return err
	}
	work := filepath.Dir(cl.plain.Dir)
	for k, op := range ops {
		pc := procCount{what: op.what}
		for _, r := range traced {
			if strace == "" || k > 0 && o.rebase[k-1] > 15 {
				break // strace of a long rebase is slow and can fail
			}
			out := filepath.Join(work, fmt.Sprintf("strace-%d-%s", k, r.Name))
			if k == 0 {
				if err := straceCommit(r, files, o.changed, round, strace, out, res); err != nil {
					return err
				}
				if r != cl.plain {
					// What the catch-up starts: it writes the commit's
					// note in the lazy clone, nothing in the hooked one.
					cu := out + "-catch-up"
					settle(r)
					_, errs, _, err := r.Run(nil, nil, strace, slices.Concat(straceArgs, []string{cu, bin}, o.catchUp)...)
					if err != nil {
						return err
					}
					res.warn(errs)
					settle(r)
					m, err := countExecs(cu)
					if err != nil {
						return err
					}
					if r == cl.lazy {
						res.catchUpLazy = m
					} else {
						res.catchUpHooked = m
					}
				}
			} else {
				if _, _, err := rebase(r, o.rebase[k-1], base, tips[o.rebase[k-1]], nil, strace+" "+strings.Join(straceArgs, " ")+" "+out); err != nil {
					return err
				}
				settle(r)
				if err := caughtUp(r); err != nil {
					return err
				}
			}
			m, err := countExecs(out)
			if err != nil {
				return err
			}
			switch r {
			case cl.plain:
				pc.plain = m
			case cl.hooked:
				pc.hooked = m
			default:
				pc.lazy = m
			}
		}
		round++
		if pc.plain != nil && pc.hooked != nil {
			res.counts = append(res.counts, pc)
		}
		// trace2 in the hooked and lazy clones (the plain one moves
		// along, so that all keep the same history).
		for _, r := range traced {
			var extra []string
			tr := filepath.Join(work, fmt.Sprintf("trace2-%d-%s", k, r.Name))
			if r != cl.plain {
				extra = []string{"GIT_TRACE2_EVENT=" + tr}
			}
			if k == 0 {
				if err := editTraced(r, files, o.changed, round, extra, res); err != nil {
					return err
				}
			} else {
				n := o.rebase[k-1]
				if _, _, err := rebase(r, n, base, tips[n], extra, ""); err != nil {
					return err
				}
			}
			settle(r)
			if err := caughtUp(r); err != nil {
				return err
			}
			if r == cl.plain {
				continue
			}
			hts, err := hookTimes(tr)
			if err != nil {
				return err
			}
			for _, h := range hts {
				h.what, h.clone = op.what, r.Name
				res.hookTimes = append(res.hookTimes, h)
			}
		}
		round++
	}
	return nil
}

func editTraced(r *benchkit.Repo, files []string, changed, round int, extra []string, res *result) error {
	saved := r.Env
	r.Env = append(append([]string{}, saved...), extra...)
	defer func() { r.Env = saved }()
	_, err := edit(r, files, changed, round, res)
	return err
}

func straceCommit(r *benchkit.Repo, files []string, changed, round int, strace, out string, res *result) error {
	// Stage as edit does, then commit under strace.
	if err := stage(r, files, changed, round, func(int) string { return fmt.Sprintf("\n// traced in round %d\n", round) }); err != nil {
		return err
	}
	_, errs, _, err := r.Run(nil, nil, strace, "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o", out, "git", "commit", "-q", "-m", "Traced commit")
	r.Tick++
	res.warn(errs)
	return err
}

// countExecs counts the successful execve calls of an strace -f log by
// what was run: "git <subcommand>", a hook's name, or the program's base
// name. A call another process interrupted is split into an unfinished
// line and a resumed one; it counts when the resumed one succeeds.
func countExecs(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]int{}
	pending := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l := sc.Text()
		pid, rest, _ := strings.Cut(l, " ")
		switch {
		case strings.Contains(rest, "<... execve resumed>"):
			if strings.HasSuffix(rest, "= 0") {
				m[execName(pending[pid])]++
			}
			delete(pending, pid)
		case strings.Contains(rest, "execve("):
			args := rest[strings.Index(rest, "execve(")+len("execve("):]
			if strings.HasSuffix(rest, "<unfinished ...>") {
				pending[pid] = args
			} else if strings.HasSuffix(rest, "= 0") {
				m[execName(args)]++
			}
		}
	}
	return m, sc.Err()
}

// execName names an execve from its arguments: `"/usr/bin/git", ["git",
// "commit", ...`.
func execName(args string) string {
	var strs []string
	for len(strs) < 20 {
		i := strings.IndexByte(args, '"')
		if i < 0 {
			break
		}
		args = args[i+1:]
		j := strings.IndexByte(args, '"')
		if j < 0 {
			break
		}
		strs = append(strs, args[:j])
		args = args[j+1:]
	}
	if len(strs) == 0 {
		return "?"
	}
	prog := filepath.Base(strs[0])
	switch {
	case prog == "git":
		for i := 2; i < len(strs); i++ {
			switch a := strs[i]; {
			case a == "-c" || a == "-C":
				i++
			case strings.HasPrefix(a, "-"):
			default:
				return "git " + a
			}
		}
		return "git"
	case strings.Contains(strs[0], "/hooks/"):
		return "hook " + prog
	case prog == "git-ai-survival" && len(strs) > 3:
		return "git-ai-survival " + strs[2] + " " + strs[3]
	}
	return prog
}

// hookTimes reads a GIT_TRACE2_EVENT file and sums the time git spent in
// each hook it ran (child_exit of class hook).
func hookTimes(path string) ([]hookTime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	type ev struct {
		Event      string   `json:"event"`
		SID        string   `json:"sid"`
		ChildID    int      `json:"child_id"`
		ChildClass string   `json:"child_class"`
		HookName   string   `json:"hook_name"`
		Argv       []string `json:"argv"`
		TRel       float64  `json:"t_rel"`
	}
	names := map[string]string{}
	byHook := map[string]*hookTime{}
	var order []string
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var e ev
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s/%d", e.SID, e.ChildID)
		switch e.Event {
		case "child_start":
			if e.ChildClass == "hook" {
				name := e.HookName
				if name == "" && len(e.Argv) > 0 {
					name = filepath.Base(e.Argv[0])
				}
				names[key] = name
			}
		case "child_exit":
			name, ok := names[key]
			if !ok {
				continue
			}
			h := byHook[name]
			if h == nil {
				h = &hookTime{hook: name}
				byHook[name] = h
				order = append(order, name)
			}
			h.runs++
			h.total += time.Duration(e.TRel * float64(time.Second))
		}
	}
	var out []hookTime
	for _, n := range order {
		out = append(out, *byHook[n])
	}
	return out, nil
}
