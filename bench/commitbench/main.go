// Command commitbench measures what the git-ai-survival hooks cost a
// `git commit`. It builds two identical repositories of -files files, one
// with the hooks installed by `git-ai-survival install` and one without,
// and then:
//
//   - commits -changed edited files at a time, alternating between the two
//     repositories (and which goes first) so that drift in the machine's
//     load falls on both, and compares the medians of -commits commits each
//     after -warmup unmeasured ones (threshold: hooked/plain <= 1.3);
//   - makes -large-reps commits touching -wide files and -large-reps
//     commits adding a -big-mb MB generated text file in each repository,
//     and compares the hooked and plain times (threshold: the hooks add at
//     most 2 s to any of them).
//
// Only `git commit` is timed (wall time of the git process, hooks
// included); editing and `git add` are not. Every git runs with an
// isolated HOME, GIT_CONFIG_NOSYSTEM=1 and a fixed identity and dates.
//
// It writes the Markdown section for bench/results.md to -out, a summary
// to stdout and progress to stderr. It exits 0 when the measurement ran,
// whether or not the thresholds were met, and 1 when it could not run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// Thresholds (see bench/README.md).
const (
	maxRatio    = 1.3
	maxHookCost = 2 * time.Second
)

type options struct {
	bin            string
	workRoot       string
	out            string
	files          int
	changed        int
	commits        int
	warmup         int
	pending        int
	pendingCommits int
	wide           int
	bigMB          int
	largeReps      int
	profile        int
	standin        bool
	keep           bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/git-ai-survival", "the git-ai-survival binary to install the hooks from")
	// The repositories hold generated .go files: they must not land inside
	// the module, where `go vet ./...` and `gofmt -l .` would find them.
	flag.StringVar(&o.workRoot, "work", os.TempDir(), "directory to make the temporary repositories in (they are removed afterwards)")
	flag.StringVar(&o.out, "out", "", "file to write the Markdown results section to (default: none)")
	flag.IntVar(&o.files, "files", 20000, "files in the base tree")
	flag.IntVar(&o.changed, "changed", 10, "files edited by each measured commit")
	flag.IntVar(&o.commits, "commits", 100, "measured commits per repository")
	flag.IntVar(&o.warmup, "warmup", 5, "unmeasured commits per repository first")
	flag.IntVar(&o.pending, "pending", 50, "files with agent checkpoints pending at each commit of the pending series (0: no series)")
	flag.IntVar(&o.pendingCommits, "pending-commits", 60, "measured commits per repository in the pending series")
	flag.IntVar(&o.wide, "wide", 5000, "files touched by each wide commit")
	flag.IntVar(&o.bigMB, "big-mb", 50, "size in MB of the generated file each big commit adds")
	flag.IntVar(&o.largeReps, "large-reps", 3, "wide and big commits per repository")
	flag.IntVar(&o.profile, "profile", 10, "commits traced afterwards to see where the hook's time goes")
	flag.BoolVar(&o.standin, "standin", false, "instead of 'git-ai-survival install', a post-commit hook that runs 'git-ai-survival hook post-commit' (for builds without install)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.Parse()
	argsOK := flag.NArg() == 0 && o.files >= 100 && o.changed >= 1 && o.commits >= 1 && o.warmup >= 0 && o.wide >= 0 && o.wide <= o.files &&
		o.pending >= 0 && o.pendingCommits >= 0 && (o.pending == 0 || o.pending >= o.changed) && o.bigMB >= 0 && o.largeReps >= 0 && o.profile >= 0
	benchkit.Exit("commitbench", argsOK, func() error { return run(o) })
}

var progress = benchkit.Progress("commitbench")

// result is everything the report shows.
type result struct {
	opts     options
	hookKind string
	hooks    []string // hooks found in the hooked repository
	setup    time.Duration
	startup  []time.Duration // `git-ai-survival version`
	plain    []time.Duration
	hooked   []time.Duration
	notes    int // notes in the hooked repository at the end
	noted    int // commits made there with the hooks installed
	wide     []large
	big      []large
	profiles []hookProfile
	// commits made with agent checkpoints pending (pending.go)
	pendingPlain, pendingHooked []time.Duration
	pendingTagged               bool
	warnings                    []string // stderr of hooked commits, deduplicated
}

// large is one wide or big commit made in both repositories.
type large struct {
	plain, hooked time.Duration
	note          noteInfo
}

type noteInfo struct {
	present bool
	bytes   int
	records int
	partial bool
}

func run(o options) error {
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() {
		return fmt.Errorf("%s not found (run 'make build' first)", o.bin)
	}
	res := &result{opts: o}
	if err := exec.Command(bin, "version").Run(); err != nil {
		return fmt.Errorf("%s version: %v", bin, err)
	}
	if !o.standin {
		if err := exec.Command(bin, "install", "--help").Run(); err != nil {
			return fmt.Errorf("%s has no working 'install' command (%v); rerun with -standin to measure 'hook post-commit' through a stand-in hook", bin, err)
		}
	}

	work, remove, err := benchkit.WorkDir(o.workRoot, "git-ai-survival-commitbench-", o.keep, progress)
	if err != nil {
		return err
	}
	defer remove()
	env, err := benchkit.Environ(filepath.Join(work, "home"), filepath.Dir(bin))
	if err != nil {
		return err
	}
	plain := &repo{benchkit.Repo{Name: "plain", Dir: filepath.Join(work, "plain"), Env: env}}
	hooked := &repo{benchkit.Repo{Name: "hooked", Dir: filepath.Join(work, "hooked"), Env: env}}

	start := time.Now()
	for _, r := range []*repo{plain, hooked} {
		progress("creating the %s repository (%d files)", r.Name, o.files)
		if err := r.create(o.files); err != nil {
			return err
		}
	}
	res.setup = time.Since(start)
	if err := installHooks(hooked, bin, o.standin, res); err != nil {
		return err
	}
	// Let the clock pass the files' mtimes, then refresh both indexes so no
	// entry is racily clean and the first commits do not rehash files.
	time.Sleep(1100 * time.Millisecond)
	for _, r := range []*repo{plain, hooked} {
		if _, err := r.Git("update-index", "-q", "--refresh"); err != nil {
			return err
		}
	}

	progress("timing 'git-ai-survival version' (process start-up)")
	for i := 0; i < 20; i++ {
		_, _, took, err := hooked.Run(nil, nil, bin, "version")
		if err != nil {
			return err
		}
		res.startup = append(res.startup, took)
	}

	if err := steady(o, plain, hooked, res); err != nil {
		return err
	}
	if err := pendingCommits(o, bin, plain, hooked, res); err != nil {
		return err
	}
	if err := largeCommits(o, plain, hooked, res); err != nil {
		return err
	}
	if err := profileHook(o, hooked, o.profile, res); err != nil {
		return err
	}
	out, err := hooked.Git("notes", "--ref=refs/notes/ai-survival", "list")
	if err != nil {
		return err
	}
	res.notes = len(strings.Fields(out)) / 2

	md := report(res)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	fmt.Print(summary(res))
	return nil
}

// installHooks installs the hooks in r with the real install command, or
// writes the stand-in post-commit hook.
func installHooks(r *repo, bin string, standin bool, res *result) error {
	hooksDir, err := r.Git("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return err
	}
	hooksDir = strings.TrimSpace(hooksDir)
	if standin {
		res.hookKind = "stand-in post-commit hook running `git-ai-survival hook post-commit` (install not available)"
		if err := os.MkdirAll(hooksDir, 0o755); err != nil {
			return err
		}
		script := "#!/bin/sh\n# commitbench stand-in for the hook 'git-ai-survival install' writes\ngit-ai-survival hook post-commit\n"
		if err := os.WriteFile(filepath.Join(hooksDir, "post-commit"), []byte(script), 0o755); err != nil {
			return err
		}
	} else {
		res.hookKind = "`git-ai-survival install`"
		if _, errs, _, err := r.Run(nil, nil, bin, "install"); err != nil {
			return err
		} else if s := strings.TrimSpace(errs); s != "" {
			progress("install said: %s", benchkit.FirstLines(s, 5))
		}
	}
	entries, err := os.ReadDir(hooksDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sample") {
			res.hooks = append(res.hooks, e.Name())
		}
	}
	if len(res.hooks) == 0 {
		return fmt.Errorf("no hook was installed in %s", hooksDir)
	}
	return nil
}

// steady makes warmup+commits commits of o.changed edited files in each
// repository, interleaved, and records the measured ones.
func steady(o options, plain, hooked *repo, res *result) error {
	progress("%d warm-up and %d measured commits of %d files in each repository", o.warmup, o.commits, o.changed)
	const stride = 7919 // prime: consecutive picks land far apart
	for round := 0; round < o.warmup+o.commits; round++ {
		files := make([]string, o.changed)
		idx := make([]int, o.changed)
		for k := range idx {
			idx[k] = ((round*o.changed + k) * stride) % o.files
			files[k] = basePath(idx[k])
		}
		order := []*repo{plain, hooked}
		if round%2 == 1 {
			order = []*repo{hooked, plain}
		}
		for _, r := range order {
			for _, i := range idx {
				if err := r.edit(i, uint64(round)); err != nil {
					return err
				}
			}
			if _, err := r.Git(append([]string{"add", "--"}, files...)...); err != nil {
				return err
			}
			took, errs, err := r.commit(fmt.Sprintf("Edit %d files (round %d)", o.changed, round))
			if err != nil {
				return err
			}
			if r == hooked {
				res.noteWarning(errs)
				res.noted++
			}
			if round >= o.warmup {
				if r == plain {
					res.plain = append(res.plain, took)
				} else {
					res.hooked = append(res.hooked, took)
				}
			}
		}
	}
	return nil
}

func (res *result) noteWarning(stderr string) {
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		seen := false
		for _, w := range res.warnings {
			seen = seen || w == l
		}
		if !seen {
			res.warnings = append(res.warnings, l)
		}
	}
}

// largeCommits makes the wide and big commits in both repositories.
func largeCommits(o options, plain, hooked *repo, res *result) error {
	for rep := 0; rep < o.largeReps; rep++ {
		order := []*repo{plain, hooked}
		if rep%2 == 1 {
			order = []*repo{hooked, plain}
		}
		if o.wide > 0 {
			progress("wide commit %d/%d: %d files", rep+1, o.largeReps, o.wide)
			var l large
			for _, r := range order {
				took, err := wideCommit(o, r, rep)
				if err != nil {
					return err
				}
				if err := res.record(r, hooked, &l, took); err != nil {
					return err
				}
			}
			res.wide = append(res.wide, l)
		}
		if o.bigMB > 0 {
			progress("big commit %d/%d: one %d MB file", rep+1, o.largeReps, o.bigMB)
			text := bigText(o.bigMB<<20, uint64(rep))
			var l large
			for _, r := range order {
				took, err := bigCommit(r, rep, text)
				if err != nil {
					return err
				}
				if err := res.record(r, hooked, &l, took); err != nil {
					return err
				}
			}
			res.big = append(res.big, l)
		}
	}
	return nil
}

type timed struct {
	took   time.Duration
	stderr string
}

// record stores a large commit's time, and for the hooked repository
// what note the hook wrote.
func (res *result) record(r, hooked *repo, l *large, t timed) error {
	if r != hooked {
		l.plain = t.took
		return nil
	}
	l.hooked = t.took
	res.noteWarning(t.stderr)
	res.noted++
	out, _, _, err := r.Run(nil, nil, "git", "notes", "--ref=refs/notes/ai-survival", "show", "HEAD")
	if err != nil {
		return nil // no note: reported as missing
	}
	l.note = noteInfo{
		present: true,
		bytes:   len(out),
		records: strings.Count(out, "\n"),
		partial: strings.Contains(out, `"partial":true`),
	}
	return nil
}

// wideCommit edits o.wide files spread over the tree and commits them.
func wideCommit(o options, r *repo, rep int) (timed, error) {
	for k := 0; k < o.wide; k++ {
		i := (k*o.files/o.wide + rep) % o.files
		if err := r.edit(i, uint64(1000+rep)); err != nil {
			return timed{}, err
		}
	}
	if _, err := r.Git("add", "-u"); err != nil {
		return timed{}, err
	}
	took, errs, err := r.commit(fmt.Sprintf("Edit %d files at once", o.wide))
	return timed{took, errs}, err
}

// bigCommit adds one generated text file and commits it.
func bigCommit(r *repo, rep int, text []byte) (timed, error) {
	name := fmt.Sprintf("data/generated-%d.txt", rep)
	p := filepath.Join(r.Dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return timed{}, err
	}
	if err := os.WriteFile(p, text, 0o644); err != nil {
		return timed{}, err
	}
	if _, err := r.Git("add", "--", name); err != nil {
		return timed{}, err
	}
	took, errs, err := r.commit(fmt.Sprintf("Add a %d MB generated file", len(text)>>20))
	return timed{took, errs}, err
}

// The rest of the file renders the results.

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func secs(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// largeVerdict says whether the hooks added at most maxHookCost to every
// commit in ls, and the largest cost.
func largeVerdict(ls []large) (bool, time.Duration) {
	var worst time.Duration
	for _, l := range ls {
		worst = max(worst, l.hooked-l.plain)
	}
	return worst <= maxHookCost, worst
}

func report(res *result) string {
	var b strings.Builder
	o := res.opts
	pm, hm := benchkit.Median(res.plain), benchkit.Median(res.hooked)
	ratio := float64(hm) / float64(pm)
	fmt.Fprintf(&b, "Hooks: %s in the hooked repository (%s). ", res.hookKind, strings.Join(res.hooks, ", "))
	fmt.Fprintf(&b, "Two identical repositories of %d files (about 40 lines each, in directories of 100; written by `git fast-import`, then `git repack -a -d -f` as its manual asks) built in %s; only `git commit` is timed, staging is not.\n\n", o.files, secs(res.setup))

	fmt.Fprintf(&b, "### Commits of %d edited files\n\n", o.changed)
	fmt.Fprintf(&b, "%d measured commits per repository after %d unmeasured warm-up rounds, alternating between the repositories.\n\n", o.commits, o.warmup)
	b.WriteString("| | median | p90 | min | max |\n|---|---:|---:|---:|---:|\n")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"plain `git commit`", res.plain}, {"with hooks", res.hooked}} {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.name, ms(benchkit.Median(row.d)), ms(percentile(row.d, 90)), ms(minOf(row.d)), ms(maxOf(row.d)))
	}
	lo, hi := benchkit.RatioInterval(res.plain, res.hooked)
	fmt.Fprintf(&b, "\n**Ratio of medians: %.2fx** (threshold %.1fx: %s; 95%% bootstrap interval %.2f–%.2fx); p90 ratio %.2fx; the hooks add %s per commit at the median.\n",
		ratio, maxRatio, verdict(ratio <= maxRatio), lo, hi, float64(percentile(res.hooked, 90))/float64(percentile(res.plain, 90)), ms(hm-pm))
	fmt.Fprintf(&b, "Start-up of the binary alone (`git-ai-survival version`): median %s.\n", ms(benchkit.Median(res.startup)))
	if res.notes == res.noted {
		fmt.Fprintf(&b, "The hooks wrote a note for each of the %d commits made with them.\n", res.noted)
	} else {
		fmt.Fprintf(&b, "\n**WARNING: the hooks wrote notes for %d of the %d commits made with them.**\n", res.notes, res.noted)
	}

	b.WriteString(pendingReport(res))
	if len(res.wide)+len(res.big) > 0 {
		b.WriteString("\n### Large commits (hooks must add at most 2 s)\n\n")
		b.WriteString("| commit | plain | with hooks | hooks added | note written |\n|---|---:|---:|---:|---|\n")
		for i, l := range res.wide {
			fmt.Fprintf(&b, "| %d files edited (#%d) | %s | %s | %s | %s |\n", o.wide, i+1, secs(l.plain), secs(l.hooked), secs(l.hooked-l.plain), l.note)
		}
		for i, l := range res.big {
			fmt.Fprintf(&b, "| one %d MB text file added (#%d) | %s | %s | %s | %s |\n", o.bigMB, i+1, secs(l.plain), secs(l.hooked), secs(l.hooked-l.plain), l.note)
		}
		b.WriteString("\n")
		if len(res.wide) > 0 {
			ok, worst := largeVerdict(res.wide)
			fmt.Fprintf(&b, "- %d-file commits: the hooks added at most %s (threshold 2 s: %s).\n", o.wide, secs(worst), verdict(ok))
		}
		if len(res.big) > 0 {
			ok, worst := largeVerdict(res.big)
			fmt.Fprintf(&b, "- %d MB commits: the hooks added at most %s (threshold 2 s: %s).\n", o.bigMB, secs(worst), verdict(ok))
		}
	}
	b.WriteString(profileReport(res.profiles))
	if len(res.warnings) > 0 {
		b.WriteString("\nWhat the hooks printed on stderr (each distinct line once):\n\n```\n")
		for _, w := range res.warnings {
			b.WriteString(w + "\n")
		}
		b.WriteString("```\n")
	}
	return b.String()
}

func (n noteInfo) String() string {
	if !n.present {
		return "**none**"
	}
	s := fmt.Sprintf("%d records, %d KB", n.records, (n.bytes+1023)/1024)
	if n.records == 1 {
		s = fmt.Sprintf("1 record, %d KB", (n.bytes+1023)/1024)
	}
	if n.partial {
		s += ", partial"
	}
	return s
}

func summary(res *result) string {
	var b bytes.Buffer
	pm, hm := benchkit.Median(res.plain), benchkit.Median(res.hooked)
	ratio := float64(hm) / float64(pm)
	lo, hi := benchkit.RatioInterval(res.plain, res.hooked)
	fmt.Fprintf(&b, "commit: %d-file commits in a %d-file repository: plain median %s (p90 %s), with hooks median %s (p90 %s): ratio %.2fx (95%% interval %.2f-%.2fx), threshold %.1fx %s\n",
		res.opts.changed, res.opts.files, ms(pm), ms(percentile(res.plain, 90)), ms(hm), ms(percentile(res.hooked, 90)), ratio, lo, hi, maxRatio, verdict(ratio <= maxRatio))
	b.WriteString(pendingSummary(res))
	if len(res.wide) > 0 {
		ok, worst := largeVerdict(res.wide)
		fmt.Fprintf(&b, "commit: %d-file commits: plain median %s, with hooks median %s; hooks added at most %s, threshold 2 s %s\n",
			res.opts.wide, secs(benchkit.Median(plainOf(res.wide))), secs(benchkit.Median(hookedOf(res.wide))), secs(worst), verdict(ok))
	}
	if len(res.big) > 0 {
		ok, worst := largeVerdict(res.big)
		fmt.Fprintf(&b, "commit: %d MB file commits: plain median %s, with hooks median %s; hooks added at most %s, threshold 2 s %s\n",
			res.opts.bigMB, secs(benchkit.Median(plainOf(res.big))), secs(benchkit.Median(hookedOf(res.big))), secs(worst), verdict(ok))
	}
	return b.String()
}
