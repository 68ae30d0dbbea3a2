package survival

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Version is a release tag read as a version: a semantic version
// (v1.2.3-rc.1), a PEP 440 version (1.2.3rc1, v0.54.13.dev, 2!1.0.post2)
// or a calendar version (2024.01.15, 24.04, 2024-01-15). All three order
// together: by epoch, then release numbers (missing ones are 0), then
// development releases before pre-releases before the release before its
// post-releases, as PEP 440 orders them.
type Version struct {
	Epoch   uint64
	Release []uint64
	// Pre is the pre-release: kind a, b, rc, or "" with Tail holding
	// identifiers of another kind (semver's -SNAPSHOT); none when !HasPre.
	HasPre bool
	Pre    string
	PreN   uint64
	Tail   []string
	// Post and Dev are the post- and development release numbers.
	HasPost, HasDev bool
	Post, Dev       uint64
}

var pep440 = sync.OnceValue(func() *regexp.Regexp {
	// PEP 440's appendix regular expression, with leading "v" allowed.
	return regexp.MustCompile(`(?i)^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)` +
		`(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?([0-9]+)?)?` +
		`(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?` +
		`(?:[-_.]?(dev)[-_.]?([0-9]+)?)?` +
		`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$`)
})

var calendar = sync.OnceValue(func() *regexp.Regexp {
	// Dates with dashes: 2024-01-15, 2024-01 (PEP 440 would read -01 as a
	// post-release).
	return regexp.MustCompile(`^v?([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?$`)
})

var semverPre = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(a|alpha|b|beta|c|rc|pre|preview|dev)[-_]?([0-9]*)$`)
})

// ParseVersion reads a tag name as a version; ok is false when it is none
// of the forms Version describes.
func ParseVersion(tag string) (Version, bool) {
	if m := calendar().FindStringSubmatch(tag); m != nil {
		var v Version
		for _, p := range m[1:] {
			if p != "" {
				n, _ := strconv.ParseUint(p, 10, 64)
				v.Release = append(v.Release, n)
			}
		}
		return v, true
	}
	if sv, ok := ParseSemver(tag); ok {
		v := Version{Release: []uint64{sv.Major, sv.Minor, sv.Patch}}
		if len(sv.Pre) > 0 {
			v.fromSemverPre(sv.Pre)
		}
		return v, true
	}
	m := pep440().FindStringSubmatch(tag)
	if m == nil {
		return Version{}, false
	}
	num := func(s string) (uint64, bool) {
		if s == "" {
			return 0, true
		}
		n, err := strconv.ParseUint(s, 10, 64)
		return n, err == nil
	}
	var v Version
	var ok bool
	if v.Epoch, ok = num(m[1]); !ok {
		return Version{}, false
	}
	for _, p := range strings.Split(m[2], ".") {
		n, ok := num(p)
		if !ok {
			return Version{}, false
		}
		v.Release = append(v.Release, n)
	}
	if m[3] != "" {
		v.HasPre, v.Pre = true, preKind(m[3])
		if v.PreN, ok = num(m[4]); !ok {
			return Version{}, false
		}
	}
	switch {
	case m[5] != "":
		v.HasPost = true
		v.Post, ok = num(m[5])
	case m[6] != "":
		v.HasPost = true
		v.Post, ok = num(m[7])
	}
	if !ok {
		return Version{}, false
	}
	if m[8] != "" {
		v.HasDev = true
		if v.Dev, ok = num(m[9]); !ok {
			return Version{}, false
		}
	}
	return v, true
}

// preKind normalises PEP 440's spellings of a pre-release kind.
func preKind(s string) string {
	switch strings.ToLower(s) {
	case "a", "alpha":
		return "a"
	case "b", "beta":
		return "b"
	}
	return "rc" // c, rc, pre, preview
}

// fromSemverPre reads semver pre-release identifiers: alpha.1, beta2,
// rc.3, dev1 in PEP 440's terms where they say one of its kinds, a lone
// number as a post-release (as PEP 440 reads 1.0-2), else as a pre-release
// below alpha ordered by semver's rules.
func (v *Version) fromSemverPre(ids []string) {
	if len(ids) == 1 {
		if n, err := strconv.ParseUint(ids[0], 10, 64); err == nil {
			// 1.2.3-2: a package revision, after 1.2.3 (PEP 440's
			// post-release spelling), not before it.
			v.HasPost, v.Post = true, n
			return
		}
	}
	m := semverPre().FindStringSubmatch(ids[0])
	n := uint64(0)
	rest := ids[1:]
	if m != nil {
		if m[2] != "" {
			n, _ = strconv.ParseUint(m[2], 10, 64)
		} else if len(rest) > 0 {
			if x, err := strconv.ParseUint(rest[0], 10, 64); err == nil {
				n, rest = x, rest[1:]
			}
		}
	}
	switch {
	case m != nil && strings.EqualFold(m[1], "dev"):
		v.HasDev, v.Dev, v.Tail = true, n, rest
	case m != nil:
		v.HasPre, v.Pre, v.PreN, v.Tail = true, preKind(m[1]), n, rest
	default:
		v.HasPre, v.Tail = true, ids
	}
}

var preRank = map[string]int{"": 0, "a": 1, "b": 2, "rc": 3}

// CompareVersions orders versions as PEP 440 does (semantic versions'
// other pre-release identifiers by semver's rules).
func CompareVersions(a, b Version) int {
	if c := cmp.Compare(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	for i := 0; i < max(len(a.Release), len(b.Release)); i++ {
		var x, y uint64
		if i < len(a.Release) {
			x = a.Release[i]
		}
		if i < len(b.Release) {
			y = b.Release[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	// Pre-release: a development release of the release itself sorts
	// before every pre-release; no pre-release after them all.
	pre := func(v Version) int {
		switch {
		case v.HasPre:
			return 1
		case v.HasDev && !v.HasPost:
			return 0
		}
		return 2
	}
	if c := cmp.Compare(pre(a), pre(b)); c != 0 {
		return c
	}
	if a.HasPre {
		if c := cmp.Or(cmp.Compare(preRank[a.Pre], preRank[b.Pre]), cmp.Compare(a.PreN, b.PreN)); c != 0 {
			return c
		}
	}
	post := func(v Version) int64 {
		if !v.HasPost {
			return -1
		}
		return int64(min(v.Post, 1<<62))
	}
	if c := cmp.Compare(post(a), post(b)); c != 0 {
		return c
	}
	dev := func(v Version) uint64 {
		if !v.HasDev {
			return ^uint64(0)
		}
		return v.Dev
	}
	if c := cmp.Compare(dev(a), dev(b)); c != 0 {
		return c
	}
	switch {
	case len(a.Tail) == 0 && len(b.Tail) == 0:
		return 0
	case len(a.Tail) == 0:
		return 1
	case len(b.Tail) == 0:
		return -1
	}
	return CompareSemver(Semver{Pre: a.Tail}, Semver{Pre: b.Tail})
}

// sortVersions orders tags by version (ties by name) and returns the ones
// that are not versions apart.
func sortVersions(tags []Tag) (sorted []Tag, notVersions []Tag) {
	type tv struct {
		t Tag
		v Version
	}
	var vs []tv
	for _, t := range tags {
		if v, ok := ParseVersion(t.Name); ok {
			vs = append(vs, tv{t, v})
		} else {
			notVersions = append(notVersions, t)
		}
	}
	slices.SortStableFunc(vs, func(a, b tv) int {
		return cmp.Or(CompareVersions(a.v, b.v), cmp.Compare(a.t.Name, b.t.Name))
	})
	for _, x := range vs {
		sorted = append(sorted, x.t)
	}
	return sorted, notVersions
}
