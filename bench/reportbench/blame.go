package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// blameRun is one pass of `git blame` over a set of files.
type blameRun struct {
	args    []string // the flags given to git blame
	jobs    int      // processes at a time
	files   int      // files blamed
	lines   int      // lines blamed
	dirs    []string // the top-level directories blamed (all their files)
	allDirs bool     // every file of the tree was blamed
	wall    time.Duration
	cpu     time.Duration // of every blame process, summed
	// count is the blamed lines per top-level directory and commit.
	count map[string]map[string]int
	// distinct is the added lines per commit that blame finds at the end,
	// a line copied to several places counting once (seen: those found).
	distinct map[string]int
	seen     map[blamedLine]bool
}

// sampleDirs returns top-level directories in a fixed pseudo-random order,
// as many as it takes to reach frac of the files (all when frac >= 1), and
// their files.
func sampleDirs(files []string, frac float64, seed int64) ([]string, []string) {
	byDir := map[string][]string{}
	for _, f := range files {
		byDir[topDir(f)] = append(byDir[topDir(f)], f)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	if frac >= 1 {
		return dirs, files
	}
	rand.New(rand.NewSource(seed)).Shuffle(len(dirs), func(i, j int) { dirs[i], dirs[j] = dirs[j], dirs[i] })
	var chosen, sample []string
	for _, d := range dirs {
		if float64(len(sample)) >= frac*float64(len(files)) {
			break
		}
		chosen = append(chosen, d)
		sample = append(sample, byDir[d]...)
	}
	sort.Strings(chosen)
	sort.Strings(sample)
	return chosen, sample
}

// topDir is the report's by_directory key of a path: its top-level
// directory, "." at the root.
func topDir(p string) string {
	if d, _, ok := strings.Cut(p, "/"); ok {
		return d
	}
	return "."
}

// blame runs `git blame --porcelain <flags> -- FILE` for each file, one
// process per file, jobs at a time (1: one after the other, as other tools
// do), and counts the lines each commit is blamed for.
func blame(r *repo, flags []string, files []string, jobs int) (*blameRun, error) {
	br := &blameRun{args: flags, jobs: jobs, files: len(files), count: map[string]map[string]int{},
		distinct: map[string]int{}, seen: map[blamedLine]bool{}}
	var mu sync.Mutex
	work := make(chan string)
	errs := make(chan error, jobs)
	start := time.Now()
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			for f := range work {
				out.Reset()
				args := append(append([]string{"blame", "--porcelain"}, flags...), "--", f)
				t, _, err := r.exec(nil, &out, "git", args...)
				if err != nil {
					errs <- err
					for range work {
					}
					return
				}
				lines, err := parsePorcelain(out.Bytes())
				if err != nil {
					errs <- fmt.Errorf("git blame %s: %v", f, err)
					for range work {
					}
					return
				}
				mu.Lock()
				br.cpu += t.cpu
				d := topDir(f)
				if br.count[d] == nil {
					br.count[d] = map[string]int{}
				}
				for _, l := range lines {
					br.count[d][l.commit]++
					if !br.seen[l] {
						br.seen[l] = true
						br.distinct[l.commit]++
					}
				}
				br.lines += len(lines)
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	br.wall = time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return br, nil
}

// blamedLine is where blame says a line was added: the commit, the path
// there and the line number there. A line copied to several places at the
// end is one added line.
type blamedLine struct {
	commit, path string
	line         int
}

// parsePorcelain reads `git blame --porcelain` output: every line of the
// file has a header "<sha> <orig> <final> [<n>]", the first of a group
// followed by metadata ("filename <path>" last), and then the line itself
// after a TAB.
func parsePorcelain(b []byte) ([]blamedLine, error) {
	var out []blamedLine
	var cur blamedLine
	paths := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		l := sc.Bytes()
		switch {
		case len(l) > 0 && l[0] == '\t':
			if cur.commit == "" || cur.path == "" {
				return nil, fmt.Errorf("a line with no header")
			}
			out = append(out, cur)
		case len(l) > 41 && l[40] == ' ' && isHex(l[:40]):
			f := strings.Fields(string(l))
			if len(f) < 3 {
				return nil, fmt.Errorf("bad header %q", l)
			}
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("bad header %q", l)
			}
			// git prints a commit's filename once, unless the commit has
			// lines from more than one path: then with every group.
			cur = blamedLine{commit: f[0], path: paths[f[0]], line: n}
		case bytes.HasPrefix(l, []byte("filename ")):
			cur.path = string(l[len("filename "):])
			paths[cur.commit] = cur.path
		}
	}
	return out, sc.Err()
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// agreement is how the report's surviving lines compare with what git
// blame says.
type agreement struct {
	ok       bool
	checked  int      // lines compared
	differ   int      // lines counted differently (half the sum of the differences)
	endLines int      // the lines blamed at the end (more than checked when lines were copied)
	dirs     int      // directories compared
	details  []string // what differs, or what was compared
	byOrigin map[string]int
	byAgent  map[string]int
}

// compare checks the report's surviving lines against a blame run, each
// blamed commit counting with the origin the generator gave it: per
// origin and agent in total when every file was blamed, and with byDir per
// top-level directory and origin too. The totals count added lines, as
// the report does: a line blame finds copied to several places counts
// once. byDir is for blame without -C: with --moves, a line moved to
// another directory keeps, in the report, the directory it was added in,
// while blame finds it where it is now.
func compare(br *blameRun, rep *reportJSON, origins map[string]origin, byDir bool) agreement {
	a := agreement{ok: true, byOrigin: map[string]int{}, byAgent: map[string]int{}, endLines: br.lines}
	differ := 0
	if byDir {
		repDirs := map[string]dirRow{}
		for _, d := range rep.ByDirectory {
			repDirs[d.Directory] = d
		}
		for _, d := range br.dirs {
			blamed := map[string]int{}
			for c, n := range br.count[d] {
				blamed[origins[c].origin] += n
			}
			row := repDirs[d]
			reported := map[string]int{originAI: row.AI.Surviving, originHuman: row.Human.Surviving, originUnknown: row.Unknown.Surviving}
			for _, o := range []string{originAI, originHuman, originUnknown} {
				if blamed[o] != reported[o] {
					differ += abs(blamed[o] - reported[o])
					a.ok = false
					a.details = append(a.details, fmt.Sprintf("%s/ %s: report %d, blame %d", d, o, reported[o], blamed[o]))
				}
			}
			a.dirs++
		}
	}
	unmapped := 0
	for c, n := range br.distinct {
		o, ok := origins[c]
		if !ok {
			unmapped += n
			continue
		}
		a.byOrigin[o.origin] += n
		if o.origin == originAI {
			a.byAgent[o.agent] += n
		}
		a.checked += n
	}
	if unmapped > 0 {
		a.ok = false
		a.details = append(a.details, fmt.Sprintf("%d blamed lines from commits the generator did not make", unmapped))
	}
	if br.allDirs {
		differ = 0
		for _, o := range []string{originAI, originHuman, originUnknown} {
			if got := rep.Totals[o].Surviving; got != a.byOrigin[o] {
				differ += abs(got - a.byOrigin[o])
				a.ok = false
				a.details = append(a.details, fmt.Sprintf("total %s: report %d, blame %d", o, got, a.byOrigin[o]))
			}
		}
		agents := map[string]int{}
		for _, r := range rep.ByAgent {
			agents[r.Agent] += r.Surviving
		}
		for _, ag := range unionKeys(agents, a.byAgent) {
			if agents[ag] != a.byAgent[ag] {
				a.ok = false
				a.details = append(a.details, fmt.Sprintf("agent %s: report %d, blame %d", ag, agents[ag], a.byAgent[ag]))
			}
		}
	}
	a.differ = (differ + 1) / 2
	return a
}

func unionKeys(a, b map[string]int) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// summary says what agreed, or the first differences.
func (a agreement) summary() string {
	copies := ""
	if a.endLines != a.checked {
		copies = fmt.Sprintf(", on %d lines at the end", a.endLines)
	}
	if a.ok {
		where := "in total"
		if a.dirs > 0 {
			where = fmt.Sprintf("in total and in each of %d directories", a.dirs)
		}
		return fmt.Sprintf("yes (%d added lines surviving%s, %s; ai %d, human %d, unknown %d)",
			a.checked, copies, where, a.byOrigin[originAI], a.byOrigin[originHuman], a.byOrigin[originUnknown])
	}
	d := a.details
	if len(d) > 6 {
		d = append(d[:6:6], fmt.Sprintf("and %d more", len(a.details)-6))
	}
	share := ""
	if a.checked > 0 && a.differ > 0 {
		share = fmt.Sprintf("%d of %d added lines surviving%s, %.2f%%, counted differently: ", a.differ, a.checked, copies, 100*float64(a.differ)/float64(a.checked))
	}
	return "no (" + share + strings.Join(d, "; ") + ")"
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
