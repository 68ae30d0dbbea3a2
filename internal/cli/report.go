package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/commitfilter"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/render"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
)

// ReportOptions are the flags of report.
type ReportOptions struct {
	Range  string
	Format string
	measureFlags
	// Curves adds lifetimes and how lines died; Releases (a tag pattern)
	// the release table. HTML always has the curves.
	Curves    bool
	Releases  string
	FailUnder float64
	// failUnderSet distinguishes --fail-under 0 from no gate.
	failUnderSet bool
	NoCache      bool
	// Since, Until (commit dates) and Authors narrow the figures to the
	// lines of the commits they match; filter is what they parse to.
	Since, Until string
	Authors      []string
	filter       *commitfilter.Filter
	// IncludeGenerated counts files .gitattributes marks
	// linguist-generated or linguist-vendored.
	IncludeGenerated bool
}

func newCmdReport(f *Factory, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{}
	var failUnder string
	cmd := &cobra.Command{
		Use:   "report [<range>] [--format text|json|markdown|html] [--moves[=<m>[,<c>]]] [--curves] [--releases <pattern>] [--fail-under <pct>] [-- <pathspec>...]",
		Short: "Report how much AI-written and human-written code survives",
		Long: `Trace every line added in <range> to the range's end and report, for AI-written,
human-written and unknown lines, how many were added and how many survive.

<range> is what git rev-list reads: A..B measures lines added after A up to
B, at B; a single revision, or nothing, measures all history of it (HEAD).
Origins come from each commit's note, else from git-ai's authorship note
(refs/notes/ai, line by line), else from its metadata (trailers, agent
markers, your rules; --no-infer turns this off), else "unknown";
--unknown-as human (or unknown: human in .ai-survival.yaml) counts those as
human and says so. A coverage line says how many added lines rest on
line-level provenance, commit-level evidence, or nothing.

Lines are traced as git blame traces them: whole-file renames are followed,
a line replaced or deleted no longer survives. With --moves (or moves: true
in .ai-survival.yaml) they are traced as git blame -M -C -C traces them:
blocks moved within a file or to another file, and blocks copied from a
file of the parent commit, keep their origin instead of counting as
deleted and added again. Binary files and paths excluded by
.ai-survival.yaml do not count, nor do files that .gitattributes at the
range's end marks linguist-generated or linguist-vendored (GitHub's marks
for generated and vendored code): the report says how many lines it left
out, and --include-generated counts them.

Pathspecs after -- (git's syntax: dir, '*.go', ':!vendor', ':(glob)**/x')
select which lines count, like the paths of .ai-survival.yaml: a line
counts under the path where it is at the range's end, or where it was when
it died. Filters never change which commit a line belongs to: a file moved
from an excluded path into an included one keeps its history, as git blame
of the included files says.

Figures: survival_rate = surviving / added for each origin; ai_share =
surviving AI lines / all surviving lines. --fail-under exits with code 1
when the AI survival rate is below the percentage.

--curves adds how long lines live: Kaplan–Meier survival curves of AI,
human and each agent's lines (lifetimes from committer dates; lines
still alive are censored at the end), survival at 14, 30 and 90 days,
the median lifetime and an exponential half-life with its fit; and how
lines died: deleted, modified (replaced in place, and by whose lines) and,
with --moves, moved.

--releases <pattern> adds the release table: tags matching <pattern> (as
git tag -l matches) in version order (semantic versions, PEP 440 versions
such as 1.2.0rc1 or 0.54.13.dev, calendar versions such as 2024.01.15; other
tags are listed as skipped in one line); for each, the lines added
since the previous tag and how many are still there at the tag, by origin,
and the AI share. Everything comes from the report's one walk.

--since and --until (commit dates: 2024-01-31, "2024-01-31 12:00",
2024-01-31T12:00:00Z, @<unix seconds>, yesterday, "2 weeks ago") and
--author (a regular expression matched against "Name <email>"; give it more
than once for any of several) narrow what is counted to the lines of the
commits they match. They never change which commit a line belongs to: the
walk is the same, a line rewritten by a commit outside the filter belongs to
that commit and is not counted, and a counted line that such a commit
deleted is counted as deleted.

--format html writes one self-contained page (inline SVG, no network)
with the curves, the release chart and the tables; open it in a browser.`,
		Example: `  $ git ai-survival report
  $ git ai-survival report v1.0.0..v1.1.0
  $ git ai-survival report origin/main..HEAD --format markdown
  $ git ai-survival report --format json | jq .totals.ai
  $ git ai-survival report --moves
  $ git ai-survival report v1.0.0..v1.1.0 -- src ':!src/gen'
  $ git ai-survival report --curves --releases 'v*'
  $ git ai-survival report --releases 'v*' --format html > survival.html
  $ git ai-survival report --since 2026-01-01 --author '@example\.com>$'
  $ git ai-survival report --fail-under 60
  $ git ai-survival report --unknown-as human`,
		RunE: func(cmd *cobra.Command, args []string) error {
			args, specs, err := splitDash(cmd, args, 1)
			if err != nil {
				return err
			}
			opts.Pathspecs = specs
			opts.Moves = opts.moves.on
			if len(args) == 1 {
				opts.Range = args[0]
			}
			if err := checkFormat(opts.Format, "text", "json", "markdown", "html"); err != nil {
				return err
			}
			if err := checkUnknownAs(opts.UnknownAs); err != nil {
				return err
			}
			if opts.FailUnder, opts.failUnderSet, err = failUnderFlag(cmd, failUnder); err != nil {
				return err
			}
			if opts.filter, err = commitfilter.New(opts.Since, opts.Until, opts.Authors, time.Now()); err != nil {
				return usageError("%v", err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return reportRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text, json, markdown or html")
	cmd.Flags().BoolVar(&opts.Curves, "curves", false, "add survival curves over time (Kaplan–Meier) and how lines died")
	cmd.Flags().StringVar(&opts.Releases, "releases", "", "add the release table for tags matching `<pattern>` (e.g. 'v*')")
	cmd.Flags().Var(&opts.moves, "moves", movesUsage)
	cmd.Flags().Lookup("moves").NoOptDefVal = "true"
	cmd.Flags().StringVar(&failUnder, "fail-under", "", "exit with code 1 if the AI survival rate is below this percentage (0-100)")
	cmd.Flags().BoolVar(&opts.NoInference, "no-infer", false, "do not classify commits without a note from their metadata")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "walk the whole range instead of continuing the walk saved in the git directory")
	cmd.Flags().BoolVar(&opts.IncludeGenerated, "include-generated", false, "count files .gitattributes marks linguist-generated or linguist-vendored")
	cmd.Flags().StringVar(&opts.Since, "since", "", "count only the lines of commits committed on or after `<date>`")
	cmd.Flags().StringVar(&opts.Until, "until", "", "count only the lines of commits committed on or before `<date>`")
	cmd.Flags().StringArrayVar(&opts.Authors, "author", nil, "count only the lines of commits whose author (\"Name <email>\") matches `<regexp>` (repeatable: any)")
	unknownAsFlag(cmd, &opts.UnknownAs)
	return cmd
}

func reportRun(ctx context.Context, f *Factory, opts *ReportOptions) error {
	repo, err := f.Repo(ctx)
	if err != nil {
		return err
	}
	f.mergeFetchedNotes(ctx, repo) // notes a plain git fetch brought
	m, err := f.setupMeasure(ctx, repo, &opts.measureFlags)
	if err != nil {
		return err
	}
	progress := f.progress(opts.Format != "json")
	var left measure.Generated
	var cache walkcache.Stats
	rep, err := measure.Report(ctx, repo, measure.Options{Range: opts.Range, Config: m.cfg, Classify: m.classify, Unknown: m.unknown, Moves: m.moves, MoveThresholds: m.th, Pathspec: m.specs, Curves: opts.Curves || opts.Format == "html", Releases: opts.Releases, OnProgress: progress.callback(), Warn: f.warnOnce(), NoCache: opts.NoCache, Counts: opts.filter.Counts(),
		IncludeGenerated: opts.IncludeGenerated, OnGenerated: func(g measure.Generated) { left = g },
		OnCache: func(st walkcache.Stats) { cache = st }})
	progress.done()
	if err != nil {
		return walkError(err)
	}
	if rep.Commits.WithNotes < rep.Commits.Total {
		warnLostNotes(ctx, f, repo, cache.Resumed)
	}
	notes := measure.Notes(rep, left)
	if opts.filter != nil {
		notes = append(notes, opts.filter.Note())
		rep.Filters = opts.filter.JSON()
	}
	if err := writeReport(f, rep, opts.Format, notes); err != nil {
		return err
	}
	return gate(rep, opts.FailUnder, opts.failUnderSet)
}

func writeReport(f *Factory, rep *survival.Report, format string, notes []string) error {
	switch format {
	case "json":
		return render.JSON(f.IO.Out, rep)
	case "markdown":
		out := safeOut(f.IO.Out)
		defer out.Flush()
		return render.Markdown(out, rep, render.Options{Notes: notes})
	case "html":
		return render.HTML(f.IO.Out, rep, render.Options{Notes: notes})
	}
	out := safeOut(f.IO.Out)
	defer out.Flush()
	return render.Text(out, rep, render.Options{Notes: notes, Width: f.IO.Width})
}

// warnLostNotes warns when a history rewrite without post-rewrite (git
// filter-branch, git filter-repo) left many commits without their notes;
// resumed says the report's walk continued a saved one (see
// notes.Store.LostAfter).
func warnLostNotes(ctx context.Context, f *Factory, repo *gitx.Repo, resumed bool) {
	warnLostNotesTo(ctx, repo, resumed, func(w string) { f.Warnf("%s", w) })
}

// warnLostNotesTo gives warn the warning of warnLostNotes, if any.
func warnLostNotesTo(ctx context.Context, repo *gitx.Repo, resumed bool, warn func(string)) {
	n, err := notes.New(repo).LostAfter(ctx, resumed)
	if w := notes.LostWarning(n); err == nil && w != "" {
		warn(w)
	}
}
