package main

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

func sorted(d []time.Duration) []time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}

// percentile is the nearest-rank p-th percentile; 0 for no values.
func percentile(d []time.Duration, p int) time.Duration {
	s := sorted(d)
	if len(s) == 0 {
		return 0
	}
	rank := (p*len(s) + 99) / 100 // ceil(p/100 * n)
	return s[max(rank, 1)-1]
}

func minOf(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return slices.Min(d)
}

func maxOf(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return slices.Max(d)
}

func plainOf(ls []large) []time.Duration {
	return benchkit.Each(ls, func(l large) time.Duration { return l.plain })
}

func hookedOf(ls []large) []time.Duration {
	return benchkit.Each(ls, func(l large) time.Duration { return l.hooked })
}

// ratioInterval is a 95% bootstrap interval of the ratio of medians
// median(hooked)/median(plain): each of 2,000 resamples draws both series
// with replacement (a fixed seed, so the same timings give the same
// interval). It says how far the machine's noise moves the ratio.
func ratioInterval(plain, hooked []time.Duration) (lo, hi float64) {
	if len(plain) == 0 || len(hooked) == 0 {
		return 0, 0
	}
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(d []time.Duration) []time.Duration {
		s := make([]time.Duration, len(d))
		for i := range s {
			s[i] = d[rng.IntN(len(d))]
		}
		return s
	}
	const n = 2000
	ratios := make([]float64, n)
	for i := range ratios {
		ratios[i] = float64(benchkit.Median(draw(hooked))) / float64(benchkit.Median(draw(plain)))
	}
	slices.Sort(ratios)
	return ratios[n*25/1000], ratios[n*975/1000-1]
}
