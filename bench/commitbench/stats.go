package main

import (
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
