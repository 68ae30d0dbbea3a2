package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/ci"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
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
	NoRestore    bool
	measureFlags
}

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
	repo, err := f.Repo(ctx)
	if err != nil {
		if errors.Is(err, gitx.ErrNotRepository) {
			return &exitError{Code: ExitError, Err: fmt.Errorf("%w; in CI, check out the repository first (actions/checkout)", err)}
		}
		return err
	}
	threshold := 0.5
	if opts.failUnderSet {
		threshold = opts.FailUnder / 100
	}
	primary, err := ci.Run(ctx, repo, ci.Options{
		Env: ci.Detect(f.getenv), Range: opts.Range, Base: opts.Base, ReleaseTags: opts.ReleaseTags,
		Remote: opts.Remote, NoFetch: opts.NoFetch, NoRestore: opts.NoRestore,
		Annotate: opts.Annotate, AnnotateBelow: threshold, SummaryFile: opts.SummaryFile, MetricsFile: opts.MetricsFile,
		Setup: func(ctx context.Context, repo *gitx.Repo) (ci.MeasureOptions, error) {
			return ciMeasure(ctx, f, repo, opts)
		},
		MergeFetched: f.mergeFetchedNotes,
		Classify:     f.hookClassifier,
		Out:          f.IO.Out,
		Log:          func(s string) { fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: %s\n", s) },
		Warn:         func(s string) { f.Warnf("git-ai-survival: %s", s) },
	})
	if err != nil {
		return err
	}
	return gate(primary.Report, opts.FailUnder, opts.failUnderSet)
}

// ciMeasure is what the measurement needs from the configuration and the
// flags.
func ciMeasure(ctx context.Context, f *Factory, repo *gitx.Repo, opts *CIOptions) (ci.MeasureOptions, error) {
	m, err := f.setupMeasure(ctx, repo, &opts.measureFlags)
	if err != nil {
		return ci.MeasureOptions{}, err
	}
	return ci.MeasureOptions{Config: m.cfg, Classify: m.classify, Moves: m.moves, MoveThresholds: m.th, Pathspec: m.specs, Unknown: m.unknown, Warn: f.warnOnce()}, nil
}
