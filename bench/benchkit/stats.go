package benchkit

import (
	"math/rand/v2"
	"slices"
	"time"
)

// RatioInterval is a 95% bootstrap interval of the ratio of medians
// median(hooked)/median(plain): each of 2,000 resamples draws both series
// with replacement (a fixed seed, so the same timings give the same
// interval). It says how far the machine's noise moves the ratio.
func RatioInterval(plain, hooked []time.Duration) (lo, hi float64) {
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
		ratios[i] = float64(Median(draw(hooked))) / float64(Median(draw(plain)))
	}
	slices.Sort(ratios)
	return ratios[n*25/1000], ratios[n*975/1000-1]
}
