// Package measure runs the survival measurement: it reads every note in
// one go, resolves each commit's provenance (note, else evidence, else
// unknown), walks history once, and collects the figures. The report,
// blame and CI commands share it.
package measure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/evidence"
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/pathspec"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Options say what to measure and how.
type Options struct {
	// Range is "A..B", a revision, or "" for all history of HEAD.
	Range    string
	Config   *config.Config
	Classify resolve.Classifier
	// Moves traces moved and copied lines to their origin, as
	// git blame -M -C -C does (slower: the walk reads line content).
	Moves bool
	// MoveThresholds are, with Moves, git blame's -M<num> and -C<num>
	// (zero: its defaults, 20 and 40).
	MoveThresholds walk.Thresholds
	// Filters and Pathspec decide which lines count, all of them together
	// with the configuration's paths: a line counts when every filter
	// accepts the path where it is at the end of the range, or where it
	// was when it died. They never change which commit a line belongs to:
	// the walk follows every text file.
	Filters  []func(path string) bool
	Pathspec *pathspec.Set
	// Curves adds the lifetimes (Kaplan–Meier curves) and how lines died.
	Curves bool
	// Releases, a tag pattern as git tag -l reads it ("v*"), adds the
	// release table; "" leaves it out.
	Releases string
	// Files asks for the AI figures of every file (Report.ByFile).
	Files bool
	// Counts, when set, narrows the figures to the lines of the commits
	// it accepts (survival.Collector.Counts); the walk is the same.
	Counts func(*linemap.Commit) bool
	// Unknown, when set, counts lines with no evidence as human (see
	// UnknownPolicy).
	Unknown *resolve.UnknownAs
	// Branch is the branch the commits of an "A..B" range come from (a
	// pull request's head branch), "" when unknown: an agent's branch name
	// ("codex/fix-parser") is the weakest evidence for them.
	Branch string
	// OnProgress reports walked commits (may be nil).
	OnProgress func(done, total int)
	// Warn receives warnings (unreadable notes), each once.
	Warn func(string)
	// NoCache walks the whole range instead of continuing the walk saved
	// under the git directory (package walkcache); OnCache, when set, is
	// told what the cache did.
	NoCache bool
	OnCache func(walkcache.Stats)
	// IncludeGenerated counts files that .gitattributes at the end of the
	// range marks linguist-generated or linguist-vendored; by default they
	// do not count, and OnGenerated (when set) is told what was left out.
	IncludeGenerated bool
	OnGenerated      func(Generated)

	generated *generated // read by Report, part of the cache key
}

func (o Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}

// attributor adapts the notes-then-evidence resolver to the walk; it
// reads the notes of commits (nil: every note). branches are the agent
// branches commits came from (mergedBranches).
func attributor(ctx context.Context, repo *gitx.Repo, opts Options, commits []string, branches map[string]string) (walk.Attributor, error) {
	store := notes.New(repo)
	if commits == nil {
		if a, ok, err := streamedAttributor(ctx, repo, store, opts, branches); ok || err != nil {
			return a, err
		}
	}
	var all map[string]notes.Entry
	var err error
	switch {
	case commits == nil:
		all, err = store.ReadAll(ctx)
	case len(commits) == 0:
		all = map[string]notes.Entry{}
	default:
		all, err = store.ReadMany(ctx, commits)
	}
	if err != nil {
		return nil, err
	}
	ai, err := readGitAI(ctx, repo, all, commits)
	if err != nil {
		return nil, err
	}
	res := &resolve.Resolver{Notes: all, GitAI: ai, Classify: opts.Classify, NoInference: opts.Config != nil && !opts.Config.Inference, UnknownAs: opts.Unknown, Warn: opts.warn}
	if !res.NoInference {
		res.Branches = branches
	}
	peak := len(all)
	return walk.AttributorFunc(func(c *walk.Commit) (provenance.Commit, provenance.Source, error) {
		pc, src := res.Resolve(c.Meta)
		// The walk asks once per commit: its notes are not needed again,
		// and the walk's memory stays bounded by the lines it follows,
		// not by the notes of the whole history.
		delete(all, c.ID)
		delete(ai, c.ID)
		// A map keeps its table when entries go: once three quarters of
		// the notes are used, the rest move to a table of their size.
		if peak >= 1024 && len(all) < peak/4 {
			all = shrink(all)
			res.Notes, peak = all, len(all)
		}
		return pc, src, nil
	}), nil
}

// streamedAttributor is the attributor of a full walk of opts.Range that
// reads the notes as the walk goes (notestream.go); ok is false when it
// cannot (git-ai's notes are there, or the range or the note ids are
// unusual), and the notes are then read all at once. Cancel ctx once the
// walk is over.
func streamedAttributor(ctx context.Context, repo *gitx.Repo, store *notes.Store, opts Options, branches map[string]string) (a walk.Attributor, ok bool, err error) {
	rng := opts.Range
	if rng == "" {
		rng = "HEAD"
	}
	if strings.HasPrefix(rng, "-") || strings.Contains(rng, "...") {
		return nil, false, nil
	}
	if tips, err := gitai.Refs(ctx, repo); err != nil || len(tips) > 0 {
		return nil, false, err
	}
	ix, ok, err := readNoteIndex(ctx, repo, store.Ref)
	if err != nil || !ok {
		return nil, false, err
	}
	s := streamNotes(ctx, repo, ix, []string{rng})
	one := map[string]notes.Entry{}
	res := &resolve.Resolver{Notes: one, Classify: opts.Classify, NoInference: opts.Config != nil && !opts.Config.Inference, UnknownAs: opts.Unknown, Warn: opts.warn}
	if !res.NoInference {
		res.Branches = branches
	}
	return walk.AttributorFunc(func(c *walk.Commit) (provenance.Commit, provenance.Source, error) {
		e, has, err := s.entry(c.ID)
		if err != nil {
			return provenance.Commit{}, "", err
		}
		clear(one)
		if has {
			one[c.ID] = e
		}
		pc, src := res.Resolve(c.Meta)
		return pc, src, nil
	}), true, nil
}

// shrink copies m into a map of its size (a map keeps the table of its
// largest size when entries are deleted).
func shrink[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// readGitAI reads git-ai's notes of commits (nil: every one) that have
// no readable note of ours.
func readGitAI(ctx context.Context, repo *gitx.Repo, ours map[string]notes.Entry, commits []string) (map[string]gitai.Entry, error) {
	if commits != nil && len(commits) == 0 {
		return nil, nil
	}
	tips, err := gitai.Refs(ctx, repo)
	if err != nil || len(tips) == 0 {
		return nil, err
	}
	var set map[string]bool
	if commits != nil {
		set = make(map[string]bool, len(commits))
		for _, c := range commits {
			set[c] = true
		}
	}
	return gitai.ReadAll(ctx, repo, tips, func(c string) bool {
		if set != nil && !set[c] {
			return false
		}
		e, ok := ours[c]
		return !ok || !e.Describes()
	})
}

// mergedBranches gives the commits of the range that merges brought in
// from agents' branches, or that come from opts.Branch when it is an
// agent's; a failure is a warning and no branch evidence. Nothing when
// inference is off.
func mergedBranches(ctx context.Context, repo *gitx.Repo, opts Options) map[string]string {
	if opts.Config != nil && !opts.Config.Inference {
		return nil
	}
	rng := opts.Range
	if rng == "" {
		rng = "HEAD"
	}
	branches, skipped, err := resolve.MergedBranches(ctx, repo, rng)
	if err != nil {
		opts.warn(fmt.Sprintf("git-ai-survival: branch names not used as evidence: %v", err))
		return nil
	}
	if skipped > 0 {
		opts.warn(fmt.Sprintf("git-ai-survival: %d merges of agents' branches not followed (too many, or parents missing from the clone); their commits get no branch evidence", skipped))
	}
	if _, ok := evidence.BranchAgent(opts.Branch); ok && strings.Contains(rng, "..") {
		out, err := repo.Output(ctx, "rev-list", rng, "--")
		if err != nil {
			opts.warn(fmt.Sprintf("git-ai-survival: branch %s not used as evidence: %v", opts.Branch, err))
			return branches
		}
		for _, id := range strings.Fields(string(out)) {
			if _, seen := branches[id]; !seen {
				branches[id] = opts.Branch
			}
		}
	}
	return branches
}

// filter joins the configuration's paths, opts.Filters and opts.Pathspec
// into one; nil when every path counts.
func (o Options) filter() func(string) bool {
	var fs []func(string) bool
	if o.Config != nil && o.Config.Paths != nil && len(o.Config.Paths.Include)+len(o.Config.Paths.Exclude) > 0 {
		fs = append(fs, o.Config.Paths.Match)
	}
	for _, f := range o.Filters {
		if f != nil {
			fs = append(fs, f)
		}
	}
	if !o.Pathspec.Empty() {
		fs = append(fs, o.Pathspec.Match)
	}
	if len(fs) == 0 {
		return nil
	}
	return func(path string) bool {
		for _, f := range fs {
			if !f(path) {
				return false
			}
		}
		return true
	}
}

// Report measures survival over opts.Range.
func Report(ctx context.Context, repo *gitx.Repo, opts Options) (*survival.Report, error) {
	var err error
	col := survival.NewCollector()
	col.Curves, col.Moves, col.Files = opts.Curves, opts.Moves, opts.Files
	col.Thresholds = opts.MoveThresholds
	col.Filter = opts.filter()
	col.Counts = opts.Counts
	if opts.Releases != "" {
		if col.Tags, err = Tags(ctx, repo, opts.Releases); err != nil {
			return nil, err
		}
		col.ReleasePattern = opts.Releases
	}
	var gen *generated
	if !opts.IncludeGenerated {
		if gen, err = readGenerated(ctx, repo, opts.Range, opts.Warn); err != nil {
			return nil, err
		}
		if gen != nil && opts.OnGenerated != nil {
			opts.OnGenerated(gen.left)
		}
	}
	opts.generated = gen
	if gen != nil {
		// Generated and vendored files count nowhere, like excluded paths:
		// decided where lines end, never changing a line's commit.
		opts.Filters = append(opts.Filters, func(p string) bool { return !gen.attrs.Generated(p) })
		col.Filter = opts.filter()
	}
	wo := walk.Options{
		Range: opts.Range, OnProgress: opts.OnProgress,
		Moves: opts.Moves, MoveThresholds: opts.MoveThresholds, OnCommit: col.Commit, OnBirth: col.Birth, OnDeath: col.Death,
	}
	if opts.Moves && opts.Curves {
		wo.OnMove = col.Move
	}
	res, err := run(ctx, repo, wo, opts)
	if err != nil {
		return nil, err
	}
	rep := col.Report(res.Range, res.End, res.Survivors)
	if opts.Unknown != nil {
		rep.UnknownAs, rep.UnknownAsBefore = "human", opts.Unknown.Since
	}
	return rep, nil
}

// UnknownPolicy reads the unknown-as setting: as is "human" or "unknown"
// ("" is unknown); since, when given, is a date (2006-01-02 or RFC 3339)
// or a revision, and limits the setting to the commits made before it.
// A bad value is a usage error.
func UnknownPolicy(ctx context.Context, repo *gitx.Repo, as, since string) (*resolve.UnknownAs, error) {
	switch as {
	case "", "unknown":
		return nil, nil
	case "human":
	default:
		return nil, fmt.Errorf("unknown-as %q: use human or unknown", as)
	}
	u := &resolve.UnknownAs{Since: since}
	if since == "" {
		return u, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, since, time.UTC); err == nil {
			u.Before = t
			return u, nil
		}
	}
	id, err := repo.ResolveCommit(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("unknown since %q is neither a date (2006-01-02) nor a commit: %v", since, err)
	}
	out, err := repo.Output(ctx, "rev-list", id+"^@", "--")
	if err != nil {
		return nil, fmt.Errorf("listing the commits before %s: %w", since, err)
	}
	u.Ancestors = map[string]bool{}
	for _, c := range strings.Fields(string(out)) {
		u.Ancestors[c] = true
	}
	return u, nil
}

// Tags lists the tags matching pattern (as git tag -l matches) with the
// commits they name; tags of anything but a commit are left out.
func Tags(ctx context.Context, repo *gitx.Repo, pattern string) ([]survival.Tag, error) {
	out, err := repo.Output(ctx, "tag", "-l", "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)", "--", pattern)
	if err != nil {
		return nil, fmt.Errorf("listing tags %q: %w", pattern, err)
	}
	tags := []survival.Tag{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 5 {
			continue
		}
		switch {
		case f[1] == "commit":
			tags = append(tags, survival.Tag{Name: f[0], Commit: f[2]})
		case f[3] == "commit":
			tags = append(tags, survival.Tag{Name: f[0], Commit: f[4]})
		}
	}
	return tags, nil
}

// BlameLine is one line of a file with where it came from: the line's
// text, and the commit that added it with that commit's author (name) and
// author date.
type BlameLine struct {
	Line   int               `json:"line"`
	Origin provenance.Origin `json:"origin"`
	Commit string            `json:"commit"`
	Agent  string            `json:"agent,omitempty"`
	Model  string            `json:"model,omitempty"`
	// Evidence says how the origin was established ("git-ai" for lines
	// git-ai's authorship note tags); empty for unknown lines.
	Evidence provenance.Evidence `json:"evidence,omitempty"`
	Author   string              `json:"author"`
	Date     time.Time           `json:"date"`
	Content  string              `json:"content"`
}

// ErrNoSuchFile is returned by Blame for a path not in the end revision.
var ErrNoSuchFile = fmt.Errorf("no such file")

// Blame gives every line of path at rev (default HEAD) its origin, from
// the same walk as the report.
func Blame(ctx context.Context, repo *gitx.Repo, rev, path string, opts Options) ([]BlameLine, error) {
	res, err := run(ctx, repo, walk.Options{Range: rev, OnProgress: opts.OnProgress, Moves: opts.Moves, MoveThresholds: opts.MoveThresholds}, opts)
	if err != nil {
		return nil, err
	}
	var lines []BlameLine
	for _, s := range res.Survivors {
		if s.Path != path {
			continue
		}
		for i := 0; i < s.Lines; i++ {
			c := s.Birth.Commit
			bl := BlameLine{Line: s.Line + i, Origin: s.Birth.Attribution.Origin, Commit: c.ID, Evidence: s.Birth.Attribution.Evidence, Author: authorName(c.Author), Date: c.AuthorTime}
			if bl.Origin == provenance.AI {
				bl.Agent, bl.Model = s.Birth.Attribution.Agent, s.Birth.Attribution.Model
			}
			lines = append(lines, bl)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%q at %s: %w (or it has no text lines)", path, rev, ErrNoSuchFile)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].Line < lines[j].Line })
	blob, err := repo.Output(ctx, "cat-file", "blob", res.End+":"+path)
	if err != nil {
		return nil, fmt.Errorf("reading %s at %s: %w", path, rev, err)
	}
	text := splitLines(blob)
	for i := range lines {
		if n := lines[i].Line; n >= 1 && n <= len(text) {
			lines[i].Content = text[n-1]
		}
	}
	return lines, nil
}

// splitLines splits a file's content into lines as git blame shows them:
// without their newline (a carriage return before it is kept).
func splitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" && len(b) <= 1 {
		if len(b) == 1 {
			return []string{""}
		}
		return nil
	}
	return strings.Split(s, "\n")
}

// authorName is the name of "Name <email>".
func authorName(ident string) string {
	if i := strings.LastIndex(ident, " <"); i >= 0 && strings.HasSuffix(ident, ">") {
		return ident[:i]
	}
	return ident
}
