package survival

import (
	"cmp"
	"math"
	"slices"
)

// Lifetimes are the survival curves of the report: for each group of
// lines, the Kaplan–Meier estimate of the share of lines still alive a
// given time after they were committed. A line's lifetime runs from the
// committer date of the commit that added it to the committer date of the
// commit where it died; a line still alive at the end of the range is
// right-censored at the end's committer date (it lived at least that
// long). Dates that run backwards (rebased or skewed clocks) give a
// lifetime of zero, never a negative one.
type Lifetimes struct {
	// Clock says which dates lifetimes are measured with.
	Clock string `json:"clock"`
	// End is the committer date of the range's end, as Unix seconds.
	End     int64        `json:"end_time"`
	AI      *Curve       `json:"ai"`
	Human   *Curve       `json:"human"`
	Unknown *Curve       `json:"unknown"`
	ByAgent []AgentCurve `json:"by_agent"`
}

// AgentCurve is the curve of the lines of one agent (all its models).
type AgentCurve struct {
	Agent string `json:"agent"`
	Curve
}

// Curve is one Kaplan–Meier survival curve and the figures read off it.
// Times are in days. A figure is null where the curve does not reach:
// survival at 90 days is null when no line was followed for 90 days.
type Curve struct {
	// Lines is the number of lines, Deaths how many died, Censored how
	// many are still alive (Lines = Deaths + Censored).
	Lines    int `json:"lines"`
	Deaths   int `json:"deaths"`
	Censored int `json:"censored"`
	// FollowUpDays is the longest lifetime observed, dead or alive.
	FollowUpDays float64 `json:"follow_up_days"`
	// Survival14d, Survival30d, Survival90d are S(14), S(30), S(90).
	Survival14d *float64 `json:"survival_14d"`
	Survival30d *float64 `json:"survival_30d"`
	Survival90d *float64 `json:"survival_90d"`
	// Churn14d is 1 − S(14): the share of lines gone within two weeks.
	Churn14d *float64 `json:"churn_14d"`
	// MedianDays is the first time the curve is at or below one half;
	// null when it never gets there ("not reached").
	MedianDays *float64 `json:"median_days"`
	// HalfLife is the exponential model fitted to the same lifetimes;
	// null when no line died.
	HalfLife *HalfLife `json:"half_life"`
	// Points is the step function: from (0, 1), one point per time at
	// which lines died, with the survival just after it, the lines at
	// risk just before it and the deaths at it. Long curves are thinned to
	// at most MaxPoints points (deaths summed, the last survival kept).
	Points []Point `json:"points"`
}

// Point is one step of a curve.
type Point struct {
	Days     float64 `json:"days"`
	Survival float64 `json:"survival"`
	AtRisk   int     `json:"at_risk"`
	Deaths   int     `json:"deaths"`
}

// HalfLife is the exponential model S(t) = exp(−rate·t) fitted by maximum
// likelihood with censoring: rate = deaths / total line-days observed.
// MaxGap is the largest distance between that model and the Kaplan–Meier
// curve (at the curve's steps, on both sides of each); Fit says it in a
// word: "good" (at most 0.05), "rough" (at most 0.15) or "poor".
type HalfLife struct {
	Days         float64 `json:"days"`
	Model        string  `json:"model"`
	RatePerDay   float64 `json:"rate_per_day"`
	ExposureDays float64 `json:"exposure_days"`
	MaxGap       float64 `json:"max_gap"`
	Fit          string  `json:"fit"`
}

// Observation is Lines lines with the same lifetime, in days: they died
// then (Died) or were still alive then (censored).
type Observation struct {
	Days  float64
	Lines int
	Died  bool
}

// MaxPoints bounds the points of a curve.
const MaxPoints = 400

// KaplanMeier estimates the survival curve of the observations. At a time
// where lines both died and were censored, the censored ones count as at
// risk (they outlived the deaths), as is usual. It returns nil when there
// are no lines.
func KaplanMeier(obs []Observation) *Curve {
	obs = slices.Clone(obs)
	// Sort on every field: equal times then sum in one order, so the
	// floating-point exposure is the same on every run.
	slices.SortFunc(obs, func(a, b Observation) int {
		return cmp.Or(cmp.Compare(a.Days, b.Days), cmp.Compare(a.Lines, b.Lines), cmp.Compare(boolInt(a.Died), boolInt(b.Died)))
	})
	c := &Curve{}
	exposure := 0.0
	for _, o := range obs {
		if o.Lines <= 0 {
			continue
		}
		c.Lines += o.Lines
		if o.Died {
			c.Deaths += o.Lines
		}
		exposure += o.Days * float64(o.Lines)
		c.FollowUpDays = max(c.FollowUpDays, o.Days)
	}
	if c.Lines == 0 {
		return nil
	}
	c.Censored = c.Lines - c.Deaths
	s, atRisk := 1.0, c.Lines
	c.Points = []Point{{Days: 0, Survival: 1, AtRisk: atRisk}}
	for i := 0; i < len(obs); {
		t, died, gone := obs[i].Days, 0, 0
		for ; i < len(obs) && obs[i].Days == t; i++ {
			if obs[i].Lines <= 0 {
				continue
			}
			gone += obs[i].Lines
			if obs[i].Died {
				died += obs[i].Lines
			}
		}
		if died > 0 {
			s *= 1 - float64(died)/float64(atRisk)
			if t == 0 {
				c.Points[0] = Point{Days: 0, Survival: s, AtRisk: atRisk, Deaths: died}
			} else {
				c.Points = append(c.Points, Point{Days: t, Survival: s, AtRisk: atRisk, Deaths: died})
			}
		}
		atRisk -= gone
	}
	c.Survival14d = c.At(14)
	c.Survival30d = c.At(30)
	c.Survival90d = c.At(90)
	if c.Survival14d != nil {
		v := 1 - *c.Survival14d
		c.Churn14d = &v
	}
	for _, p := range c.Points {
		if p.Survival <= 0.5 {
			d := p.Days
			c.MedianDays = &d
			break
		}
	}
	if c.Deaths > 0 && exposure > 0 {
		rate := float64(c.Deaths) / exposure
		h := &HalfLife{Days: math.Ln2 / rate, Model: "exponential", RatePerDay: rate, ExposureDays: exposure}
		prev := 1.0
		for _, p := range c.Points {
			e := math.Exp(-rate * p.Days)
			h.MaxGap = max(h.MaxGap, math.Abs(prev-e), math.Abs(p.Survival-e))
			prev = p.Survival
		}
		switch {
		case h.MaxGap <= 0.05:
			h.Fit = "good"
		case h.MaxGap <= 0.15:
			h.Fit = "rough"
		default:
			h.Fit = "poor"
		}
		c.HalfLife = h
	}
	c.Points = thin(c.Points, MaxPoints)
	return c
}

// At is the curve's survival at t days, nil when no line was followed
// that long and some were still alive at the last time observed.
func (c *Curve) At(t float64) *float64 {
	if c == nil || len(c.Points) == 0 {
		return nil
	}
	s := 1.0
	for _, p := range c.Points {
		if p.Days > t {
			break
		}
		s = p.Survival
	}
	if t > c.FollowUpDays && s > 0 {
		return nil
	}
	return &s
}

// thin merges steps so that at most n points remain: the time axis is cut
// into n−2 equal slices (the first may hold two points) and each slice keeps its last step, with the
// deaths of the slice and the lines at risk at its first step.
func thin(ps []Point, n int) []Point {
	if len(ps) <= n || n < 2 {
		return ps
	}
	width := ps[len(ps)-1].Days / float64(n-2)
	out := []Point{ps[0]}
	for _, p := range ps[1:] {
		last := &out[len(out)-1]
		if len(out) > 1 && math.Floor(last.Days/width) == math.Floor(p.Days/width) {
			last.Days, last.Survival = p.Days, p.Survival
			last.Deaths += p.Deaths
			continue
		}
		out = append(out, p)
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
