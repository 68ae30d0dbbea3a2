package ci

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// DefaultTagPattern selects release tags.
const DefaultTagPattern = "v*"

// ReleaseScope is the last release: from the second newest to the newest
// tag matching pattern that is reachable from head, in semantic-version
// order; with one such tag, all history up to it. ok is false (with the
// reason) when there is none.
func ReleaseScope(ctx context.Context, repo *gitx.Repo, head, pattern string) (Scope, string, bool) {
	if pattern == "" {
		pattern = DefaultTagPattern
	}
	out, err := repo.Output(ctx, "tag", "--list", "--merged", head, "--end-of-options", pattern)
	if err != nil {
		return Scope{}, fmt.Sprintf("release tags not read: %v", err), false
	}
	tags := SortVersions(strings.Fields(string(out)))
	switch len(tags) {
	case 0:
		return Scope{}, fmt.Sprintf("no release tag matching %q is reachable from %s: the last release is not measured (--release-tags sets the pattern)", pattern, describeRev(head)), false
	case 1:
		return Scope{ID: "release", Title: "Release " + tags[0] + " (the first)", Range: "refs/tags/" + tags[0], End: "refs/tags/" + tags[0]}, "", true
	}
	return Scope{ID: "release", Title: fmt.Sprintf("Release %s (since %s)", tags[0], tags[1]),
		Range: "refs/tags/" + tags[1] + "..refs/tags/" + tags[0], End: "refs/tags/" + tags[0]}, "", true
}

func describeRev(rev string) string {
	if isHex(rev) {
		return provenance.ShortID(rev)
	}
	return rev
}

// SortVersions keeps the names that carry a version (the first run of
// digits and what follows: v1.2.3, release-2.0, v2.0.0-rc.1) and sorts
// them newest first in semantic-version order: numeric parts compared as
// numbers, a pre-release before its release.
func SortVersions(names []string) []string {
	type tv struct {
		name string
		v    version
	}
	var vs []tv
	for _, n := range names {
		if v, ok := parseVersion(n); ok {
			vs = append(vs, tv{n, v})
		}
	}
	slices.SortStableFunc(vs, func(a, b tv) int {
		if c := compareVersions(b.v, a.v); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.name
	}
	return out
}

type version struct {
	nums []int
	pre  []string // nil: a release
}

func parseVersion(name string) (version, bool) {
	i := strings.IndexAny(name, "0123456789")
	if i < 0 {
		return version{}, false
	}
	s := name[i:]
	s, _, _ = strings.Cut(s, "+") // build metadata does not order
	core, pre, hasPre := strings.Cut(s, "-")
	var v version
	for _, part := range strings.Split(core, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return version{}, false
		}
		v.nums = append(v.nums, n)
	}
	if hasPre {
		v.pre = strings.Split(pre, ".")
	}
	return v, true
}

// compareVersions is semver's precedence: -1, 0 or 1.
func compareVersions(a, b version) int {
	for i := 0; i < max(len(a.nums), len(b.nums)); i++ {
		var x, y int
		if i < len(a.nums) {
			x = a.nums[i]
		}
		if i < len(b.nums) {
			y = b.nums[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case a.pre == nil && b.pre == nil:
		return 0
	case a.pre == nil:
		return 1
	case b.pre == nil:
		return -1
	}
	for i := 0; i < min(len(a.pre), len(b.pre)); i++ {
		x, y := a.pre[i], b.pre[i]
		xn, xerr := strconv.Atoi(x)
		yn, yerr := strconv.Atoi(y)
		switch {
		case xerr == nil && yerr == nil:
			if xn != yn {
				if xn < yn {
					return -1
				}
				return 1
			}
		case xerr == nil:
			return -1 // numeric identifiers sort before alphanumeric ones
		case yerr == nil:
			return 1
		default:
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
		}
	}
	switch {
	case len(a.pre) < len(b.pre):
		return -1
	case len(a.pre) > len(b.pre):
		return 1
	}
	return 0
}
