package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// hookProfile is where the post-commit hook's time went in one commit, as
// git's trace2 event stream tells it (git times the hook it runs, and every
// git the hook runs reports when it ran). The hook's gits may overlap: its
// script runs git log and git notes add next to the binary.
type hookProfile struct {
	wall     time.Duration // from git starting the hook to the hook's exit
	afterGit time.Duration // from the last git's exit to the hook's exit
	gits     []gitSpan     // the gits it ran, by start time
}

// gitSpan is one git the hook ran: its command and when it started and
// ended, from the hook's start.
type gitSpan struct {
	name       string
	start, end time.Duration
}

type traceEvent struct {
	Event      string   `json:"event"`
	SID        string   `json:"sid"`
	Time       string   `json:"time"`
	Name       string   `json:"name"`
	ChildClass string   `json:"child_class"`
	HookName   string   `json:"hook_name"`
	TAbs       float64  `json:"t_abs"`
	TRel       float64  `json:"t_rel"`
	Argv       []string `json:"argv"`
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// parseHookTrace reads a GIT_TRACE2_EVENT file written by one `git commit`
// and profiles its post-commit hook.
func parseHookTrace(path string) (hookProfile, error) {
	var p hookProfile
	f, err := os.Open(path)
	if err != nil {
		return p, err
	}
	defer f.Close()
	type proc struct {
		name       string
		start, end time.Time
		run        time.Duration
	}
	var hookStart, hookEnd time.Time
	procs := map[string]*proc{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ev traceEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, ev.Time)
		if err != nil {
			continue
		}
		depth := strings.Count(ev.SID, "/")
		switch {
		case depth == 0 && ev.Event == "child_start" && ev.ChildClass == "hook" && ev.HookName == "post-commit":
			hookStart = at
		case depth == 0 && ev.Event == "child_exit" && !hookStart.IsZero() && hookEnd.IsZero():
			hookEnd = at
			p.wall = seconds(ev.TRel)
		case depth == 1 && ev.Event == "cmd_name":
			if procs[ev.SID] == nil {
				procs[ev.SID] = &proc{}
				order = append(order, ev.SID)
			}
			procs[ev.SID].name = ev.Name
		case depth == 1 && ev.Event == "exit":
			if procs[ev.SID] == nil {
				procs[ev.SID] = &proc{name: "?"}
				order = append(order, ev.SID)
			}
			pr := procs[ev.SID]
			pr.run = seconds(ev.TAbs)
			pr.end = at
			pr.start = at.Add(-pr.run)
		}
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	if hookStart.IsZero() || hookEnd.IsZero() {
		return p, fmt.Errorf("%s: git ran no post-commit hook", path)
	}
	var last time.Time
	for _, sid := range order {
		pr := procs[sid]
		if pr.end.IsZero() {
			continue
		}
		p.gits = append(p.gits, gitSpan{name: pr.name, start: pr.start.Sub(hookStart), end: pr.end.Sub(hookStart)})
		if pr.end.After(last) {
			last = pr.end
		}
	}
	sort.SliceStable(p.gits, func(i, j int) bool { return p.gits[i].start < p.gits[j].start })
	if !last.IsZero() {
		p.afterGit = hookEnd.Sub(last)
	}
	return p, nil
}

// profileHook makes n more commits of o.changed files in the hooked
// repository with git's trace2 on, and profiles their hooks. These commits
// are not part of the timings (tracing slows every git a little).
func profileHook(o options, r *repo, n int, res *result) error {
	if n == 0 {
		return nil
	}
	progress("%d commits with git's trace2 on, to see where the hook's time goes", n)
	dir := filepath.Join(filepath.Dir(r.Dir), "trace")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	saved := r.Env
	defer func() { r.Env = saved }()
	for k := 0; k < n; k++ {
		idx := make([]int, o.changed)
		files := make([]string, o.changed)
		for j := range idx {
			idx[j] = ((k*o.changed+j)*7907 + 13) % o.files
			files[j] = basePath(idx[j])
			if err := r.edit(idx[j], uint64(5000+k)); err != nil {
				return err
			}
		}
		if _, err := r.Git(append([]string{"add", "--"}, files...)...); err != nil {
			return err
		}
		trace := filepath.Join(dir, fmt.Sprintf("commit-%d.json", k))
		r.Env = append(append([]string{}, saved...), "GIT_TRACE2_EVENT="+trace)
		_, errs, err := r.commit(fmt.Sprintf("Edit %d files (traced %d)", o.changed, k))
		r.Env = saved
		if err != nil {
			return err
		}
		res.noteWarning(errs)
		res.noted++
		p, err := parseHookTrace(trace)
		if err != nil {
			return err
		}
		res.profiles = append(res.profiles, p)
	}
	return nil
}

// profileReport renders the median profile.
func profileReport(ps []hookProfile) string {
	if len(ps) == 0 {
		return ""
	}
	pick := func(f func(hookProfile) (time.Duration, bool)) time.Duration {
		var d []time.Duration
		for _, p := range ps {
			if v, ok := f(p); ok {
				d = append(d, v)
			}
		}
		return benchkit.Median(d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Where the post-commit hook's time goes\n\n")
	fmt.Fprintf(&b, "From git's trace2 events over %d more commits of the same kind (medians, in ms from the hook's start; not part of the timings above). The gits run side by side with the binary, which reads the first one's output and prints the note the second one stores.\n\n", len(ps))
	b.WriteString("| part | starts | ends | runs |\n|---|---:|---:|---:|\n")
	for i, g := range ps[0].gits {
		at := func(f func(gitSpan) time.Duration) func(hookProfile) (time.Duration, bool) {
			return func(p hookProfile) (time.Duration, bool) {
				if i >= len(p.gits) || p.gits[i].name != g.name {
					return 0, false
				}
				return f(p.gits[i]), true
			}
		}
		fmt.Fprintf(&b, "| `git %s` | %s | %s | %s |\n", g.name,
			ms(pick(at(func(s gitSpan) time.Duration { return s.start }))),
			ms(pick(at(func(s gitSpan) time.Duration { return s.end }))),
			ms(pick(at(func(s gitSpan) time.Duration { return s.end - s.start }))))
	}
	wall := pick(func(p hookProfile) (time.Duration, bool) { return p.wall, true })
	fmt.Fprintf(&b, "| whole hook, as git timed it | 0 ms | %s | %s |\n", ms(wall), ms(wall))
	fmt.Fprintf(&b, "\nFrom the last git's exit to the hook's exit: %s.\n", ms(pick(func(p hookProfile) (time.Duration, bool) { return p.afterGit, true })))
	return b.String()
}
