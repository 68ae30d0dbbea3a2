package ci

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// MeasureOptions are measure.Options plus the notes, read once for all
// scopes.
type MeasureOptions struct {
	Config   *config.Config
	Classify capture.Classifier
	Moves    bool
	Warn     func(string)
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

// Measurer measures scopes with the notes read once.
type Measurer struct {
	repo *gitx.Repo
	opts MeasureOptions
	res  *capture.Resolver
}

// NewMeasurer reads every note and prepares the resolver the report uses:
// a commit's note, else its evidence (unless the configuration turns
// inference off), else unknown.
func NewMeasurer(ctx context.Context, repo *gitx.Repo, opts MeasureOptions) (*Measurer, error) {
	all, err := notes.New(repo).ReadAll(ctx)
	if err != nil {
		return nil, err
	}
	res := &capture.Resolver{Notes: all, Classify: opts.Classify, NoInference: opts.Config != nil && !opts.Config.Inference, Warn: opts.Warn}
	return &Measurer{repo: repo, opts: opts, res: res}, nil
}

// Measure walks one scope as the report does (same attribution, same
// figures) and collects, beside the report, the AI figures per file.
func (m *Measurer) Measure(ctx context.Context, s Scope) Result {
	attr := walk.AttributorFunc(func(c *walk.Commit) (provenance.Commit, walk.Source, error) {
		pc, src := m.res.Resolve(capture.Meta{ID: c.ID, Parents: c.Parents, Author: c.Author, Committer: c.Committer, Message: c.Message})
		switch src {
		case capture.SourceNote:
			return pc, walk.SourceNote, nil
		case capture.SourceInferred:
			return pc, walk.SourceInferred, nil
		}
		return pc, walk.SourceUnknown, nil
	})
	var include func(string) bool
	if m.opts.Config != nil && m.opts.Config.Paths != nil {
		include = m.opts.Config.Paths.Match
	}
	col := survival.NewCollector()
	files := map[string]*FileRow{}
	row := func(p string) *FileRow {
		if files[p] == nil {
			files[p] = &FileRow{Path: p}
		}
		return files[p]
	}
	res, err := walk.Run(ctx, m.repo, walk.Options{
		Range: s.Range, Include: include, Attributor: attr, OnProgress: m.opts.OnProgress, Moves: m.opts.Moves,
		OnCommit: col.Commit, OnDeath: col.Death,
		OnBirth: func(b *linemap.Birth) {
			col.Birth(b)
			if b.Attribution.Origin == provenance.AI {
				row(b.Path).Added += b.Lines
			}
		},
	})
	if err != nil {
		return Result{Scope: s, Err: err}
	}
	present := m.paths(ctx, res.End)
	seen := map[*linemap.Birth][]bool{}
	for _, sv := range res.Survivors {
		if sv.Birth.Attribution.Origin != provenance.AI {
			continue
		}
		// A merge may leave a line in two places: it survives once.
		bits := seen[sv.Birth]
		if bits == nil {
			bits = make([]bool, sv.Birth.Lines)
			seen[sv.Birth] = bits
		}
		for i := sv.Offset; i < sv.Offset+sv.Lines && i < len(bits); i++ {
			if !bits[i] {
				bits[i] = true
				row(sv.Birth.Path).Surviving++
			}
		}
	}
	for _, sv := range res.Survivors {
		present[sv.Path] = true
	}
	out := Result{Scope: s, Report: col.Report(res.Range, res.End, res.Survivors)}
	for _, f := range files {
		if f.Added > 0 && present[f.Path] {
			out.Files = append(out.Files, *f)
		}
	}
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
