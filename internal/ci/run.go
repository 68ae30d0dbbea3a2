package ci

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/render"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

// MaxAnnotations bounds the ::notice lines (GitHub shows ten per step).
const MaxAnnotations = 10

// GitLab's defaults for the files its job reports read
// (artifacts:reports:metrics and the summary artifact).
const (
	GitLabSummaryFile = "ai-survival.md"
	GitLabMetricsFile = "metrics.txt"
)

// Options are the inputs of Run: the flags of `git ai-survival ci` and
// what the command supplies from the configuration.
type Options struct {
	// Env is the CI system's environment (Detect).
	Env Env
	// Range measures one range instead of the event's; Base measures
	// Base..HEAD and the whole history.
	Range, Base string
	// ReleaseTags is the glob of the tags that mark releases.
	ReleaseTags string
	// Remote to fetch from ("" = origin, else the only remote).
	Remote string
	// NoFetch forbids every network step.
	NoFetch bool
	// NoRestore skips restoring the notes of squashed or rebased pull
	// requests' commits on a push to the default branch.
	NoRestore bool
	// Annotate prints a ::notice (GitHub Actions) for each file of the
	// primary scope whose AI survival rate is below AnnotateBelow (a
	// fraction).
	Annotate      bool
	AnnotateBelow float64
	// SummaryFile and MetricsFile also write the Markdown summary and the
	// OpenMetrics figures there (GitLab: GitLabSummaryFile and
	// GitLabMetricsFile when empty).
	SummaryFile, MetricsFile string

	// Setup gives the options of the measurement. It runs once the clone
	// is ready (deepened, notes fetched), as what it resolves may need the
	// fetched history; its error ends the run.
	Setup func(context.Context, *gitx.Repo) (MeasureOptions, error)
	// MergeFetched, with NoFetch, merges the notes a plain git fetch
	// brought into the local notes (may be nil).
	MergeFetched func(context.Context, *gitx.Repo)
	// Classify gives the evidence rules that classify the lines restored
	// notes take from no source (nil: none).
	Classify func(context.Context, *gitx.Repo) resolve.Classifier

	// Out receives the text report and the annotations.
	Out io.Writer
	// Log receives progress lines and what was written where; Warn
	// receives warnings. Both take one line without a prefix.
	Log, Warn func(string)
}

func (o *Options) log(s string) {
	if o.Log != nil {
		o.Log(s)
	}
}

func (o *Options) warn(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// Run is `git ai-survival ci`: it reads the job's event, chooses what to
// measure, prepares the clone (deepens it, fetches and merges the notes,
// restores the notes of squash and rebase merges on a push to the default
// branch), measures each scope, prints the text report to Out and writes
// what the CI system reads. It returns the primary scope's result, for
// the caller's gate. Outputs that could not be written are logged and
// make Run fail after it attempted all of them.
func Run(ctx context.Context, repo *gitx.Repo, opts Options) (*Result, error) {
	env := opts.Env
	if !repo.HasCommits(ctx) {
		return nil, errors.New("the repository has no commits yet: nothing to measure")
	}
	ev, err := event(env, &opts)
	if err != nil {
		return nil, err
	}
	plan := Choose(Request{Range: opts.Range, Base: opts.Base, Env: env, Event: ev})
	opts.log(fmt.Sprintf("measuring %s (%s)", plan.Why, env.Kind.Name()))

	prep, err := Prepare(ctx, repo, plan, PrepareOptions{Remote: opts.Remote, NoFetch: opts.NoFetch, Tags: plan.Release, Log: opts.Log})
	if err != nil {
		return nil, err
	}
	if prep.Deepened != "" {
		opts.log(prep.Deepened)
	}
	for _, w := range prep.Warnings {
		opts.warn("%s", w)
	}
	for _, p := range prep.Problems {
		opts.warn("%s", p)
	}
	if opts.NoFetch && opts.MergeFetched != nil {
		opts.MergeFetched(ctx, repo)
	}
	if !opts.NoRestore && PushToDefault(env, ev) {
		remote := prep.Remote
		if opts.NoFetch {
			remote = ""
		}
		restorePushed(ctx, repo, remote, &opts)
	}
	notes := append([]string{}, prep.Problems...)
	scopes := plan.Scopes
	if plan.Release {
		if s, why, ok := ReleaseScope(ctx, repo, plan.Head, opts.ReleaseTags); ok {
			scopes = append(scopes, s)
		} else {
			opts.log(why)
			notes = append(notes, why)
		}
	}

	mo, err := opts.Setup(ctx, repo)
	if err != nil {
		return nil, err
	}
	m, err := NewMeasurer(ctx, repo, mo)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, s := range scopes {
		opts.log("measuring " + strings.ToLower(s.Title))
		r := m.Measure(ctx, s)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if r.Err != nil {
			opts.warn("%s not measured: %v", s.Title, r.Err)
		}
		results = append(results, r)
	}
	if n := Noteless(results); n != "" {
		switch {
		case prep.NoRemoteNotes:
			n = "no provenance notes here nor on " + prep.Remote + ": " + n
		case opts.NoFetch || prep.Remote == "":
			n = "no provenance notes in this clone: " + n
		}
		opts.log(n)
		notes = append(notes, n)
	}

	writeErr := write(&opts, results, notes, plan.Why, Noteless(results) != "")
	primary := Primary(results)
	if primary == nil {
		return nil, fmt.Errorf("%s could not be measured: %v", results[0].Scope.Title, results[0].Err)
	}
	if writeErr != nil {
		return nil, writeErr
	}
	return primary, nil
}

// event reads the GitHub event when the plan depends on it. A pull
// request whose event cannot be read is an error (its figures would be of
// the wrong commits); for other events HEAD is measured, with a warning.
func event(env Env, opts *Options) (*Event, error) {
	if env.Kind != GitHub || opts.Range != "" || opts.Base != "" {
		return nil, nil
	}
	ev, err := ReadEvent(env.EventPath, env.EventName)
	if err == nil {
		return &ev, nil
	}
	if strings.HasPrefix(env.EventName, "pull_request") {
		return nil, fmt.Errorf("%s event: %v (GITHUB_EVENT_PATH=%q); pass --base <rev> or --range <range> to say what to measure", env.EventName, err, env.EventPath)
	}
	opts.warn("%s event: %v; measuring HEAD", cmp.Or(env.EventName, "unknown"), err)
	return nil, nil
}

// PushToDefault reports whether the job runs for a push to the default
// branch: where a server's squash and rebase merges land.
func PushToDefault(env Env, ev *Event) bool {
	switch env.Kind {
	case GitHub:
		return ev != nil && env.EventName == "push" && ev.DefaultBranch != "" && ev.Ref == "refs/heads/"+ev.DefaultBranch
	case GitLab:
		return env.PipelineSource == "push" && env.Branch != "" && env.Branch == env.DefaultBranch
	}
	return false
}

// restorePushed restores the notes of the pushed commits that a server
// squashed or rebased, and pushes them to remote when the job may
// ("" fetches and pushes nothing).
func restorePushed(ctx context.Context, repo *gitx.Repo, remote string, opts *Options) {
	var classify resolve.Classifier
	if opts.Classify != nil {
		classify = opts.Classify(ctx, repo)
	}
	res, err := restore.Restore(ctx, repo, []string{"HEAD"}, restore.Options{Classify: classify, Remote: remote, Max: restore.Limit, MaxFetch: restore.FetchLimit})
	for _, w := range res.Warnings {
		opts.warn("%s", w)
	}
	if err != nil {
		opts.warn("notes not restored: %v (run 'git ai-survival annotate --restore' later)", err)
	}
	if res.Written == 0 {
		return
	}
	var b strings.Builder
	res.Print(&b)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		opts.log(line)
	}
	if remote == "" {
		opts.warn("%d restored note%s not pushed (no fetch allowed); run 'git ai-survival sync' where you can push", res.Written, plural(res.Written))
		return
	}
	if _, err := notesync.Push(ctx, repo, remote); err != nil {
		msg, _, _ := strings.Cut(err.Error(), "\n")
		opts.warn("%d restored note%s not pushed to %s: %v; give the job permission to push (GitHub Actions: 'permissions: contents: write'; GitLab: a token with write_repository), or run 'git ai-survival annotate --restore && git ai-survival sync' in a clone that can push",
			res.Written, plural(res.Written), remote, msg)
		return
	}
	opts.log(fmt.Sprintf("pushed the restored notes to %s", remote))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Noteless says that figures come from evidence only when no measured
// commit has a note ("" when some has, or nothing was measured).
func Noteless(results []Result) string {
	total := 0
	for _, r := range results {
		if r.Err != nil {
			continue
		}
		if r.Report.Commits.WithNotes > 0 || r.Report.Commits.GitAI > 0 {
			return ""
		}
		total += r.Report.Commits.Total
	}
	if total == 0 {
		return ""
	}
	return "figures come from commit evidence only (trailers, agent markers, rules), not from line-level provenance"
}

// write prints the text report and writes what the CI system reads. It
// attempts every output and returns an error when any failed.
func write(opts *Options, results []Result, notes []string, why string, evidenceOnly bool) error {
	env, out := opts.Env, opts.Out
	scopeNotes := ScopeNotes
	if evidenceOnly { // said once, above every scope
		scopeNotes = func(*survival.Report) []string { return nil }
	}
	var errs []error
	// Paths and names in the log could spell workflow commands: stop
	// GitHub from reading any while the report prints.
	token := ""
	if env.Kind == GitHub {
		token = stopToken()
		fmt.Fprintf(out, "::stop-commands::%s\n", token)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "== %s ==\n", r.Scope.Title)
		if r.Err != nil {
			fmt.Fprintf(out, "not measured: %v\n", r.Err)
			continue
		}
		_ = render.Text(out, r.Report, render.Options{Notes: scopeNotes(r.Report)})
	}
	if token != "" {
		fmt.Fprintf(out, "::%s::\n", token)
	}

	sum := Summary{Heading: why, Results: results, Notes: notes, Files: 10, Top: 10, ScopeNotes: scopeNotes}
	if env.Kind == GitHub {
		if err := appendStepSummary(env, sum, opts.warn); err != nil {
			errs = append(errs, err)
		}
		if err := writeGitHubOutputs(env, results, opts.warn); err != nil {
			errs = append(errs, err)
		}
	}
	summaryFile, metricsFile := opts.SummaryFile, opts.MetricsFile
	if env.Kind == GitLab {
		summaryFile = cmp.Or(summaryFile, GitLabSummaryFile)
		metricsFile = cmp.Or(metricsFile, GitLabMetricsFile)
	}
	if summaryFile != "" {
		if err := os.WriteFile(summaryFile, sum.Markdown(1<<30), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("summary not written: %v", err))
		} else {
			opts.log("summary written to " + summaryFile)
		}
	}
	if metricsFile != "" {
		if err := writeMetrics(metricsFile, results); err != nil {
			errs = append(errs, fmt.Errorf("metrics not written: %v", err))
		} else {
			opts.log("metrics written to " + metricsFile)
		}
	}
	if opts.Annotate {
		if p := Primary(results); p != nil && env.Kind == GitHub {
			for _, a := range Annotations(*p, opts.AnnotateBelow, MaxAnnotations) {
				fmt.Fprintln(out, a)
			}
		} else if env.Kind != GitHub {
			opts.warn("--annotate writes GitHub Actions annotations; outside GitHub Actions it does nothing")
		}
	}
	for _, err := range errs {
		opts.log(err.Error())
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d output(s) could not be written (see above)", len(errs))
	}
	return nil
}

// stopToken is a fresh token for ::stop-commands::.
func stopToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "ai-survival-" + hex.EncodeToString(b)
}

// appendStepSummary appends the Markdown to $GITHUB_STEP_SUMMARY, within
// what GitHub accepts of one step (SummaryLimit).
func appendStepSummary(env Env, sum Summary, warn func(string, ...any)) error {
	if env.StepSummary == "" {
		warn("GITHUB_STEP_SUMMARY is not set: no job summary (the figures are in the log above)")
		return nil
	}
	used := int64(0)
	if fi, err := os.Stat(env.StepSummary); err == nil {
		used = fi.Size()
	}
	room := SummaryLimit - int(used) - 1
	if room <= 0 {
		warn("the job summary is already at GitHub's 1 MiB limit: nothing added")
		return nil
	}
	file, err := os.OpenFile(env.StepSummary, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("job summary not written to $GITHUB_STEP_SUMMARY: %v", err)
	}
	md := sum.Markdown(room)
	if used > 0 {
		md = append([]byte("\n"), md...)
		if len(md) > room {
			md = sum.Markdown(room - 1)
			md = append([]byte("\n"), md...)
		}
	}
	_, werr := file.Write(md)
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("job summary not written to $GITHUB_STEP_SUMMARY: %v", werr)
	}
	return nil
}

// writeGitHubOutputs appends the step outputs to $GITHUB_OUTPUT.
func writeGitHubOutputs(env Env, results []Result, warn func(string, ...any)) error {
	if env.Output == "" {
		warn("GITHUB_OUTPUT is not set: no step outputs")
		return nil
	}
	file, err := os.OpenFile(env.Output, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("step outputs not written to $GITHUB_OUTPUT: %v", err)
	}
	werr := WriteOutputs(file, Outputs(results))
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("step outputs not written to $GITHUB_OUTPUT: %v", werr)
	}
	return nil
}

// writeMetrics writes the OpenMetrics figures to path.
func writeMetrics(path string, results []Result) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	werr := OpenMetrics(file, results)
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
