package cli

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/ci"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/render"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// CIOptions are the flags of ci.
type CIOptions struct {
	Range       string
	Base        string
	ReleaseTags string
	FailUnder   float64
	// failUnderSet distinguishes --fail-under 0 from no gate.
	failUnderSet bool
	Annotate     bool
	SummaryFile  string
	MetricsFile  string
	NoFetch      bool
	Remote       string
	Moves        bool
	moves        movesFlag
	NoInference  bool
	// Pathspecs (after --) select the lines that count, as git pathspecs.
	Pathspecs []string
	NoRestore bool
	// UnknownAs is --unknown-as: "human", "unknown" or "" (the config's).
	UnknownAs string
}

// maxAnnotations bounds the ::notice lines (GitHub shows ten per step).
const maxAnnotations = 10

// NewCmdCI builds `ci`; runF replaces ciRun in tests.
func NewCmdCI(f *Factory, runF func(context.Context, *CIOptions) error) *cobra.Command {
	opts := &CIOptions{}
	var failUnder string
	cmd := &cobra.Command{
		Use:   "ci [--fail-under <pct>] [--range <range> | --base <rev>] [--annotate] [-- <pathspec>...]",
		Short: "Measure survival in a CI job: summary, outputs, metrics and a gate",
		Long: `Measure AI and human code survival in a CI job, from the checkout CI gives.

A shallow clone (actions/checkout's default depth of 1, GitLab's small
default depth) is deepened from the checkout's remote (git fetch --deepen
for a range with a start, else git fetch --unshallow), and the remote's
provenance notes (refs/notes/ai-survival) are fetched into
refs/notes/remotes/<remote>/ai-survival and merged into the local notes,
never replacing one. What cannot be done is said on stderr and in the
summary; without notes the figures come from commit evidence only, and say
so. --no-fetch does no network step.

What is measured:
  pull request (GitHub pull_request event, GitLab merge request pipeline):
      the request's commits (base..pull_request.head.sha, not the merge
      commit CI checks out) and the repository's whole history at its head;
  anything else (a push, a tag, a schedule, a local run):
      the whole history and the last release: from the second newest to the
      newest tag matching --release-tags (v*) reachable from the commit, in
      semantic-version order.
--range measures one range instead; --base <rev> measures <rev>..HEAD and
the whole history. The first scope measured is the primary one.

GitHub Actions (GITHUB_ACTIONS=true): Markdown is appended to
$GITHUB_STEP_SUMMARY (under GitHub's 1 MiB limit), and $GITHUB_OUTPUT gets
ai_survival_rate, human_survival_rate, ai_share (fractions, e.g. 0.6; empty
when nothing was added), ai_lines_added and ai_lines_surviving of the primary
scope, the same prefixed with each scope (pr_, branch_, repository_,
release_, range_), and scopes. --annotate prints a ::notice for each file of
the primary scope whose AI survival is below --fail-under (else 50%).

GitLab CI (GITLAB_CI=true): OpenMetrics figures go to metrics.txt (for
artifacts:reports:metrics) and the Markdown summary to ai-survival.md.
--metrics-file and --summary-file choose other files, anywhere.

On a push to the default branch, commits a server squashed or rebased
(pull requests merged on GitHub or GitLab) get their notes back from the
pull request's commits (refs/pull/<n>/head, refs/merge-requests/<n>/head),
as 'annotate --restore' does; the restored notes are pushed to the remote
when the job may push, else the log says how to push them. --no-restore
skips this.

The text report goes to stdout. --fail-under exits with code 1 when the
primary scope's AI survival rate is below the percentage.`,
		Example: `  # In a GitHub Actions or GitLab CI job
  $ git ai-survival ci

  # Fail the job when less than 60% of AI-written lines survive
  $ git ai-survival ci --fail-under 60 --annotate

  # Measure a range of your choice, write the files yourself
  $ git ai-survival ci --range v1.4.0..v1.5.0 --summary-file survival.md --metrics-file metrics.txt

  # Measure what a branch added since main, without any network access
  $ git ai-survival ci --base origin/main --no-fetch`,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, specs, err := splitDash(cmd, args, 0)
			if err != nil {
				return err
			}
			opts.Pathspecs = specs
			opts.Moves = opts.moves.on
			if opts.Range != "" && opts.Base != "" {
				return usageError("give --range or --base, not both")
			}
			for name, v := range map[string]string{"--range": opts.Range, "--base": opts.Base, "--release-tags": opts.ReleaseTags, "--remote": opts.Remote} {
				if strings.HasPrefix(v, "-") {
					return usageError("invalid %s %q", name, v)
				}
			}
			if opts.FailUnder, opts.failUnderSet, err = failUnderFlag(cmd, failUnder); err != nil {
				return err
			}
			if err := checkUnknownAs(opts.UnknownAs); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return ciRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Range, "range", "", "measure this range (A..B, or a revision for all its history) instead of the event's")
	fl.StringVar(&opts.Base, "base", "", "measure the commits since `rev` (rev..HEAD) and the whole history")
	fl.StringVar(&opts.ReleaseTags, "release-tags", ci.DefaultTagPattern, "glob of the tags that mark releases")
	fl.StringVar(&failUnder, "fail-under", "", "exit with code 1 if the AI survival rate is below this percentage (0-100)")
	fl.BoolVar(&opts.Annotate, "annotate", false, "GitHub Actions: a ::notice on each file with low AI survival")
	fl.StringVar(&opts.SummaryFile, "summary-file", "", "also write the Markdown summary to this `file` (GitLab: ai-survival.md)")
	fl.StringVar(&opts.MetricsFile, "metrics-file", "", "write OpenMetrics figures to this `file` (GitLab: metrics.txt)")
	fl.BoolVar(&opts.NoFetch, "no-fetch", false, "do not deepen the clone nor fetch notes and tags")
	fl.StringVar(&opts.Remote, "remote", "", "remote to fetch history and notes from (default: origin, else the only remote)")
	fl.Var(&opts.moves, "moves", movesUsage)
	fl.Lookup("moves").NoOptDefVal = "true"
	fl.BoolVar(&opts.NoInference, "no-infer", false, "do not classify commits without a note from their metadata")
	fl.BoolVar(&opts.NoRestore, "no-restore", false, "do not restore the notes of squashed or rebased pull requests' commits on a push to the default branch")
	unknownAsFlag(cmd, &opts.UnknownAs)
	return cmd
}

func ciRun(ctx context.Context, f *Factory, opts *CIOptions) error {
	getenv := f.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := ci.Detect(getenv)
	repo, err := f.Repo(ctx)
	if err != nil {
		if errors.Is(err, gitx.ErrNotRepository) {
			return &exitError{Code: ExitError, Err: fmt.Errorf("%w; in CI, check out the repository first (actions/checkout)", err)}
		}
		return err
	}
	if !repo.HasCommits(ctx) {
		return &exitError{Code: ExitError, Err: errors.New("the repository has no commits yet: nothing to measure")}
	}
	ev, err := ciEvent(f, env, opts)
	if err != nil {
		return err
	}
	plan := ci.Choose(ci.Request{Range: opts.Range, Base: opts.Base, Env: env, Event: ev})
	logf := func(s string) { fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: %s\n", s) }
	logf(fmt.Sprintf("measuring %s (%s)", plan.Why, env.Kind.Name()))

	prep, err := ci.Prepare(ctx, repo, plan, ci.PrepareOptions{Remote: opts.Remote, NoFetch: opts.NoFetch, Tags: plan.Release, Log: logf})
	if err != nil {
		return err
	}
	if prep.Deepened != "" {
		logf(prep.Deepened)
	}
	for _, w := range prep.Warnings {
		f.Warnf("git-ai-survival: %s", w)
	}
	for _, p := range prep.Problems {
		f.Warnf("git-ai-survival: %s", p)
	}
	if opts.NoFetch {
		f.mergeFetchedNotes(ctx, repo)
	}
	if !opts.NoRestore && pushToDefault(env, ev) {
		remote := prep.Remote
		if opts.NoFetch {
			remote = ""
		}
		f.restoreInCI(ctx, repo, remote, logf)
	}
	notes := append([]string{}, prep.Problems...)
	scopes := plan.Scopes
	if plan.Release {
		if s, why, ok := ci.ReleaseScope(ctx, repo, plan.Head, opts.ReleaseTags); ok {
			scopes = append(scopes, s)
		} else {
			logf(why)
			notes = append(notes, why)
		}
	}

	cfg, classify, err := f.setup(repo)
	if err != nil {
		return err
	}
	if opts.NoInference {
		cfg.Inference = false
	}
	unknown, err := unknownAs(ctx, repo, cfg, opts.UnknownAs)
	if err != nil {
		return err
	}
	specs, err := readPathspecs(repo, f.Dir, opts.Pathspecs)
	if err != nil {
		return err
	}
	moves, th := opts.moves.resolve(cfg)
	if !opts.moves.set && opts.Moves {
		moves, th = true, walk.Thresholds{}
	}
	m, err := ci.NewMeasurer(ctx, repo, ci.MeasureOptions{Config: cfg, Classify: classify, Moves: moves, MoveThresholds: th, Pathspec: specs, Unknown: unknown, Warn: f.warnOnce()})
	if err != nil {
		return err
	}
	var results []ci.Result
	for _, s := range scopes {
		logf("measuring " + strings.ToLower(s.Title))
		r := m.Measure(ctx, s)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if r.Err != nil {
			f.Warnf("git-ai-survival: %s not measured: %v", s.Title, r.Err)
		}
		results = append(results, r)
	}
	if n := noteless(results); n != "" {
		switch {
		case prep.NoRemoteNotes:
			n = "no provenance notes here nor on " + prep.Remote + ": " + n
		case opts.NoFetch || prep.Remote == "":
			n = "no provenance notes in this clone: " + n
		}
		logf(n)
		notes = append(notes, n)
	}

	writeErr := ciWrite(f, env, opts, results, notes, plan.Why, noteless(results) != "")
	if ci.Primary(results) == nil {
		return &exitError{Code: ExitError, Err: fmt.Errorf("%s could not be measured: %v", results[0].Scope.Title, walkError(results[0].Err))}
	}
	if writeErr != nil {
		return &exitError{Code: ExitError, Err: writeErr}
	}
	return gate(ci.Primary(results).Report, &ReportOptions{FailUnder: opts.FailUnder, failUnderSet: opts.failUnderSet})
}

// ciEvent reads the GitHub event when the plan depends on it. A pull
// request whose event cannot be read is an error (its figures would be of
// the wrong commits); for other events HEAD is measured, with a warning.
func ciEvent(f *Factory, env ci.Env, opts *CIOptions) (*ci.Event, error) {
	if env.Kind != ci.GitHub || opts.Range != "" || opts.Base != "" {
		return nil, nil
	}
	ev, err := ci.ReadEvent(env.EventPath, env.EventName)
	if err == nil {
		return &ev, nil
	}
	if strings.HasPrefix(env.EventName, "pull_request") {
		return nil, &exitError{Code: ExitError, Err: fmt.Errorf("%s event: %v (GITHUB_EVENT_PATH=%q); pass --base <rev> or --range <range> to say what to measure", env.EventName, err, env.EventPath)}
	}
	f.Warnf("git-ai-survival: %s event: %v; measuring HEAD", orUnknown(env.EventName), err)
	return nil, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// noteless says that figures come from evidence only when no measured
// commit has a note.
func noteless(results []ci.Result) string {
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

// ciWrite prints the text report and writes what the CI system reads. It
// attempts every output and returns the first that failed.
func ciWrite(f *Factory, env ci.Env, opts *CIOptions, results []ci.Result, notes []string, why string, evidenceOnly bool) error {
	scopeNotes := ci.ScopeNotes
	if evidenceOnly { // said once, above every scope
		scopeNotes = func(*survival.Report) []string { return nil }
	}
	var errs []error
	// Paths and names in the log could spell workflow commands: stop
	// GitHub from reading any while the report prints.
	token := ""
	if env.Kind == ci.GitHub {
		token = stopToken()
		fmt.Fprintf(f.IO.Out, "::stop-commands::%s\n", token)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(f.IO.Out)
		}
		fmt.Fprintf(f.IO.Out, "== %s ==\n", r.Scope.Title)
		if r.Err != nil {
			fmt.Fprintf(f.IO.Out, "not measured: %v\n", r.Err)
			continue
		}
		_ = render.Text(f.IO.Out, r.Report, render.Options{Notes: scopeNotes(r.Report)})
	}
	if token != "" {
		fmt.Fprintf(f.IO.Out, "::%s::\n", token)
	}

	sum := ci.Summary{Heading: why, Results: results, Notes: notes, Files: 10, Top: 10, ScopeNotes: scopeNotes}
	if env.Kind == ci.GitHub {
		if err := appendStepSummary(f, env, sum); err != nil {
			errs = append(errs, err)
		}
		if err := writeGitHubOutputs(f, env, results); err != nil {
			errs = append(errs, err)
		}
	}
	summaryFile, metricsFile := opts.SummaryFile, opts.MetricsFile
	if env.Kind == ci.GitLab {
		summaryFile = cmp.Or(summaryFile, "ai-survival.md")
		metricsFile = cmp.Or(metricsFile, "metrics.txt")
	}
	if summaryFile != "" {
		if err := os.WriteFile(summaryFile, sum.Markdown(1<<30), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("summary not written: %v", err))
		} else {
			fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: summary written to %s\n", summaryFile)
		}
	}
	if metricsFile != "" {
		if err := writeMetrics(metricsFile, results); err != nil {
			errs = append(errs, fmt.Errorf("metrics not written: %v", err))
		} else {
			fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: metrics written to %s\n", metricsFile)
		}
	}
	if opts.Annotate {
		if p := ci.Primary(results); p != nil && env.Kind == ci.GitHub {
			threshold := 0.5
			if opts.failUnderSet {
				threshold = opts.FailUnder / 100
			}
			for _, a := range ci.Annotations(*p, threshold, maxAnnotations) {
				fmt.Fprintln(f.IO.Out, a)
			}
		} else if env.Kind != ci.GitHub {
			f.Warnf("git-ai-survival: --annotate writes GitHub Actions annotations; outside GitHub Actions it does nothing")
		}
	}
	for _, err := range errs {
		fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: %v\n", err)
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
// what GitHub accepts of one step.
func appendStepSummary(f *Factory, env ci.Env, sum ci.Summary) error {
	if env.StepSummary == "" {
		f.Warnf("git-ai-survival: GITHUB_STEP_SUMMARY is not set: no job summary (the figures are in the log above)")
		return nil
	}
	used := int64(0)
	if fi, err := os.Stat(env.StepSummary); err == nil {
		used = fi.Size()
	}
	room := ci.SummaryLimit - int(used) - 1
	if room <= 0 {
		f.Warnf("git-ai-survival: the job summary is already at GitHub's 1 MiB limit: nothing added")
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

func writeGitHubOutputs(f *Factory, env ci.Env, results []ci.Result) error {
	if env.Output == "" {
		f.Warnf("git-ai-survival: GITHUB_OUTPUT is not set: no step outputs")
		return nil
	}
	file, err := os.OpenFile(env.Output, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("step outputs not written to $GITHUB_OUTPUT: %v", err)
	}
	werr := ci.WriteOutputs(file, ci.Outputs(results))
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("step outputs not written to $GITHUB_OUTPUT: %v", werr)
	}
	return nil
}

func writeMetrics(path string, results []ci.Result) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	werr := ci.OpenMetrics(file, results)
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
