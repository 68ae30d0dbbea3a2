package survival

import (
	"math"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func near(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %.6f", what, want)
		return
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %.9f, want %.9f", what, *got, want)
	}
}

func null(t *testing.T, what string, got *float64) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want null", what, *got)
	}
}

// Hand-computed: six lines; deaths at 2, 5, 5, 10 days, censored at 3 and
// 8. S(2) = 5/6; at 5, 4 at risk, 2 die: 5/6·2/4 = 5/12; at 10, 1 at risk
// dies: 0. Exponential: 4 deaths over 2+3+5+5+8+10 = 33 line-days.
func TestKaplanMeierHandValues(t *testing.T) {
	c := KaplanMeier([]Observation{
		{Days: 10, Lines: 1, Died: true},
		{Days: 3, Lines: 1},
		{Days: 5, Lines: 2, Died: true},
		{Days: 2, Lines: 1, Died: true},
		{Days: 8, Lines: 1},
	})
	if c.Lines != 6 || c.Deaths != 4 || c.Censored != 2 || c.FollowUpDays != 10 {
		t.Fatalf("counts %+v", c)
	}
	want := []Point{{0, 1, 6, 0}, {2, 5.0 / 6, 6, 1}, {5, 5.0 / 12, 4, 2}, {10, 0, 1, 1}}
	if len(c.Points) != len(want) {
		t.Fatalf("points %+v, want %+v", c.Points, want)
	}
	for i, p := range c.Points {
		if math.Abs(p.Survival-want[i].Survival) > 1e-12 || p.Days != want[i].Days || p.AtRisk != want[i].AtRisk || p.Deaths != want[i].Deaths {
			t.Errorf("point %d = %+v, want %+v", i, p, want[i])
		}
	}
	near(t, "S(1)", c.At(1), 1)
	near(t, "S(4.9)", c.At(4.9), 5.0/6)
	near(t, "S(14)", c.Survival14d, 0) // everyone followed has died: defined
	near(t, "churn", c.Churn14d, 1)
	near(t, "median", c.MedianDays, 5)
	if c.HalfLife == nil {
		t.Fatal("no half-life")
	}
	rate := 4.0 / 33
	hl := math.Ln2 / rate
	near(t, "half-life", &c.HalfLife.Days, hl)
	near(t, "rate", &c.HalfLife.RatePerDay, rate)
	// The largest gap: just before the step at 10 days, KM 5/12 vs e^(-10·4/33).
	gap := math.Abs(5.0/12 - math.Exp(-10*rate))
	for _, p := range want {
		gap = max(gap, math.Abs(p.Survival-math.Exp(-rate*p.Days)))
	}
	near(t, "max gap", &c.HalfLife.MaxGap, gap)
}

// Ties: a censored line at the time of a death is still at risk then.
func TestKaplanMeierTiesAndCensoring(t *testing.T) {
	c := KaplanMeier([]Observation{
		{Days: 1, Lines: 1, Died: true}, {Days: 1, Lines: 1}, {Days: 2, Lines: 2, Died: true},
	})
	near(t, "S(1)", c.At(1), 0.75)
	near(t, "S(2)", c.At(2), 0)
	near(t, "median", c.MedianDays, 2)

	// Most lines still alive: the median is not reached; S(30) is beyond
	// the follow-up, so unknown.
	c = KaplanMeier([]Observation{{Days: 1, Lines: 2, Died: true}, {Days: 20, Lines: 8}})
	near(t, "S(14)", c.Survival14d, 0.8)
	near(t, "churn", c.Churn14d, 0.2)
	null(t, "S(30)", c.Survival30d)
	null(t, "median", c.MedianDays)
	near(t, "half-life", &c.HalfLife.Days, math.Ln2/(2.0/(2+160)))

	// Deaths at time zero, and nothing died: no half-life.
	c = KaplanMeier([]Observation{{Days: 0, Lines: 1, Died: true}, {Days: 3, Lines: 3}})
	near(t, "S(0)", c.At(0), 0.75)
	if len(c.Points) != 1 || c.Points[0].AtRisk != 4 {
		t.Errorf("points %+v", c.Points)
	}
	c = KaplanMeier([]Observation{{Days: 3, Lines: 3}})
	if c.HalfLife != nil || c.MedianDays != nil || c.Deaths != 0 {
		t.Errorf("nothing died: %+v", c)
	}
	if KaplanMeier(nil) != nil {
		t.Error("no lines: want nil")
	}
}

func TestKaplanMeierThinning(t *testing.T) {
	var obs []Observation
	for i := 1; i <= 5000; i++ {
		obs = append(obs, Observation{Days: float64(i) / 10, Lines: 1, Died: true})
	}
	obs = append(obs, Observation{Days: 1000, Lines: 5000})
	c := KaplanMeier(obs)
	if len(c.Points) > MaxPoints {
		t.Fatalf("%d points", len(c.Points))
	}
	deaths := 0
	for _, p := range c.Points {
		deaths += p.Deaths
	}
	if deaths != 5000 {
		t.Errorf("deaths after thinning: %d", deaths)
	}
	near(t, "last", &c.Points[len(c.Points)-1].Survival, 0.5)
}

func TestSemverOrder(t *testing.T) {
	in := []Tag{{Name: "v1.10.0"}, {Name: "v1.2.0"}, {Name: "v1.2.0-rc.1"}, {Name: "v1.2.0-beta"}, {Name: "v2"}, {Name: "v1.2.0-rc.10"}, {Name: "latest"}, {Name: "v1.2.0-rc.2"}}
	got, bad := SortTags(in)
	want := []string{"v1.2.0-beta", "v1.2.0-rc.1", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0", "v2"}
	if len(got) != len(want) || len(bad) != 1 || bad[0].Name != "latest" {
		t.Fatalf("got %v, bad %v", got, bad)
	}
	for i := range want {
		if got[i].Name != want[i] {
			t.Errorf("position %d: %s, want %s", i, got[i].Name, want[i])
		}
	}
}

// A small history through the collector: c0..c4 one day apart, tags v0.1.0
// at c1 and v0.2.0 at c3, a side branch s (off c1, merged by c3) that
// v0.2.0 contains.
func TestCollectorFatesAndReleases(t *testing.T) {
	day0 := time.Unix(1767225600, 0)
	mk := func(id string, d int, parents ...string) *linemap.Commit {
		return &linemap.Commit{Meta: provenance.Meta{ID: id, Parents: parents, CommitTime: day0.Add(time.Duration(d) * 24 * time.Hour)}}
	}
	c0, c1 := mk("c0", 0), mk("c1", 1, "c0")
	s := mk("s", 2, "c1")
	c2 := mk("c2", 3, "c1")
	c3 := mk("c3", 4, "c2", "s")
	c4 := mk("c4", 10, "c3")
	ai := provenance.Attribution{Origin: provenance.AI, Agent: "claude-code"}
	hu := provenance.Attribution{Origin: provenance.Human}
	col := NewCollector()
	col.Curves = true
	col.ReleasePattern = "v*"
	col.Tags = []Tag{{"v0.2.0", "c3"}, {"v0.1.0", "c1"}, {"v9.0.0", "elsewhere"}, {"nightly", "c4"}}
	b := func(c *linemap.Commit, a provenance.Attribution, n int) *linemap.Birth {
		bb := &linemap.Birth{Commit: c, Path: "f", Attribution: a, Lines: n}
		col.Birth(bb)
		return bb
	}
	col.Commit(c0)
	h0 := b(c0, hu, 10) // 10 human lines
	col.Commit(c1)
	a1 := b(c1, ai, 4)
	col.Death(linemap.Death{Birth: h0, Offset: 0, Lines: 2, Commit: c1}) // 2 human lines die at v0.1.0 itself
	col.Commit(s)
	as := b(s, ai, 3)
	col.Commit(c2)
	h2 := b(c2, hu, 5)
	col.Death(linemap.Death{Birth: a1, Offset: 0, Lines: 1, Commit: c2}) // dies in release 2
	col.Commit(c3)
	col.Death(linemap.Death{Birth: as, Offset: 0, Lines: 1, Commit: c3}) // dies at its own tag
	col.Commit(c4)
	col.Death(linemap.Death{Birth: h2, Offset: 0, Lines: 5, Commit: c4}) // after v0.2.0
	a4 := b(c4, ai, 2)
	surv := []linemap.Survivor{{Birth: h0, Offset: 2, Lines: 8}, {Birth: a1, Offset: 1, Lines: 3}, {Birth: as, Offset: 1, Lines: 2}, {Birth: a4, Lines: 2}}
	rep := col.Report("", "c4", surv)

	rel := rep.Releases
	if len(rel.Rows) != 3 || len(rel.Skipped) != 2 {
		t.Fatalf("rows %+v skipped %+v", rel.Rows, rel.Skipped)
	}
	r1, r2, r3 := rel.Rows[0], rel.Rows[1], rel.Rows[2]
	if r1.Tag != "v0.1.0" || r1.Previous != "" || r1.Commits != 2 || r1.Human.Added != 10 || r1.Human.Surviving != 8 || r1.AI.Added != 4 || r1.AI.Surviving != 4 {
		t.Errorf("v0.1.0: %+v", r1)
	}
	near(t, "v0.1.0 ai share", r1.AIShare, 4.0/12)
	if r2.Tag != "v0.2.0" || r2.Previous != "v0.1.0" || r2.Commits != 3 || r2.AI.Added != 3 || r2.AI.Surviving != 2 || r2.Human.Added != 5 || r2.Human.Surviving != 5 {
		t.Errorf("v0.2.0: %+v", r2)
	}
	if !r3.Unreleased || r3.Commits != 1 || r3.AI.Added != 2 || r3.AI.Surviving != 2 {
		t.Errorf("unreleased: %+v", r3)
	}

	lt := rep.Lifetimes
	// ai: a1 4 lines born day 1: 1 died day 3 (2 days), 3 alive until day 10 (9 days);
	// as 3 lines born day 2: 1 died day 4 (2 days), 2 alive (8 days); a4: 2 alive (0 days).
	// a4's lines are censored at 0 days: 7 at risk at 2 days, S(2) = 1 - 2/7.
	near(t, "ai S(2)", lt.AI.At(2), 5.0/7)
	if lt.AI.Lines != 9 || lt.AI.Deaths != 2 || len(lt.ByAgent) != 1 || lt.ByAgent[0].Agent != "claude-code" {
		t.Errorf("ai curve %+v, agents %+v", lt.AI, lt.ByAgent)
	}
	// human: h0 2 died at day 1 (1 day), 8 alive (10 days); h2 5 died at day 10 (7 days).
	near(t, "human S(1)", lt.Human.At(1), 13.0/15)
	near(t, "human S(7)", lt.Human.At(7), 13.0/15*(8.0/13))
	if rep.Deaths.Human.Deleted != 7 || rep.Deaths.AI.Deleted != 2 || rep.Deaths.AI.Moved != nil {
		t.Errorf("deaths %+v", rep.Deaths)
	}
}

func TestDeathKindsCounted(t *testing.T) {
	c0 := &linemap.Commit{Meta: provenance.Meta{ID: "c0"}}
	c1 := &linemap.Commit{Meta: provenance.Meta{ID: "c1", Parents: []string{"c0"}}}
	col := NewCollector()
	col.Curves, col.Moves = true, true
	col.Commit(c0)
	ai := &linemap.Birth{Commit: c0, Path: "f", Attribution: provenance.Attribution{Origin: provenance.AI, Agent: "aider"}, Lines: 10}
	hu := &linemap.Birth{Commit: c0, Path: "g", Attribution: provenance.HumanAttribution(), Lines: 4}
	col.Birth(ai)
	col.Birth(hu)
	col.Commit(c1)
	col.Death(linemap.Death{Birth: ai, Lines: 3, Commit: c1, Kind: linemap.DeathModified, By: provenance.HumanAttribution()})
	col.Death(linemap.Death{Birth: ai, Offset: 3, Lines: 1, Commit: c1, Kind: linemap.DeathModified, By: ai.Attribution})
	col.Death(linemap.Death{Birth: ai, Offset: 4, Lines: 2, Commit: c1})
	col.Death(linemap.Death{Birth: hu, Lines: 1, Commit: c1, Kind: linemap.DeathModified, By: ai.Attribution})
	col.Move(linemap.Death{Birth: ai, Offset: 6, Lines: 4, Commit: c1})
	d := col.Report("", "c1", nil).Deaths
	if d.AI.Deleted != 2 || d.AI.Modified != 4 || d.AI.ReplacedBy != (ReplacedBy{AI: 1, Human: 3}) || *d.AI.Moved != 4 {
		t.Errorf("ai deaths %+v", d.AI)
	}
	if d.Human.Modified != 1 || d.Human.ReplacedBy.AI != 1 || *d.Human.Moved != 0 {
		t.Errorf("human deaths %+v", d.Human)
	}
}
