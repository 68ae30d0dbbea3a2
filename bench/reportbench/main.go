// Command reportbench measures the survival engine: how long `git
// ai-survival report` takes on a generated history of -commits commits,
// side by side, in the same run, with what it must be compared with:
//
//   - the `git log -p` the report's walk runs (the exact command, read from
//     git's trace2 events of a report), and a plain `git log -p`: reading
//     every diff once is the floor (threshold: report <= 3x);
//   - `git blame --porcelain` of every file at the end, one process per
//     file, one after the other, as other tools measure survival
//     (threshold: report at least 5x faster);
//   - `report --moves` against `git blame -M -C -C` of every file
//     (threshold: at least 2x faster), when --moves is available;
//   - a report after one new commit on top of the measured history
//     (threshold: under 10% of the full report).
//
// It also checks that the report's surviving lines per origin, agent and
// top-level directory are what git blame says, through the origin the
// generator gave each commit.
//
// It writes the Markdown section for bench/results.md to -out, a summary
// to stdout and progress to stderr. It exits 0 when the measurement ran,
// whether or not the thresholds were met, and 1 when it could not run.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// Thresholds (see bench/README.md).
const (
	maxOverLog      = 3.0  // report / git log -p
	minOverBlame    = 5.0  // blame every file / report
	minOverBlameMCC = 2.0  // blame -M -C -C every file / report --moves
	maxMovesOverLog = 2.0  // report --moves / plain git log -p (wall)
	maxIncremental  = 0.10 // report after one commit / full report
	maxCurves       = 1.20 // report --curves --releases / report
)

type options struct {
	bin         string
	workRoot    string
	out         string
	gen         genOptions
	reps        int
	blameSample float64
	movesSample float64
	parallel    int
	keep        bool
	genOnly     bool   // generate the history, keep it and stop
	from        string // with -merge-every, measure the history -generate-only left there
	noM         bool   // with -merge-every, skip `git log -p -m`
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/git-ai-survival", "the git-ai-survival binary to measure")
	flag.StringVar(&o.workRoot, "work", os.TempDir(), "directory to make the temporary repository in (it is removed afterwards)")
	flag.StringVar(&o.out, "out", "", "file to write the Markdown results section to (default: none)")
	flag.IntVar(&o.gen.commits, "commits", 10500, "commits in the generated history (merges and side branches included)")
	flag.IntVar(&o.gen.files, "files", 300, "files in the first commit")
	flag.Int64Var(&o.gen.seed, "seed", 1, "seed of the generated history")
	flag.IntVar(&o.gen.mergeEvery, "merge-every", 0, "the merge-heavy shape: long-lived branches and a merge every this many commits (0: the ordinary shape)")
	flag.IntVar(&o.gen.branches, "branches", 6, "with -merge-every, long-lived branches open at a time")
	flag.IntVar(&o.gen.bigFiles, "big-files", 6, "with -merge-every, files of -big-lines lines edited over and over")
	flag.IntVar(&o.gen.bigLines, "big-lines", 10000, "with -merge-every, lines of each big file")
	flag.IntVar(&o.reps, "reps", 5, "repetitions of the git log and report timings (the median is kept)")
	flag.Float64Var(&o.blameSample, "blame-sample", 1, "fraction of the files `git blame` is timed on (whole top-level directories, fixed pseudo-random choice); the time is extrapolated to every file")
	flag.Float64Var(&o.movesSample, "moves-sample", 1, "the same for `git blame -M -C -C`")
	flag.IntVar(&o.parallel, "parallel", 2, "also time blaming every file with this many processes at a time (0: skip)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.BoolVar(&o.genOnly, "generate-only", false, "generate the history and its notes, keep the work directory and stop (no timings)")
	flag.StringVar(&o.from, "from", "", "with -merge-every, measure the history a `-generate-only` run (same generation flags) left in this work directory instead of generating one; it is kept")
	flag.BoolVar(&o.noM, "no-m", false, "with -merge-every, do not time `git log -p -m` (too slow on large histories)")
	flag.Parse()
	o.keep = o.keep || o.genOnly
	argsOK := flag.NArg() == 0 && o.gen.commits >= 200 && o.gen.files >= 50 && o.reps >= 1 &&
		o.blameSample > 0 && o.movesSample > 0 && o.parallel >= 0 && (o.from == "" || o.gen.mergeEvery > 0 && !o.genOnly)
	benchkit.Exit("reportbench", argsOK, func() error { return run(o) })
}

var progress = benchkit.Progress("reportbench")

// The report's JSON, the parts the benchmark reads.
type rateJSON struct {
	Added     int `json:"added"`
	Surviving int `json:"surviving"`
}

type dirRow struct {
	Directory string   `json:"directory"`
	AI        rateJSON `json:"ai"`
	Human     rateJSON `json:"human"`
	Unknown   rateJSON `json:"unknown"`
}

type reportJSON struct {
	End     string `json:"end"`
	Commits struct {
		Total     int `json:"total"`
		WithNotes int `json:"with_notes"`
		Inferred  int `json:"inferred"`
	} `json:"commits"`
	Totals  map[string]rateJSON `json:"totals"`
	ByAgent []struct {
		Agent     string `json:"agent"`
		Model     string `json:"model"`
		Surviving int    `json:"surviving"`
	} `json:"by_agent"`
	ByDirectory []dirRow `json:"by_directory"`
}

// result is everything the results section shows.
type result struct {
	o       options
	version string
	gen     *genResult
	setup   struct{ generate, annotate time.Duration }
	size    struct {
		commits, merges, files, lines int
		logBytes                      int64
		notes                         int
	}
	logCmd     []string // the walk's git log, as traced
	logTraced  bool
	metaCmd    []string
	logExact   []timed
	logPlain   []timed
	logMeta    []timed
	report     []timed
	full       *reportJSON
	leftBehind []string // what a report wrote to the repository or HOME

	curves   []timed // report --curves --releases 'v*'
	movesErr string  // why --moves could not be measured
	moves    []timed
	movesRep *reportJSON

	blame     *blameRun
	blamePar  *blameRun
	blameMCC  *blameRun
	agree     agreement  // the full report at the end
	agreeIncr *agreement // the report after the last new commit
	agreeMCC  *agreement

	load       [2]string    // load averages at the start and the end
	trace      *reportTrace // a full report with git's trace2 events, after the rounds
	traceIncr  *reportTrace // the report after one more new commit
	traceMoves *reportTrace // a full report --moves
	incr       []timed
	last       *reportJSON // the last report after a new commit, at HEAD
}

func run(o options) error {
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	res := &result{o: o}
	var work string
	if o.from != "" {
		if work, err = filepath.Abs(o.from); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(work, "repo", ".git")); err != nil {
			return fmt.Errorf("-from %s: no generated history there (%v)", o.from, err)
		}
		progress("measuring the history in %s (kept)", work)
	} else {
		var remove func()
		work, remove, err = benchkit.WorkDir(o.workRoot, "git-ai-survival-reportbench-", o.keep, progress)
		if err != nil {
			return err
		}
		defer remove()
	}
	home := filepath.Join(work, "home")
	env, err := benchkit.Environ(home, filepath.Dir(bin))
	if err != nil {
		return err
	}
	r := &repo{dir: filepath.Join(work, "repo"), env: env}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return err
	}
	out, err := r.git("version")
	if err != nil {
		return err
	}
	var vb bytes.Buffer
	if _, _, err := r.exec(nil, &vb, bin, "version"); err != nil {
		return fmt.Errorf("%s version: %v (run 'make build' first)", o.bin, err)
	}
	res.version = strings.TrimSpace(vb.String())
	progress("%s, %s", res.version, strings.TrimSpace(out))

	res.load[0] = loadavg()
	if o.from != "" {
		if err := repack(r, work); err != nil {
			return err
		}
		if err := sizeOf(r, res); err != nil {
			return err
		}
		return runScale(r, bin, work, res)
	}
	origins, err := build(r, bin, work, res)
	if err != nil {
		return err
	}
	if o.genOnly {
		progress("history in %s (generated in %s, annotated in %s)", r.dir,
			res.setup.generate.Round(time.Millisecond), res.setup.annotate.Round(time.Millisecond))
		return nil
	}
	if o.gen.mergeEvery > 0 {
		return runScale(r, bin, work, res)
	}
	// Every timed full report starts from this state: what an earlier
	// report wrote (a cache, if the binary keeps one) is removed first.
	cold, err := coldDirs(r, home)
	if err != nil {
		return err
	}
	if err := timeRounds(r, bin, work, cold, res, origins); err != nil {
		return err
	}
	if err := timeBlame(r, bin, work, cold, res, origins); err != nil {
		return err
	}

	res.load[1] = loadavg()
	md := render(res)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	fmt.Print(summary(res))
	return nil
}

// repackedFile, in the work directory, says its history was repacked.
const repackedFile = "repacked"

// repack packs the generated history as git packs a repository whose
// commits were made one by one (`git repack -a -d -f`: deltas searched
// afresh, the newest versions whole), once. git fast-import stores each
// file version as a delta on the one before, a pack no real repository
// has, where reading the history oldest first (as the report does) costs
// git about a quarter more than reading it newest first; on a repacked
// history the order makes little difference.
func repack(r *repo, work string) error {
	done := filepath.Join(work, repackedFile)
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	progress("repacking the history (git repack -a -d -f)")
	if _, err := r.git("repack", "-a", "-d", "-f", "-q"); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// build generates the history, imports it, writes the notes and returns
// each commit's origin by id.
func build(r *repo, bin, work string, res *result) (map[string]origin, error) {
	o := res.o
	if _, err := r.git("init", "-q", "-b", "main"); err != nil {
		return nil, err
	}
	progress("generating and importing %d commits over %d files (seed %d)", o.gen.commits, o.gen.files, o.gen.seed)
	marks := filepath.Join(work, "marks")
	start := time.Now()
	pr, pw := io.Pipe()
	var gen *genResult
	go func() {
		var err error
		gen, err = generate(o.gen, pw)
		pw.CloseWithError(err)
	}()
	if _, _, err := r.exec(pr, nil, "git", "fast-import", "--quiet", "--done", "--export-marks="+marks); err != nil {
		pr.CloseWithError(err)
		return nil, err
	}
	if _, err := r.git("reset", "-q", "--hard", "main"); err != nil {
		return nil, err
	}
	if err := repack(r, work); err != nil {
		return nil, err
	}
	res.gen = gen
	res.setup.generate = time.Since(start)

	origins := map[string]origin{}
	f, err := os.Open(marks)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m int
		var id string
		if _, err := fmt.Sscanf(sc.Text(), ":%d %s", &m, &id); err != nil {
			return nil, fmt.Errorf("marks file: %q: %v", sc.Text(), err)
		}
		origins[id] = gen.byMark[m]
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := writeOrigins(filepath.Join(work, "origins.txt"), origins); err != nil {
		return nil, err
	}

	// Notes, as a repository that adopted the tool part-way has them (see
	// gen.go): a segment tagged by hand, then everything after it.
	progress("writing notes with 'git-ai-survival annotate'")
	start = time.Now()
	for _, args := range [][]string{
		{"annotate", "bench/cursor-from..bench/cursor-to", "--agent", "cursor"},
		{"annotate", "bench/cursor-to..main"},
		{"annotate", "bench/cursor-to..main", "--human"},
	} {
		if _, _, err := r.exec(nil, io.Discard, bin, args...); err != nil {
			return nil, err
		}
	}
	res.setup.annotate = time.Since(start)

	if err := sizeOf(r, res); err != nil {
		return nil, err
	}
	progress("history: %d commits (%d merges), %d files, %d lines at the end, %d notes; built in %s, annotated in %s",
		res.size.commits, res.size.merges, res.size.files, res.size.lines, res.size.notes,
		res.setup.generate.Round(time.Millisecond), res.setup.annotate.Round(time.Millisecond))
	return origins, nil
}

// sizeOf counts the history's commits, merges, files, lines and notes.
func sizeOf(r *repo, res *result) error {
	for _, q := range []struct {
		n    *int
		args []string
	}{
		{&res.size.commits, []string{"rev-list", "--count", "HEAD"}},
		{&res.size.merges, []string{"rev-list", "--count", "--merges", "HEAD"}},
	} {
		s, err := r.git(q.args...)
		if err != nil {
			return err
		}
		fmt.Sscan(s, q.n)
	}
	ls, err := r.git("ls-files")
	if err != nil {
		return err
	}
	files := strings.Fields(ls)
	res.size.files = len(files)
	for _, p := range files {
		b, err := os.ReadFile(filepath.Join(r.dir, p))
		if err != nil {
			return err
		}
		res.size.lines += bytes.Count(b, []byte("\n"))
	}
	nl, err := r.git("notes", "--ref=refs/notes/ai-survival", "list")
	if err != nil {
		return err
	}
	res.size.notes = len(strings.Fields(nl)) / 2
	return nil
}

// writeOrigins writes the commit -> origin map ("<id> <origin> [<agent>]"
// per line, sorted), for a look at a kept work directory.
func writeOrigins(path string, origins map[string]origin) error {
	ids := make([]string, 0, len(origins))
	for id := range origins {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintln(&b, strings.TrimSpace(id+" "+origins[id].origin+" "+origins[id].agent))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// gitRun is one git process a traced report ran, its times relative to
// the report's start.
type gitRun struct {
	argv       []string
	start, end time.Duration
}

// reportTrace is one report run with git's trace2 events on.
type reportTrace struct {
	wall    time.Duration
	gits    []gitRun // in order of start
	logCmd  []string // the walk's git log -p
	metaCmd []string // the metadata git log
	rep     *reportJSON
}

// traceReport runs one report with git's trace2 events on and returns the
// gits it ran, when, and which are the walk's two logs.
func traceReport(r *repo, bin, work string, args ...string) (*reportTrace, error) {
	trace := filepath.Join(work, "trace2.json")
	os.Remove(trace)
	defer os.Remove(trace)
	var out bytes.Buffer
	cmd, errb := r.command(nil, &out, bin, args...)
	cmd.Env = append(append([]string{}, r.env...), "GIT_TRACE2_EVENT="+trace)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, benchkit.FirstLines(errb.String(), 10))
	}
	rt := &reportTrace{wall: time.Since(start)}
	var rep reportJSON
	if json.Unmarshal(out.Bytes(), &rep) == nil {
		rt.rep = &rep
	}
	f, err := os.Open(trace)
	if err != nil {
		return rt, nil // no trace: the caller falls back
	}
	defer f.Close()
	bySID := map[string]*gitRun{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for sc.Scan() {
		var ev struct {
			Event string    `json:"event"`
			SID   string    `json:"sid"`
			Time  time.Time `json:"time"`
			Argv  []string  `json:"argv"`
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch ev.Event {
		case "start":
			if len(ev.Argv) < 2 {
				continue
			}
			argv := ev.Argv[1:]
			bySID[ev.SID] = &gitRun{argv: argv, start: ev.Time.Sub(start)}
			order = append(order, ev.SID)
			if contains(argv, "log") && contains(argv, "-p") && !contains(argv, "--merges") {
				rt.logCmd = argv // the walk's main stream, not its merges' diffs
			} else if contains(argv, "log") && contains(argv, "-z") {
				rt.metaCmd = argv
			}
		case "exit", "atexit":
			if g := bySID[ev.SID]; g != nil && ev.Time.Sub(start) > g.end {
				g.end = ev.Time.Sub(start)
			}
		}
	}
	for _, sid := range order {
		if g := bySID[sid]; g.end > 0 {
			rt.gits = append(rt.gits, *g)
		}
	}
	return rt, sc.Err()
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// fallbackLog is internal/walk's git log, for a binary whose gits cannot
// be traced.
var fallbackLog = []string{"log", "--reverse", "--topo-order", "--children",
	"--format=short", "--no-abbrev-commit", "--no-decorate", "--no-notes",
	"--diff-merges=off", "--root", "-p", "-U0", "-M", "--no-color",
	"--no-ext-diff", "--no-textconv", "--diff-algorithm=myers", "--indent-heuristic",
	"--inter-hunk-context=0", "--ignore-submodules=all",
	"--src-prefix=a/", "--dst-prefix=b/", "--no-relative", "HEAD", "--"}

// timeReport runs one report from a cold start (what an earlier report
// wrote to the repository or HOME removed first) and parses its JSON.
func timeReport(r *repo, bin, work string, cold []coldDir, res *result, args ...string) (timed, *reportJSON, error) {
	if err := res.coldStart(cold); err != nil {
		return timed{}, nil, err
	}
	outPath := filepath.Join(work, "report.json")
	f, err := os.Create(outPath)
	if err != nil {
		return timed{}, nil, err
	}
	t, _, err := r.exec(nil, f, bin, args...)
	f.Close()
	if err != nil {
		return t, nil, err
	}
	b, err := os.ReadFile(outPath)
	if err != nil {
		return t, nil, err
	}
	var rep reportJSON
	if err := json.Unmarshal(b, &rep); err != nil {
		return t, nil, fmt.Errorf("report JSON: %v", err)
	}
	return t, &rep, nil
}

// coldStart removes what reports wrote since the snapshots were taken.
func (res *result) coldStart(cold []coldDir) error {
	for _, c := range cold {
		gone, err := restore(c.dir, c.snap)
		if err != nil {
			return err
		}
		for _, g := range gone {
			res.leaveBehind(filepath.Join(c.name, g))
		}
	}
	return nil
}

func (res *result) leaveBehind(p string) {
	if !contains(res.leftBehind, p) {
		res.leftBehind = append(res.leftBehind, p)
	}
}

// coldDir is a directory put back to its snapshot before each cold run.
type coldDir struct {
	name, dir string
	snap      map[string]bool
}

func coldDirs(r *repo, home string) ([]coldDir, error) {
	gitDir, err := r.git("rev-parse", "--absolute-git-dir")
	if err != nil {
		return nil, err
	}
	var out []coldDir
	for _, d := range []coldDir{{name: ".git", dir: strings.TrimSpace(gitDir)}, {name: "$HOME", dir: home}} {
		snap, err := snapshot(d.dir)
		if err != nil {
			return nil, err
		}
		d.snap = snap
		out = append(out, d)
	}
	return out, nil
}

// timeRounds times, in turns, round after round: the walk's git log -p,
// the plain one, the full report from a cold start, then one new commit
// and the report after it. Taking turns spreads changes in the machine's
// load over all of them; the full reports of later rounds measure one
// commit more each, which makes no difference to their time.
//
// The report after the new commit is not preceded by a cold start: a
// cache, if the binary keeps one, is the one the full report just wrote.
func timeRounds(r *repo, bin, work string, cold []coldDir, res *result, origins map[string]origin) error {
	progress("one untimed report, tracing the gits it runs")
	rt, err := traceReport(r, bin, work, "report", "--format", "json")
	if err != nil {
		return err
	}
	logCmd, metaCmd := rt.logCmd, rt.metaCmd
	res.logTraced = logCmd != nil
	if logCmd == nil {
		progress("warning: no git log -p in the report's trace2 events; timing internal/walk's arguments instead")
		logCmd = fallbackLog
	}
	// The report names its end by id; the rounds add commits, so HEAD.
	head, err := r.git("rev-parse", "HEAD")
	if err != nil {
		return err
	}
	for _, cmd := range [][]string{logCmd, metaCmd} {
		for i, a := range cmd {
			if a == strings.TrimSpace(head) {
				cmd[i] = "HEAD"
			}
		}
	}
	res.logCmd, res.metaCmd = logCmd, metaCmd
	cw := &countWriter{}
	if _, _, err := r.exec(nil, cw, "git", logCmd...); err != nil {
		return err
	}
	res.size.logBytes = cw.n

	moves, err := movesAvailable(r, bin, res)
	if err != nil {
		return err
	}
	steps := "git log -p (the walk's), git log -p (plain), report, new commit, report"
	if moves {
		steps += ", report --moves"
	}
	for rep := 0; rep < res.o.reps; rep++ {
		progress("round %d of %d: %s", rep+1, res.o.reps, steps)
		t, _, err := r.exec(nil, nil, "git", logCmd...)
		if err != nil {
			return err
		}
		res.logExact = append(res.logExact, t)
		if t, _, err = r.exec(nil, nil, "git", "log", "-p", "--no-color"); err != nil {
			return err
		}
		res.logPlain = append(res.logPlain, t)
		if metaCmd != nil {
			if t, _, err = r.exec(nil, nil, "git", metaCmd...); err != nil {
				return err
			}
			res.logMeta = append(res.logMeta, t)
		}
		t, rj, err := timeReport(r, bin, work, cold, res, "report", "--format", "json")
		if err != nil {
			return err
		}
		res.report = append(res.report, t)
		if rep == 0 {
			res.full = rj
		}
		// Curves and the 80-release table come from the same walk.
		if t, _, err = timeReport(r, bin, work, cold, res, "report", "--curves", "--releases", "v*", "--format", "json"); err != nil {
			return err
		}
		res.curves = append(res.curves, t)

		id, err := commitKept(r, rep, cold)
		if err != nil {
			return err
		}
		origins[id] = origin{originAI, "claude-code"} // its trailer; no note
		t, rj, err = timeReport(r, bin, work, nil, res, "report", "--format", "json")
		if err != nil {
			return err
		}
		if rj.End != id {
			return fmt.Errorf("the report after commit %s ends at %s", id, rj.End)
		}
		res.incr = append(res.incr, t)
		if moves {
			// After the incremental report: its cold start would remove
			// the cache the full report wrote for it.
			t, _, err := timeReport(r, bin, work, cold, res, "report", "--moves", "--format", "json")
			if err != nil {
				return err
			}
			res.moves = append(res.moves, t)
		}
		res.last = rj
	}
	progress("a full report from a cold start, one after a new commit and a full report --moves, traced, to see where their time goes")
	if err := res.coldStart(cold); err != nil {
		return err
	}
	if res.trace, err = traceReport(r, bin, work, "report", "--format", "json"); err != nil {
		return err
	}
	id, err := commitKept(r, res.o.reps, cold)
	if err != nil {
		return err
	}
	origins[id] = origin{originAI, "claude-code"}
	if res.traceIncr, err = traceReport(r, bin, work, "report", "--format", "json"); err != nil {
		return err
	}
	if rep := res.traceIncr.rep; rep == nil || rep.End != id {
		return fmt.Errorf("the report after commit %s did not end there", id)
	}
	res.last = res.traceIncr.rep
	if !moves {
		return nil
	}
	if err := res.coldStart(cold); err != nil {
		return err
	}
	if res.traceMoves, err = traceReport(r, bin, work, "report", "--moves", "--format", "json"); err != nil {
		return err
	}
	if res.movesRep = res.traceMoves.rep; res.movesRep == nil {
		return fmt.Errorf("report --moves printed no JSON")
	}
	return nil
}

// loadavg is the machine's load average over 1, 5 and 15 minutes.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// movesAvailable says whether the binary has report --moves; if not,
// res.movesErr says why.
func movesAvailable(r *repo, bin string, res *result) (bool, error) {
	var errb bytes.Buffer
	cmd, _ := r.command(nil, io.Discard, bin, "report", "--moves", "--format", "json")
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(benchkit.FirstLines(errb.String(), 3))
		if exitCode(err) == 2 && strings.Contains(msg, "not available") {
			res.movesErr = "not available: the binary says \u201c" + strings.TrimPrefix(msg, "error: ") + "\u201d"
			progress("report --moves: %s", res.movesErr)
			return false, nil
		}
		return false, fmt.Errorf("report --moves: %v\n%s", err, msg)
	}
	return true, nil
}

// timeBlame blames every file (or the sample) the way other tools do, and
// checks the report against it.
func timeBlame(r *repo, bin, work string, cold []coldDir, res *result, origins map[string]origin) error {
	ls, err := r.git("ls-files")
	if err != nil {
		return err
	}
	all := strings.Split(strings.TrimSpace(ls), "\n")
	o := res.o

	dirs, files := sampleDirs(all, o.blameSample, o.gen.seed)
	progress("git blame of %d files, one after the other", len(files))
	if res.blame, err = blame(r, nil, files, 1); err != nil {
		return err
	}
	res.blame.dirs, res.blame.allDirs = dirs, len(files) == len(all)
	progress("  %s; one more full report from a cold start, to check it", res.blame.wall.Round(time.Millisecond))
	_, final, err := timeReport(r, bin, work, cold, res, "report", "--format", "json")
	if err != nil {
		return err
	}
	res.agree = compare(res.blame, final, origins, true)
	progress("  figures agree with git blame: %s", res.agree.summary())
	if res.last != nil && res.last.End == final.End {
		a := compare(res.blame, res.last, origins, true)
		res.agreeIncr = &a
		progress("  the report after a new commit agrees with git blame: %s", a.summary())
	}

	if o.parallel > 1 {
		progress("git blame of the same %d files, %d at a time", len(files), o.parallel)
		if res.blamePar, err = blame(r, nil, files, o.parallel); err != nil {
			return err
		}
		res.blamePar.dirs, res.blamePar.allDirs = dirs, res.blame.allDirs
	}

	dirs, files = sampleDirs(all, o.movesSample, o.gen.seed)
	progress("git blame -M -C -C of %d files, one after the other", len(files))
	if res.blameMCC, err = blame(r, []string{"-M", "-C", "-C"}, files, 1); err != nil {
		return err
	}
	res.blameMCC.dirs, res.blameMCC.allDirs = dirs, len(files) == len(all)
	progress("  %s", res.blameMCC.wall.Round(time.Millisecond))
	if res.movesRep != nil && res.blameMCC.allDirs {
		a := compare(res.blameMCC, res.movesRep, origins, false)
		res.agreeMCC = &a
		progress("  report --moves agrees with git blame -M -C -C: %s", a.summary())
	}
	return nil
}

// commitKept makes a new commit and adds what it wrote (objects, logs) to
// the cold snapshots, so that going back to them keeps the commit.
func commitKept(r *repo, i int, cold []coldDir) (string, error) {
	var before []map[string]bool
	for _, c := range cold {
		snap, err := snapshot(c.dir)
		if err != nil {
			return "", err
		}
		before = append(before, snap)
	}
	id, err := newCommit(r, i)
	if err != nil {
		return "", err
	}
	for k, c := range cold {
		after, err := snapshot(c.dir)
		if err != nil {
			return "", err
		}
		for p := range after {
			if !before[k][p] {
				c.snap[p] = true
			}
		}
	}
	return id, nil
}

// newCommit edits one file of the work tree (three lines appended, one
// rewritten) and commits it as an agent would, with git commit.
func newCommit(r *repo, i int) (string, error) {
	ls, err := r.git("ls-files")
	if err != nil {
		return "", err
	}
	files := strings.Fields(ls)
	p := filepath.Join(r.dir, files[(i*7919)%len(files)])
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	lines[len(lines)/2] = fmt.Sprintf("\tnext := retry(ctx, %d) // the incremental commit %d", i, i)
	for j := range 3 {
		lines = append(lines, fmt.Sprintf("// appended by the incremental commit %d, line %d", i, j))
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return "", err
	}
	if _, err := r.git("add", "--", p); err != nil {
		return "", err
	}
	date := fmt.Sprintf("@%d +0000", epoch+100_000_000+i*60)
	cmd, errb := r.command(nil, io.Discard, "git", "commit", "-q", "-m", fmt.Sprintf("Incremental commit %d\n\n%s", i, aiTrailer))
	cmd.Env = append(append([]string{}, r.env...), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git commit: %v\n%s", err, errb.String())
	}
	id, err := r.git("rev-parse", "HEAD")
	return strings.TrimSpace(id), err
}
