package survival

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// fates is what the lifetimes, the deaths and the release table are
// computed from, collected during the report's one walk: the commits of
// the range (dates and parents, by position) and, for lines, how many
// were born in which commit, died in which commit (or are alive), how,
// and to which cohort (origin and agent) they belong. Lines with the same
// key are one count, so its size follows the number of (birth, death)
// commit pairs, not the number of lines.
type fates struct {
	commits []commitRec
	byID    map[string]int32
	lastC   *linemap.Commit
	lastCI  int32

	cohorts  []cohort
	cohortIx map[cohort]int16
	lastB    *linemap.Birth
	lastBI   int16

	lines map[fate]int
	// moved counts, per cohort, lines a commit moved elsewhere (with
	// moves traced): not deaths, the lines live on.
	moved map[int16]int
}

type commitRec struct {
	id      string
	time    int64
	parents []int32 // positions; parents outside the range are left out
}

type cohort struct {
	origin provenance.Origin
	agent  string
}

// fate is a count key: died is -1 for lines alive at the end.
type fate struct {
	born, died int32
	cohort     int16
	kind       deathKind
	by         int8 // origin of the replacing lines (kindModified), see originIx
}

type deathKind uint8

const (
	kindAlive deathKind = iota
	kindDeleted
	kindModified
)

func originIx(o provenance.Origin) int8 {
	switch o {
	case provenance.AI:
		return 0
	case provenance.Human:
		return 1
	}
	return 2
}

func newFates() *fates {
	return &fates{byID: map[string]int32{}, cohortIx: map[cohort]int16{}, lines: map[fate]int{}, moved: map[int16]int{}}
}

// commit returns c's position, registering it the first time.
func (f *fates) commit(c *linemap.Commit) int32 {
	if c == f.lastC && c != nil {
		return f.lastCI
	}
	// Commits are known by id, not by pointer: a map of pointers would
	// keep every walked commit (message and all) alive to the end.
	rec := commitRec{}
	if c != nil {
		// A copy: c.ID may share its memory with the commit's whole
		// record as git printed it, message included.
		rec.id, rec.time = strings.Clone(c.ID), c.CommitTime.Unix()
	}
	i, ok := f.byID[rec.id]
	if !ok {
		i = int32(len(f.commits))
		f.commits = append(f.commits, rec)
		f.byID[rec.id] = i
		if c != nil && len(c.Parents) > 0 {
			f.linkParents(i, c.Parents)
		}
	}
	f.lastC, f.lastCI = c, i
	return i
}

// linkParents finds parents among the commits seen so far (the walk gives
// parents before children).
func (f *fates) linkParents(i int32, parents []string) {
	ps := make([]int32, 0, len(parents))
	for _, p := range parents {
		if j, ok := f.byID[p]; ok {
			ps = append(ps, j)
		}
	}
	f.commits[i].parents = ps
}

func (f *fates) cohortOf(b *linemap.Birth) int16 {
	if b == f.lastB {
		return f.lastBI
	}
	k := cohort{origin: b.Attribution.Origin}
	switch k.origin {
	case provenance.AI:
		k.agent = b.Attribution.Agent
	case provenance.Human:
	default:
		k.origin = provenance.Unknown
	}
	i, ok := f.cohortIx[k]
	if !ok {
		i = int16(len(f.cohorts))
		f.cohorts = append(f.cohorts, k)
		f.cohortIx[k] = i
	}
	f.lastB, f.lastBI = b, i
	return i
}

func (f *fates) birth(b *linemap.Birth) { f.born(b, b.Lines) }

// born counts n lines of b as born (and alive until a death says otherwise).
func (f *fates) born(b *linemap.Birth, n int) {
	f.lines[fate{born: f.commit(b.Commit), died: -1, cohort: f.cohortOf(b)}] += n
}

// clone copies f, for the counts only the end adds (filtered survivors).
func (f *fates) clone() *fates {
	g := *f
	g.lines = maps.Clone(f.lines)
	g.commits = slices.Clone(f.commits)
	g.byID = maps.Clone(f.byID)
	g.cohorts, g.cohortIx = slices.Clone(f.cohorts), maps.Clone(f.cohortIx)
	g.lastC, g.lastB = nil, nil
	return &g
}

func (f *fates) death(d linemap.Death, kind deathKind, by provenance.Origin) {
	k := fate{born: f.commit(d.Birth.Commit), died: -1, cohort: f.cohortOf(d.Birth)}
	f.lines[k] -= d.Lines
	k.died, k.kind = f.commit(d.Commit), kind
	if kind == kindModified {
		k.by = originIx(by)
	}
	f.lines[k] += d.Lines
}

// endTime is the committer date of the commit end, else the latest date.
func (f *fates) endTime(end string) int64 {
	var latest int64
	for i := len(f.commits) - 1; i >= 0; i-- {
		if f.commits[i].id == end && end != "" {
			return f.commits[i].time
		}
		latest = max(latest, f.commits[i].time)
	}
	return latest
}

const day = 86400.0

// lifetimes computes the curves.
func (f *fates) lifetimes(end string) *Lifetimes {
	endT := f.endTime(end)
	byCohort := make([][]Observation, len(f.cohorts))
	for k, n := range f.lines {
		if n == 0 {
			continue
		}
		born := f.commits[k.born].time
		until := endT
		if k.died >= 0 {
			until = f.commits[k.died].time
		}
		days := float64(max(until-born, 0)) / day
		byCohort[k.cohort] = append(byCohort[k.cohort], Observation{Days: days, Lines: n, Died: k.died >= 0})
	}
	var ai, human, unknown []Observation
	agents := map[string][]Observation{}
	for i, co := range f.cohorts {
		switch co.origin {
		case provenance.AI:
			ai = append(ai, byCohort[i]...)
			agents[co.agent] = append(agents[co.agent], byCohort[i]...)
		case provenance.Human:
			human = append(human, byCohort[i]...)
		default:
			unknown = append(unknown, byCohort[i]...)
		}
	}
	lt := &Lifetimes{Clock: "committer date", End: endT, AI: KaplanMeier(ai), Human: KaplanMeier(human), Unknown: KaplanMeier(unknown), ByAgent: []AgentCurve{}}
	for a, obs := range agents {
		if c := KaplanMeier(obs); c != nil {
			lt.ByAgent = append(lt.ByAgent, AgentCurve{Agent: a, Curve: *c})
		}
	}
	slices.SortFunc(lt.ByAgent, func(a, b AgentCurve) int {
		return cmp.Or(cmp.Compare(b.Lines, a.Lines), cmp.Compare(a.Agent, b.Agent))
	})
	return lt
}

// Deaths says how lines died, per origin.
type Deaths struct {
	// Moves is set when moved and copied lines were traced (--moves).
	Moves   bool        `json:"moves"`
	AI      DeathCounts `json:"ai"`
	Human   DeathCounts `json:"human"`
	Unknown DeathCounts `json:"unknown"`
}

// DeathCounts splits the deaths of one origin's lines by how they died:
// Deleted (no line took their place), Modified (replaced in place: the
// change that removed them added lines there), and, with moves traced,
// Moved: lines a commit removed from one place and that the walk found
// again in another (not deaths: they live on with their origin; without
// --moves they count as deleted or modified). ReplacedBy splits Modified
// by the origin of the lines that replaced them.
type DeathCounts struct {
	Deleted    int        `json:"deleted"`
	Modified   int        `json:"modified"`
	Moved      *int       `json:"moved"`
	ReplacedBy ReplacedBy `json:"replaced_by"`
}

// ReplacedBy counts replaced lines by the origin of their replacement.
type ReplacedBy struct {
	AI      int `json:"ai"`
	Human   int `json:"human"`
	Unknown int `json:"unknown"`
}

func (d *Deaths) of(o provenance.Origin) *DeathCounts {
	switch o {
	case provenance.AI:
		return &d.AI
	case provenance.Human:
		return &d.Human
	}
	return &d.Unknown
}

func (f *fates) deaths(moves bool) *Deaths {
	d := &Deaths{Moves: moves}
	if moves {
		for _, o := range []provenance.Origin{provenance.AI, provenance.Human, provenance.Unknown} {
			d.of(o).Moved = new(int)
		}
		for co, n := range f.moved {
			*d.of(f.cohorts[co].origin).Moved += n
		}
	}
	for k, n := range f.lines {
		if k.died < 0 || n == 0 {
			continue
		}
		c := d.of(f.cohorts[k.cohort].origin)
		switch k.kind {
		case kindModified:
			c.Modified += n
			switch k.by {
			case 0:
				c.ReplacedBy.AI += n
			case 1:
				c.ReplacedBy.Human += n
			default:
				c.ReplacedBy.Unknown += n
			}
		default:
			c.Deleted += n
		}
	}
	return d
}
