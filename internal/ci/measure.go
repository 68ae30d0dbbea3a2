package ci

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/pathspec"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// MeasureOptions are the measure.Options every scope shares.
type MeasureOptions struct {
	Config   *config.Config
	Classify resolve.Classifier
	Moves    bool
	// MoveThresholds are, with Moves, git blame's -M<num> and -C<num>.
	MoveThresholds walk.Thresholds
	// Pathspec selects the lines that count (nil: all).
	Pathspec *pathspec.Set
	// Unknown, when set, counts lines with no evidence as human.
	Unknown *resolve.UnknownAs
	Warn    func(string)
	// OnProgress reports walked commits (may be nil).
	OnProgress func(done, total int)
}

// FileRow is the AI figures of one file: AI lines added to it in the
// range and how many of them survive at the range's end.
type FileRow struct {
	Path      string
	Added     int
	Surviving int
}

// Rate is Surviving/Added.
func (f FileRow) Rate() float64 {
	if f.Added == 0 {
		return 0
	}
	return float64(f.Surviving) / float64(f.Added)
}

// Result is one scope measured.
type Result struct {
	Scope  Scope
	Report *survival.Report
	// Files are the files AI lines were added to, by the path they were
	// added at, lowest AI survival first; only files present at the end.
	Files []FileRow
	Err   error
}

// Measurer measures scopes as the report does.
type Measurer struct {
	repo *gitx.Repo
	opts MeasureOptions
}

// NewMeasurer prepares measurements in repo.
func NewMeasurer(ctx context.Context, repo *gitx.Repo, opts MeasureOptions) (*Measurer, error) {
	return &Measurer{repo: repo, opts: opts}, nil
}

// Measure measures one scope with the report's engine (same attribution,
// same figures, same cache) and takes the AI figures per file from it.
func (m *Measurer) Measure(ctx context.Context, s Scope) Result {
	rep, err := measure.Report(ctx, m.repo, measure.Options{
		Range: s.Range, Config: m.opts.Config, Classify: m.opts.Classify, Moves: m.opts.Moves, MoveThresholds: m.opts.MoveThresholds, Pathspec: m.opts.Pathspec, Unknown: m.opts.Unknown,
		OnProgress: m.opts.OnProgress, Warn: m.opts.Warn, Files: true, Branch: s.Branch,
	})
	if err != nil {
		return Result{Scope: s, Err: err}
	}
	present := m.paths(ctx, rep.End)
	out := Result{Scope: s, Report: rep}
	for _, f := range rep.ByFile {
		if f.Added > 0 && present[f.Path] {
			out.Files = append(out.Files, FileRow{Path: f.Path, Added: f.Added, Surviving: f.Surviving})
		}
	}
	rep.ByFile = nil // the summary renders the report as report does
	slices.SortFunc(out.Files, func(a, b FileRow) int {
		return cmp.Or(cmp.Compare(a.Rate(), b.Rate()), cmp.Compare(b.Added, a.Added), cmp.Compare(a.Path, b.Path))
	})
	return out
}

// paths lists the files of end's tree (empty when git cannot say).
func (m *Measurer) paths(ctx context.Context, end string) map[string]bool {
	present := map[string]bool{}
	out, err := m.repo.Output(ctx, "ls-tree", "-r", "-z", "--name-only", "--end-of-options", end)
	if err != nil {
		return present
	}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			present[p] = true
		}
	}
	return present
}
