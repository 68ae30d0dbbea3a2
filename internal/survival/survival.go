// Package survival computes the survival figures from the walk's output:
// lines added per origin, how many survive at the end of the range, the
// rates, the AI share, and the same by agent and model, by top directory and
// by author. It imports no git code: it reads the walk's commits, births,
// deaths and survivors (package linemap) and returns plain values that every
// output format renders the same way.
//
// Wire it to a walk with
//
//	c := survival.NewCollector()
//	res, err := walk.Run(ctx, repo, walk.Options{..., OnCommit: c.Commit, OnBirth: c.Birth, OnDeath: c.Death})
//	report := c.Report(res.Range, res.End, res.Survivors)
package survival

import (
	"cmp"
	"slices"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// SchemaVersion is the version of the report's JSON.
const SchemaVersion = 1

// Rate is the figures of one group of lines. SurvivalRate is
// Surviving/Added, nil when nothing was added. Added = Surviving + Deleted:
// a line a merge kept in two places survives once.
type Rate struct {
	Added        int      `json:"added"`
	Surviving    int      `json:"surviving"`
	Deleted      int      `json:"deleted"`
	SurvivalRate *float64 `json:"survival_rate"`
}

func (r *Rate) finish() {
	r.SurvivalRate = ratio(r.Surviving, r.Added)
}

func (r *Rate) add(o Rate) {
	r.Added += o.Added
	r.Surviving += o.Surviving
	r.Deleted += o.Deleted
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// Commits counts the range's commits and where their provenance came from.
type Commits struct {
	Total     int `json:"total"`
	WithNotes int `json:"with_notes"`
	Inferred  int `json:"inferred"`
	// GitAI counts commits without a note of ours that git-ai's
	// authorship note (refs/notes/ai) tags line by line.
	GitAI int `json:"git_ai"`
}

// Coverage counts the added lines by how much is known of their origin:
// LineLevel, lines of commits whose note (ours, or git-ai's authorship
// note) tags them line by line; CommitLevel, lines of commits without a
// note, classified from commit evidence (trailers, agent markers, bots,
// rules); None, lines nothing is known about (unknown, or counted as
// human by the unknown-as setting).
type Coverage struct {
	LineLevel   int `json:"line_level"`
	CommitLevel int `json:"commit_level"`
	None        int `json:"none"`
}

// Total is every added line.
func (c Coverage) Total() int { return c.LineLevel + c.CommitLevel + c.None }

// Totals is the figures per origin.
type Totals struct {
	AI      Rate `json:"ai"`
	Human   Rate `json:"human"`
	Unknown Rate `json:"unknown"`
}

func (t *Totals) of(o provenance.Origin) *Rate {
	switch o {
	case provenance.AI:
		return &t.AI
	case provenance.Human:
		return &t.Human
	}
	return &t.Unknown
}

func (t *Totals) finish() {
	t.AI.finish()
	t.Human.finish()
	t.Unknown.finish()
}

// AgentRow is the figures of one agent and model (AI lines only).
type AgentRow struct {
	Agent string `json:"agent"`
	Model string `json:"model"`
	Rate
}

// DirectoryRow is the figures of the lines added under one top-level
// directory ("." for files at the root), per origin.
type DirectoryRow struct {
	Directory string `json:"directory"`
	Totals
}

// AuthorRow is the figures of the lines of one commit author
// ("Name <email>"), per origin.
type AuthorRow struct {
	Author string `json:"author"`
	Totals
}

// Report is the survival report of a range.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Range         string `json:"range"`
	End           string `json:"end"`
	// Moves is nil when moved and copied lines were not traced, else the
	// thresholds they were traced with (git blame -M<within> -C<across>).
	Moves   *linemap.Thresholds `json:"moves"`
	Commits Commits             `json:"commits"`
	Totals  Totals              `json:"totals"`
	// Coverage says how much of Totals rests on line-level provenance,
	// commit-level evidence, or nothing.
	Coverage Coverage `json:"coverage"`
	// UnknownAs is "human" when lines with no evidence count as human
	// (--unknown-as human, or unknown: human in the configuration),
	// else "unknown"; UnknownAsBefore limits it to the history before a
	// date or revision.
	UnknownAs       string `json:"unknown_as"`
	UnknownAsBefore string `json:"unknown_as_before,omitempty"`
	// AIShare is surviving AI lines over all surviving lines; nil when
	// nothing survives.
	AIShare     *float64       `json:"ai_share"`
	ByAgent     []AgentRow     `json:"by_agent"`
	ByDirectory []DirectoryRow `json:"by_directory"`
	ByAuthor    []AuthorRow    `json:"by_author"`
	// ByFile is the AI figures per file, lowest survival first; only
	// when asked for (the CI job's annotations use it).
	ByFile []FileRow `json:"by_file,omitempty"`
	// Lifetimes are the Kaplan–Meier survival curves (lifetimes.go).
	Lifetimes *Lifetimes `json:"lifetimes,omitempty"`
	// Deaths says how lines died (fates.go).
	Deaths *Deaths `json:"deaths,omitempty"`
	// Releases is the release table, when asked for (releases.go).
	Releases *Releases `json:"releases,omitempty"`
	// Filters says which commits' lines the figures count, when narrowed
	// (report --since, --until, --author).
	Filters *Filters `json:"filters,omitempty"`
}

// Filters are the commit filters of a report: commit-date bounds (RFC 3339,
// "" for none) and author patterns (any matches).
type Filters struct {
	Since   string   `json:"since,omitempty"`
	Until   string   `json:"until,omitempty"`
	Authors []string `json:"authors,omitempty"`
}

// group is the finest grouping of lines; every table sums groups.
type group struct {
	origin       provenance.Origin
	agent, model string
	dir, author  string
}

// Collector accumulates a walk's events. Its methods have the signatures
// of the walk's callbacks.
type Collector struct {
	commits  Commits
	coverage Coverage
	groups   map[group]*Rate
	fates    *fates

	// Curves asks for the lifetimes and the deaths (cheap: counts by
	// birth and death commit, kept during the walk either way).
	Curves bool
	// Moves says the walk traced moved lines: the deaths then count them.
	// Thresholds are the scores it traced them with (zero: git's defaults).
	Moves      bool
	Thresholds linemap.Thresholds
	// ReleasePattern and Tags ask for the release table: the tags that
	// matched the pattern, in any order.
	ReleasePattern string
	Tags           []Tag
	// Files asks for the AI figures of every file (Report.ByFile).
	Files bool
	files map[string]*FileRow
	// Filter, when set, says which lines count: a line counts when the
	// path where it died, or where it survives at the end, is one Filter
	// accepts. It never changes which commit a line belongs to (the walk
	// follows every path); lines are then counted as added when they die
	// or survive, not when they are born.
	Filter func(path string) bool
	// Counts, when set, says which commits' lines are counted (report
	// --since, --until, --author): the walk still gives every line the
	// commit that added it, and lines of other commits are left out of
	// every figure, as are the commits themselves.
	Counts func(*linemap.Commit) bool
}

// counted says whether the lines of commit cm count.
func (c *Collector) counted(cm *linemap.Commit) bool {
	return c.Counts == nil || c.Counts(cm)
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{groups: map[group]*Rate{}}
}

// fateLog returns the record the curves, the deaths and the release table
// are computed from, nil when none of them is asked for: the plain figures
// need no record per commit, so a report without them keeps none.
func (c *Collector) fateLog() *fates {
	if !c.Curves && c.ReleasePattern == "" && c.Tags == nil {
		return nil
	}
	if c.fates == nil {
		c.fates = newFates()
	}
	return c.fates
}

func groupOf(b *linemap.Birth) group {
	g := group{origin: b.Attribution.Origin, dir: TopDirectory(b.Path)}
	switch g.origin {
	case provenance.AI:
		g.agent, g.model = b.Attribution.Agent, b.Attribution.Model
	case provenance.Human:
	default:
		g.origin = provenance.Unknown
	}
	if b.Commit != nil {
		g.author = b.Commit.Author
	}
	return g
}

func (c *Collector) rate(b *linemap.Birth) *Rate {
	g := groupOf(b)
	r := c.groups[g]
	if r == nil {
		r = &Rate{}
		c.groups[g] = r
	}
	return r
}

// TopDirectory is the first component of path, "." for a file at the root.
func TopDirectory(path string) string {
	dir, _, ok := strings.Cut(path, "/")
	if !ok {
		return "."
	}
	return dir
}

// Commit counts a commit of the range.
func (c *Collector) Commit(cm *linemap.Commit) {
	if f := c.fateLog(); f != nil {
		f.commit(cm)
	}
	if !c.counted(cm) {
		return
	}
	c.commits.Total++
	switch cm.Source {
	case provenance.SourceNote:
		c.commits.WithNotes++
	case provenance.SourceInferred:
		c.commits.Inferred++
	case provenance.SourceGitAI:
		c.commits.GitAI++
	}
}

// add counts n lines of b by the provenance they rest on.
func (cv *Coverage) add(b *linemap.Birth, n int) {
	switch b.Commit.Source {
	case provenance.SourceNote, provenance.SourceGitAI:
		cv.LineLevel += n
	case provenance.SourceInferred:
		cv.CommitLevel += n
	default:
		cv.None += n
	}
}

// Birth counts lines added.
func (c *Collector) Birth(b *linemap.Birth) {
	if !c.counted(b.Commit) {
		return
	}
	if c.Filter != nil {
		return // counted where the lines end (Death, Report)
	}
	c.rate(b).Added += b.Lines
	c.coverage.add(b, b.Lines)
	if f := c.fateLog(); f != nil {
		f.birth(b)
	}
	c.fileBirth(b)
}

// Death counts lines deleted.
func (c *Collector) Death(d linemap.Death) {
	if !c.counted(d.Birth.Commit) {
		return
	}
	if c.Filter != nil {
		if !c.Filter(d.Path) {
			return
		}
		c.rate(d.Birth).Added += d.Lines
		c.coverage.add(d.Birth, d.Lines)
		if f := c.fateLog(); f != nil {
			f.born(d.Birth, d.Lines)
		}
		c.fileLines(d.Birth, d.Lines)
	}
	c.rate(d.Birth).Deleted += d.Lines
	if f := c.fateLog(); f != nil {
		kind, by := howDied(d)
		f.death(d, kind, by)
	}
}

// Report computes the figures, counting survivors once per line even where
// a merge left a line in two places. It does not change the collector.
func (c *Collector) Report(rangeSpec, end string, survivors []linemap.Survivor) *Report {
	if rangeSpec == "" {
		rangeSpec = "HEAD"
	}
	surviving := map[group]int{}
	seen := map[*linemap.Birth][]uint64{}
	fates, coverage := c.fateLog(), c.coverage
	var addedAtEnd map[group]int
	if c.Filter != nil && fates != nil {
		fates = fates.clone()
	}
	if c.Filter != nil {
		addedAtEnd = map[group]int{}
	}
	for _, s := range survivors {
		if !c.counted(s.Birth.Commit) || c.Filter != nil && !c.Filter(s.Path) {
			continue
		}
		bits := seen[s.Birth]
		if bits == nil {
			bits = make([]uint64, (s.Birth.Lines+63)/64)
			seen[s.Birth] = bits
		}
		n := 0
		for i := s.Offset; i < s.Offset+s.Lines; i++ {
			if bits[i/64]&(1<<(i%64)) == 0 {
				bits[i/64] |= 1 << (i % 64)
				n++
			}
		}
		surviving[groupOf(s.Birth)] += n
		if c.Filter != nil {
			addedAtEnd[groupOf(s.Birth)] += n
			coverage.add(s.Birth, n)
			if fates != nil {
				fates.born(s.Birth, n)
			}
			c.fileLines(s.Birth, n)
		}
		c.fileSurvivors(s.Birth, n)
	}

	rep := &Report{SchemaVersion: SchemaVersion, Range: rangeSpec, End: end, Commits: c.commits, Coverage: coverage, UnknownAs: "unknown",
		ByAgent: []AgentRow{}, ByDirectory: []DirectoryRow{}, ByAuthor: []AuthorRow{}}
	if c.Moves {
		th := c.Thresholds.Or()
		rep.Moves = &th
	}
	agents := map[[2]string]*AgentRow{}
	dirs := map[string]*DirectoryRow{}
	authors := map[string]*AuthorRow{}
	all := map[group]Rate{}
	for g, r := range c.groups {
		all[g] = *r
	}
	for g, n := range surviving {
		r := all[g]
		r.Surviving += n
		r.Added += addedAtEnd[g]
		all[g] = r
	}
	for g, r := range all {
		rep.Totals.of(g.origin).add(r)
		if g.origin == provenance.AI {
			k := [2]string{g.agent, g.model}
			if agents[k] == nil {
				agents[k] = &AgentRow{Agent: g.agent, Model: g.model}
			}
			agents[k].add(r)
		}
		if dirs[g.dir] == nil {
			dirs[g.dir] = &DirectoryRow{Directory: g.dir}
		}
		dirs[g.dir].of(g.origin).add(r)
		if authors[g.author] == nil {
			authors[g.author] = &AuthorRow{Author: g.author}
		}
		authors[g.author].of(g.origin).add(r)
	}
	rep.Totals.finish()
	rep.AIShare = ratio(rep.Totals.AI.Surviving, rep.Totals.AI.Surviving+rep.Totals.Human.Surviving+rep.Totals.Unknown.Surviving)
	for _, a := range agents {
		a.finish()
		rep.ByAgent = append(rep.ByAgent, *a)
	}
	slices.SortFunc(rep.ByAgent, func(a, b AgentRow) int {
		return cmp.Or(cmp.Compare(b.Added, a.Added), cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.Model, b.Model))
	})
	for _, d := range dirs {
		d.finish()
		rep.ByDirectory = append(rep.ByDirectory, *d)
	}
	slices.SortFunc(rep.ByDirectory, func(a, b DirectoryRow) int { return cmp.Compare(a.Directory, b.Directory) })
	for _, a := range authors {
		a.finish()
		rep.ByAuthor = append(rep.ByAuthor, *a)
	}
	slices.SortFunc(rep.ByAuthor, func(a, b AuthorRow) int {
		return cmp.Or(cmp.Compare(total(b.Totals), total(a.Totals)), cmp.Compare(a.Author, b.Author))
	})
	if c.Curves {
		rep.Lifetimes = fates.lifetimes(end)
		rep.Deaths = fates.deaths(c.Moves)
	}
	if c.ReleasePattern != "" || c.Tags != nil {
		rep.Releases = fates.releases(c.ReleasePattern, c.Tags, end)
	}
	rep.ByFile = c.byFile()
	return rep
}

func total(t Totals) int { return t.AI.Added + t.Human.Added + t.Unknown.Added }
