// Command oracle checks the report's figures against git blame on real
// histories: it clones each bundle of a folder of real repositories and,
// for the full history and release ranges (consecutive tags), compares the
// lines the report says survive with what git blame of every file at the
// range's end says, line by line:
//
//   - plain: report A..B against git blame A..B, exactly;
//   - filtered: the same with a path filter, against git blame of the
//     files the filter keeps at B, exactly;
//   - moves: report --moves (and --moves=100) against
//     git blame -M -C -C (and -M100 -C100 -C, the same with thresholds
//     of 100: git counts -C100 as one of the two -C): at most -tolerance of a
//     range's surviving lines may differ, and each difference is listed.
//
// The release table of --releases must also give, for each release, the
// figures the report gives for its range alone.
//
// It writes a table to -out (bench/oracle.md) and exits 1 on a miss, 2
// when it cannot run; without the folder it says so in one line and exits 0.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// variant is one way of measuring and the git blame that must agree.
type variant struct {
	name     string
	moves    bool
	th       walk.Thresholds
	filtered bool
	blame    []string
	exact    bool
}

var allVariants = []variant{
	{name: "plain", exact: true},
	{name: "filtered", filtered: true, exact: true},
	{name: "moves", moves: true, blame: []string{"-M", "-C", "-C"}},
	// git counts every -C, with or without a number: -M -C -C with
	// thresholds of 100 is -M100 -C100 -C (-M100 -C100 -C -C is
	// -C -C -C, which looks for copies in every file for every commit).
	{name: "moves=100", moves: true, th: walk.Thresholds{Within: 100, Across: 100}, blame: []string{"-M100", "-C100", "-C"}},
}

// The filter of the filtered variant: Go code only, without generated
// protocol buffers and test data.
var (
	filterInclude = []string{"*.go"}
	filterExclude = []string{"*.pb.go", "test_data/", "testdata/"}
)

type options struct {
	repos     string
	out       string
	work      string
	variants  map[string]bool
	releases  int
	ranges    map[string][]string
	tolerance float64
	jobs      int
	list      int
}

// row is one range measured one way.
type row struct {
	repo, rng, variant string
	blame, report      int // surviving lines
	distinct           int // blame's, a line copied to several places once
	walk               int // surviving lines by the walk, line by line
	walkDistinct       int // the walk's, a line in several places once
	differ             int // lines whose commit differs from blame's
	perCommit          int // lines off in the per-commit counts (half the sum of |report - blame| per commit)
	exact              bool
	ok                 bool
	took               time.Duration
	diffs              []string
	note               string
}

func main() {
	var o options
	var variants, ranges string
	flag.StringVar(&o.repos, "repos", "../shared/realrepos", "folder of git bundles (`dir`); skipped when absent")
	flag.StringVar(&o.out, "out", "bench/oracle.md", "write the table to this `file`")
	flag.StringVar(&o.work, "work", "", "clone into this `dir` (default: a temporary one, removed)")
	flag.StringVar(&variants, "variants", "plain,filtered,moves,moves=100", "comma-separated `list` of plain, filtered, moves, moves=100")
	flag.IntVar(&o.releases, "releases", 3, "release ranges per repository: the last `n` pairs of consecutive tags (-1: all)")
	flag.StringVar(&ranges, "ranges", "hercules=v10.5.3..v10.7.2,v10.0.0..v10.7.2", "extra ranges, `repo=range,...;repo=...`")
	flag.Float64Var(&o.tolerance, "tolerance", 0.005, "with moves, the share of surviving lines that may differ from blame")
	flag.IntVar(&o.jobs, "j", 2, "git blame processes at a time")
	flag.IntVar(&o.list, "list", 20, "differing lines listed per range")
	flag.Parse()
	o.variants = map[string]bool{}
	for _, v := range strings.Split(variants, ",") {
		v = strings.TrimSpace(v)
		known := false
		for _, a := range allVariants {
			known = known || a.name == v
		}
		if !known {
			fmt.Fprintf(os.Stderr, "oracle: unknown variant %q (plain, filtered, moves, moves=100)\n", v)
			os.Exit(2)
		}
		o.variants[v] = true
	}
	o.ranges = map[string][]string{}
	for _, part := range strings.Split(ranges, ";") {
		if repo, rs, ok := strings.Cut(part, "="); ok {
			o.ranges[repo] = append(o.ranges[repo], strings.Split(rs, ",")...)
		}
	}
	os.Exit(run(o))
}

func run(o options) int {
	bundles, err := filepath.Glob(filepath.Join(o.repos, "*.bundle"))
	if err != nil || len(bundles) == 0 {
		fmt.Printf("oracle: no bundles in %s: skipped\n", o.repos)
		return 0
	}
	sort.Strings(bundles)
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "oracle-"); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			return 2
		}
		defer os.RemoveAll(work)
	}
	ctx := context.Background()
	start := time.Now()
	var rows []row
	var releaseNotes []string
	for _, b := range bundles {
		name := strings.TrimSuffix(filepath.Base(b), ".bundle")
		dir := filepath.Join(work, name)
		if _, err := os.Stat(dir); err != nil {
			if out, err := exec.Command("git", "clone", "-q", "--no-checkout", b, dir).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "oracle: cloning %s: %v\n%s", b, err, out)
				return 2
			}
		}
		rs, notes, err := repoRows(ctx, o, name, dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "oracle: %s: %v\n", name, err)
			return 2
		}
		rows = append(rows, rs...)
		releaseNotes = append(releaseNotes, notes...)
	}
	failed := 0
	for _, r := range rows {
		if !r.ok {
			failed++
		}
	}
	failed += len(releaseNotes)
	if err := write(o, rows, releaseNotes, time.Since(start)); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		return 2
	}
	fmt.Printf("oracle: %d checks, %d missed, %s; table in %s\n", len(rows), failed, time.Since(start).Round(time.Second), o.out)
	if failed > 0 {
		return 1
	}
	return 0
}

// repoRows measures one repository: its full history, its last release
// ranges and the extra ranges asked for.
func repoRows(ctx context.Context, o options, name, dir string) ([]row, []string, error) {
	repo, err := gitx.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	// A bundle's HEAD may name a branch it lacks: its main branch then.
	var head string
	for _, rev := range []string{"HEAD", "origin/HEAD", "origin/main", "origin/master"} {
		if head, err = repo.ResolveCommit(ctx, rev); err == nil {
			break
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("no HEAD, main or master branch: %w", err)
	}
	ranges := []string{head}
	tags, _ := measure.Tags(ctx, repo, "v*")
	sorted, _ := survival.SortTags(tags)
	var pairs [][2]survival.Tag
	for i := 1; i < len(sorted); i++ {
		pairs = append(pairs, [2]survival.Tag{sorted[i-1], sorted[i]})
	}
	if o.releases >= 0 && len(pairs) > o.releases {
		pairs = pairs[len(pairs)-o.releases:]
	}
	for _, p := range pairs {
		ranges = append(ranges, p[0].Name+".."+p[1].Name)
	}
	ranges = append(ranges, o.ranges[name]...)
	var rows []row
	perRange := map[string]map[string]int{} // variant -> range -> surviving
	for _, rng := range ranges {
		for _, v := range allVariants {
			if !o.variants[v.name] {
				continue
			}
			r, err := check(ctx, o, repo, name, rng, v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", rng, v.name, err)
			}
			if rng == head {
				r.rng = "full history"
			}
			fmt.Fprintf(os.Stderr, "oracle: %s %s %s: blame %d (distinct %d), report %d, %d differ, %d per commit (%s)\n", name, r.rng, v.name, r.blame, r.distinct, r.report, r.differ, r.perCommit, r.took.Round(time.Millisecond))
			rows = append(rows, r)
			if perRange[v.name] == nil {
				perRange[v.name] = map[string]int{}
			}
			perRange[v.name][rng] = r.report
		}
	}
	// The release table of one report must give each release's range
	// figures.
	var notes []string
	if len(pairs) > 0 {
		for _, v := range allVariants {
			if !o.variants[v.name] || v.filtered {
				continue
			}
			rep, err := measure.Report(ctx, repo, measure.Options{Range: head, Config: config.Default(), Moves: v.moves, MoveThresholds: v.th, Releases: "v*", NoCache: true})
			if err != nil {
				return nil, nil, err
			}
			for _, rr := range rep.Releases.Rows {
				want, ok := perRange[v.name][rr.Previous+".."+rr.Tag]
				if !ok || rr.Previous == "" {
					continue
				}
				if got := surviving(rr.Totals); got != want {
					notes = append(notes, fmt.Sprintf("%s %s: --releases row %s..%s says %d surviving lines, the report of the range %d", name, v.name, rr.Previous, rr.Tag, got, want))
				}
			}
		}
	}
	return rows, notes, nil
}

func surviving(t survival.Totals) int {
	return t.AI.Surviving + t.Human.Surviving + t.Unknown.Surviving
}

// check measures one range one way and compares it with git blame.
func check(ctx context.Context, o options, repo *gitx.Repo, name, rng string, v variant) (row, error) {
	r := row{repo: name, rng: rng, variant: v.name, exact: v.exact}
	t0 := time.Now()
	cfg := config.Default()
	if v.filtered {
		paths, err := config.NewPaths(filterInclude, filterExclude)
		if err != nil {
			return r, err
		}
		cfg.Paths = paths
	}
	keep := cfg.Paths.Match
	rep, err := measure.Report(ctx, repo, measure.Options{Range: rng, Config: cfg, Moves: v.moves, MoveThresholds: v.th, NoCache: true})
	if err != nil {
		return r, err
	}
	r.report = surviving(rep.Totals)
	res, err := walk.Run(ctx, repo, walk.Options{Range: rng, Moves: v.moves, MoveThresholds: v.th})
	if err != nil {
		return r, err
	}
	// The walk's owner of every line of the end's files.
	got := map[string]map[int]string{}
	seen := map[*walk.Birth]map[int]bool{}
	for _, s := range res.Survivors {
		if !keep(s.Path) {
			continue
		}
		if seen[s.Birth] == nil {
			seen[s.Birth] = map[int]bool{}
		}
		for i := 0; i < s.Lines; i++ {
			if !seen[s.Birth][s.Offset+i] {
				seen[s.Birth][s.Offset+i] = true
				r.walkDistinct++
			}
		}
		m := got[s.Path]
		if m == nil {
			m = map[int]string{}
			got[s.Path] = m
		}
		for i := 0; i < s.Lines; i++ {
			m[s.Line+i] = s.Birth.Commit.ID
		}
	}
	revs := []string{res.End}
	blameRange := res.End
	if res.Start != "" {
		revs = []string{"^" + res.Start, res.End}
		blameRange = res.Start + ".." + res.End
	}
	out, err := repo.Output(ctx, append([]string{"rev-list"}, revs...)...)
	if err != nil {
		return r, err
	}
	inRange := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		inRange[id] = true
	}
	files, err := textFiles(ctx, repo, res.End)
	if err != nil {
		return r, err
	}
	var kept []string
	for _, f := range files {
		if keep(f) {
			kept = append(kept, f)
		}
	}
	owners, err := blameAll(repo.Top, o.jobs, v.blame, blameRange, kept)
	if err != nil {
		return r, err
	}
	distinct := map[string]bool{}
	delta := map[string]int{}
	for _, f := range kept {
		for i, bl := range owners[f] {
			id := bl.commit
			line := i + 1
			want := ""
			if inRange[id] {
				want = id
				r.blame++
				if !distinct[bl.origin] {
					distinct[bl.origin] = true
					r.distinct++
				}
			}
			have := got[f][line]
			if have != "" {
				r.walk++
			}
			delta[have]++
			delta[want]--
			if have != want {
				r.differ++
				if len(r.diffs) < o.list {
					r.diffs = append(r.diffs, fmt.Sprintf("%s:%d report %s, blame %s", f, line, blameCommit(have), blameCommit(want)))
				}
			}
		}
	}
	for _, d := range delta {
		r.perCommit += max(d, -d)
	}
	r.perCommit /= 2
	r.took = time.Since(t0)
	if v.exact {
		r.ok = r.differ == 0 && r.report == r.blame
	} else {
		r.ok = float64(r.perCommit) <= o.tolerance*float64(max(r.blame, 1)) && r.report == r.walkDistinct
	}
	if r.report != r.walkDistinct {
		r.note = fmt.Sprintf("the report says %d, its walk %d", r.report, r.walkDistinct)
	}
	return r, nil
}

// blameCommit names the commit a line comes from in a message ("": a
// line from before the range).
func blameCommit(id string) string { return cmp.Or(provenance.ShortID(id), "(before the range)") }

// textFiles lists the files of end that git does not take for binary.
func textFiles(ctx context.Context, repo *gitx.Repo, end string) ([]string, error) {
	const empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	out, err := repo.Output(ctx, "diff", "--numstat", "-z", "--no-renames", "--no-textconv", empty, end)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, rec := range strings.Split(string(out), "\x00") {
		f := strings.SplitN(rec, "\t", 3)
		if len(f) == 3 && f[0] != "-" {
			files = append(files, f[2])
		}
	}
	return files, nil
}

// blamed is one line as blame gives it: its commit, and where it was
// when that commit wrote it ("sha path line": a copied line has one).
type blamed struct{ commit, origin string }

// blameAll runs git blame --porcelain on every file, jobs at a time, and
// returns each file's lines.
func blameAll(dir string, jobs int, flags []string, rng string, files []string) (map[string][]blamed, error) {
	jobs = max(1, min(jobs, runtime.NumCPU()*2))
	out := make(map[string][]blamed, len(files))
	var mu sync.Mutex
	var firstErr error
	ch := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range ch {
				owners, err := blame(dir, flags, rng, f)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[f] = owners
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		ch <- f
	}
	close(ch)
	wg.Wait()
	return out, firstErr
}

func blame(dir string, flags []string, rng, file string) ([]blamed, error) {
	args := append([]string{"-C", dir, "-c", "blame.ignoreRevsFile=", "blame", "--porcelain"}, flags...)
	args = append(args, rng, "--", file)
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	owners, perr := parsePorcelain(stdout)
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git blame %s: %v: %s", file, err, stderr.String())
	}
	return owners, perr
}

// parsePorcelain reads git blame --porcelain: each line of the file is a
// header "<sha> <orig> <final> [<n>]", header fields, and "\t<content>".
func parsePorcelain(r io.Reader) ([]blamed, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var owners []blamed
	file := "" // git prints a line's filename when it differs from the last one printed
	cur, orig, at := "", "", 0
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			switch {
			case line[0] == '\t':
				if at > 0 {
					owners[at-1] = blamed{commit: cur, origin: cur + " " + file + " " + orig}
				}
			case strings.HasPrefix(line, "filename "):
				file = strings.TrimSuffix(line[len("filename "):], "\n")
			case len(line) >= 41 && isHex(line[:40]) && line[40] == ' ':
				f := strings.Fields(line)
				if len(f) >= 3 {
					n, _ := strconv.Atoi(f[2])
					for len(owners) < n {
						owners = append(owners, blamed{})
					}
					cur, orig, at = f[0], f[1], n
				}
			}
		}
		if err == io.EOF {
			return owners, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// write writes the table and the differences.
func write(o options, rows []row, notes []string, took time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Figures against git blame on real histories\n\n")
	fmt.Fprintf(&b, "Written by `make oracle` (bench/oracle): for each range, the lines the report says survive\n")
	fmt.Fprintf(&b, "at its end, compared line by line with `git blame` of every text file there (plain and\n")
	fmt.Fprintf(&b, "filtered: exact; moves: `git blame -M -C -C`, at most %.1f%% of the surviving lines may differ).\n", o.tolerance*100)
	fmt.Fprintf(&b, "The filter: include %q, exclude %q. Whole run: %s, git %s, %d blame processes at a time.\n\n", filterInclude, filterExclude, took.Round(time.Second), gitVersion(), o.jobs)
	fmt.Fprintf(&b, "`blame`: lines at the end that blame gives to commits of the range; `distinct`: the same,\n")
	fmt.Fprintf(&b, "a line copied to several places counted once, as the report counts; `differ`: lines whose\n")
	fmt.Fprintf(&b, "commit (or being older than the range) differs between the report's walk and blame;\n")
	fmt.Fprintf(&b, "`per commit`: lines off in the surviving lines per commit (what the tolerance bounds; a\n")
	fmt.Fprintf(&b, "line given to another commit of the same content counts in `differ` only).\n\n")
	fmt.Fprintf(&b, "| repository | range | variant | blame | distinct | report | differ | per commit | %% | result | time |\n|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, r := range rows {
		res := "exact"
		switch {
		case !r.ok:
			res = "**MISSED**"
		case r.differ > 0 || r.perCommit > 0:
			res = "within tolerance"
		}
		pct := 0.0
		if r.blame > 0 {
			pct = 100 * float64(r.perCommit) / float64(r.blame)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %.2f | %s | %.1fs |\n", r.repo, r.rng, r.variant, r.blame, r.distinct, r.report, r.differ, r.perCommit, pct, res, r.took.Seconds())
	}
	fmt.Fprintf(&b, "\n%s", movesCauses)
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\n## Release tables that disagree with their ranges\n\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	for _, r := range rows {
		if r.differ == 0 && r.note == "" {
			continue
		}
		fmt.Fprintf(&b, "\n## %s %s, %s: %d lines differ\n\n", r.repo, r.rng, r.variant, r.differ)
		if r.note != "" {
			fmt.Fprintf(&b, "%s.\n\n", r.note)
		}
		for _, d := range r.diffs {
			fmt.Fprintf(&b, "- `%s`\n", d)
		}
		if r.differ > len(r.diffs) {
			fmt.Fprintf(&b, "- ... and %d more\n", r.differ-len(r.diffs))
		}
	}
	if dir := filepath.Dir(o.out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(o.out, []byte(b.String()), 0o644)
}

// movesCauses is what the differences listed with moves come from.
const movesCauses = "Where `--moves` differs from `git blame -M -C -C`, the listed lines show two causes. Blame\n" +
	"searches for a moved block with the lines of it that survive to the end of its range, in the\n" +
	"pieces later commits left; the walk finds the block when it is moved, with all the lines the\n" +
	"commit added, and settles it at the end on the pieces of it that survive: it searches each\n" +
	"piece again where the block was searched, and a piece too small for the threshold is born\n" +
	"in the commit that moved it, as blame says. But blame's piece can also hold lines the walk\n" +
	"did not carry (an import list found in another file once the lines after it changed), or\n" +
	"find its best stretch in lines that have died since, which the walk cannot bring back. And\n" +
	"where a block repeats lines (test tables, generated code such as `pb_pb2.py`, braces and\n" +
	"blank lines), blame's diff pairs them with other copies of the same lines, of another\n" +
	"commit, than the walk's search, which takes the longest run of identical lines.\n"

func gitVersion() string {
	out, err := exec.Command("git", "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "git version ")
}
