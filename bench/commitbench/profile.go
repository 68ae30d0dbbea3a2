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
// git the hook runs reports its own run time).
type hookProfile struct {
	wall       time.Duration            // from git starting the hook to the hook's exit
	untilGit   time.Duration            // from the hook's start to the first git it runs
	afterGit   time.Duration            // from the last git's exit to the hook's exit
	inGit      time.Duration            // sum of the run times of the gits it runs
	gits       []string                 // their commands, in order
	perCommand map[string]time.Duration // run time by command (summed)
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
	p.perCommand = map[string]time.Duration{}
	var first, last time.Time
	for _, sid := range order {
		pr := procs[sid]
		if pr.end.IsZero() {
			continue
		}
		p.gits = append(p.gits, pr.name)
		p.inGit += pr.run
		p.perCommand[pr.name] += pr.run
		if first.IsZero() || pr.start.Before(first) {
			first = pr.start
		}
		if pr.end.After(last) {
			last = pr.end
		}
	}
	if !first.IsZero() {
		p.untilGit = first.Sub(hookStart)
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
	dir := filepath.Join(filepath.Dir(r.dir), "trace")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	saved := r.env
	defer func() { r.env = saved }()
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
		if _, err := r.git(append([]string{"add", "--"}, files...)...); err != nil {
			return err
		}
		trace := filepath.Join(dir, fmt.Sprintf("commit-%d.json", k))
		r.env = append(append([]string{}, saved...), "GIT_TRACE2_EVENT="+trace)
		_, errs, err := r.commit(fmt.Sprintf("Edit %d files (traced %d)", o.changed, k))
		r.env = saved
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
	pick := func(f func(hookProfile) time.Duration) time.Duration {
		var d []time.Duration
		for _, p := range ps {
			d = append(d, f(p))
		}
		return benchkit.Median(d)
	}
	wall := pick(func(p hookProfile) time.Duration { return p.wall })
	until := pick(func(p hookProfile) time.Duration { return p.untilGit })
	after := pick(func(p hookProfile) time.Duration { return p.afterGit })
	in := pick(func(p hookProfile) time.Duration { return p.inGit })
	between := pick(func(p hookProfile) time.Duration { return p.wall - p.untilGit - p.afterGit - p.inGit })
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Where the post-commit hook's time goes\n\n")
	fmt.Fprintf(&b, "From git's trace2 events over %d more commits of the same kind (medians; not part of the timings above):\n\n", len(ps))
	b.WriteString("| part | time |\n|---|---:|\n")
	fmt.Fprintf(&b, "| whole hook, as git timed it | %s |\n", ms(wall))
	fmt.Fprintf(&b, "| from the hook's start to its first git (shell, binary start-up, set-up) | %s |\n", ms(until))
	fmt.Fprintf(&b, "| inside the %d git processes it runs (their own run time) | %s |\n", len(ps[0].gits), ms(in))
	fmt.Fprintf(&b, "| between them (process spawns, the hook's own work) | %s |\n", ms(between))
	fmt.Fprintf(&b, "| from the last git's exit to the hook's exit | %s |\n", ms(after))
	names := map[string]bool{}
	for _, p := range ps {
		for n := range p.perCommand {
			names[n] = true
		}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var parts []string
	for _, n := range sorted {
		parts = append(parts, fmt.Sprintf("%s %s", n, ms(pick(func(p hookProfile) time.Duration { return p.perCommand[n] }))))
	}
	fmt.Fprintf(&b, "\nThe gits the hook runs, in order: %s; run time by command: %s.\n", strings.Join(ps[0].gits, ", "), strings.Join(parts, ", "))
	return b.String()
}
