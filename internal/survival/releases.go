package survival

import (
	"cmp"
	"math/bits"
	"strconv"
	"strings"
)

// Tag is a release tag and the commit it names.
type Tag struct {
	Name   string `json:"tag"`
	Commit string `json:"commit"`
}

// Releases is the release table: for each tag (in version order),
// the lines born in the release (commits the tag contains and no earlier
// tag contains: prev..tag when every tag contains the one before) and how
// many of them are still there at the tag itself, by origin.
type Releases struct {
	Pattern string       `json:"pattern"`
	Rows    []ReleaseRow `json:"rows"`
	// Skipped are tags that matched but are not measured: not a version
	// (semantic, PEP 440 or calendar), or not in the walked history (not an ancestor of the end,
	// or older than the range's start).
	Skipped []SkippedTag `json:"skipped"`
}

// SkippedTag is a tag left out of the table and why.
type SkippedTag struct {
	Tag    string `json:"tag"`
	Reason string `json:"reason"`
}

// ReleaseRow is one release. Previous is the tag before ("" for the first
// one: all history up to it). Unreleased marks the last row, when there is
// one: lines of commits no tag contains, measured at the range's end.
type ReleaseRow struct {
	Tag        string `json:"tag"`
	Previous   string `json:"previous"`
	Commit     string `json:"commit"`
	Date       int64  `json:"date"`
	Commits    int    `json:"commits"`
	Unreleased bool   `json:"unreleased,omitempty"`
	Totals
	// AIShare is the share of the release's surviving lines (at its tag)
	// that agents wrote; nil when none survive.
	AIShare *float64 `json:"ai_share"`
}

// Semver is a parsed semantic version (a leading "v" and missing minor or
// patch numbers allowed: v2, v2.1).
type Semver struct {
	Major, Minor, Patch uint64
	Pre                 []string
}

// ParseSemver reads a tag name as a semantic version.
func ParseSemver(tag string) (Semver, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "v"), "V")
	s, _, _ = strings.Cut(s, "+") // build metadata does not order
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) == 0 || len(parts) > 3 {
		return Semver{}, false
	}
	var nums [3]uint64
	for i, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') {
			return Semver{}, false
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return Semver{}, false
		}
		nums[i] = n
	}
	v := Semver{Major: nums[0], Minor: nums[1], Patch: nums[2]}
	if hasPre {
		if pre == "" {
			return Semver{}, false
		}
		v.Pre = strings.Split(pre, ".")
	}
	return v, true
}

// CompareSemver orders versions by semantic-version precedence.
func CompareSemver(a, b Semver) int {
	if c := cmp.Or(cmp.Compare(a.Major, b.Major), cmp.Compare(a.Minor, b.Minor), cmp.Compare(a.Patch, b.Patch)); c != 0 {
		return c
	}
	switch {
	case len(a.Pre) == 0 && len(b.Pre) == 0:
		return 0
	case len(a.Pre) == 0:
		return 1
	case len(b.Pre) == 0:
		return -1
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		x, y := a.Pre[i], b.Pre[i]
		nx, ex := strconv.ParseUint(x, 10, 64)
		ny, ey := strconv.ParseUint(y, 10, 64)
		var c int
		switch {
		case ex == nil && ey == nil:
			c = cmp.Compare(nx, ny)
		case ex == nil:
			c = -1
		case ey == nil:
			c = 1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Pre), len(b.Pre))
}

// SortTags orders tags by version (semantic, PEP 440 or calendar; see
// Version), ties by name, and returns the ones that are not versions apart.
func SortTags(tags []Tag) (sorted []Tag, notVersions []Tag) {
	return sortVersions(tags)
}

// The reasons a tag is skipped.
const (
	NotAVersion   = "not a version"
	NotInMeasured = "not in the measured history"
)

// tagSet is a bit set over the measured tags.
type tagSet []uint64

func (s tagSet) has(k int) bool { return s[k/64]&(1<<(k%64)) != 0 }

// first is the lowest tag in s, or -1.
func (s tagSet) first() int {
	for w, x := range s {
		if x != 0 {
			return w*64 + bits.TrailingZeros64(x)
		}
	}
	return -1
}

// releases computes the table from the walk's commits and line fates.
// Containment is exact on any history: which tags contain each commit is
// propagated from children to parents over the walked commits, once for
// all tags (a bit set per commit). A line born in commit b belongs to the
// first tag containing b; it survives at that tag unless it died in a
// commit the tag contains. On branchy history the walk dates a death where
// the last branch holding the line lost it, so a line one branch deleted
// before a tag on that branch counts as alive until then.
func (f *fates) releases(pattern string, tags []Tag, end string) *Releases {
	rel := &Releases{Pattern: pattern, Rows: []ReleaseRow{}, Skipped: []SkippedTag{}}
	sorted, bad := SortTags(tags)
	for _, t := range bad {
		rel.Skipped = append(rel.Skipped, SkippedTag{Tag: t.Name, Reason: NotAVersion})
	}
	var measured []Tag
	var at []int32
	for _, t := range sorted {
		i, ok := f.byID[t.Commit]
		if !ok {
			rel.Skipped = append(rel.Skipped, SkippedTag{Tag: t.Name, Reason: NotInMeasured})
			continue
		}
		measured = append(measured, t)
		at = append(at, i)
	}
	words := (len(measured) + 63) / 64
	if words == 0 {
		words = 1
	}
	sets := make([]uint64, len(f.commits)*words)
	set := func(i int32) tagSet { return tagSet(sets[int(i)*words : int(i+1)*words]) }
	for k, i := range at {
		set(i)[k/64] |= 1 << (k % 64)
	}
	// The walk gives parents before children: children first is backwards.
	for i := len(f.commits) - 1; i >= 0; i-- {
		s := set(int32(i))
		for _, p := range f.commits[i].parents {
			ps := set(p)
			for w := range ps {
				ps[w] |= s[w]
			}
		}
	}
	rows := make([]ReleaseRow, len(measured)+1)
	prev := ""
	for k, t := range measured {
		rows[k] = ReleaseRow{Tag: t.Name, Previous: prev, Commit: t.Commit, Date: f.commits[at[k]].time}
		prev = t.Name
	}
	unreleased := &rows[len(measured)]
	*unreleased = ReleaseRow{Tag: "", Previous: prev, Commit: end, Date: f.endTime(end), Unreleased: true}
	for i := range f.commits {
		k := set(int32(i)).first()
		if k < 0 {
			k = len(measured)
		}
		rows[k].Commits++
	}
	for key, n := range f.lines {
		if n == 0 {
			continue
		}
		k := set(key.born).first()
		if k < 0 {
			k = len(measured)
		}
		r := rows[k].of(f.cohorts[key.cohort].origin)
		r.Added += n
		alive := key.died < 0 || (k < len(measured) && !set(key.died).has(k))
		if alive {
			r.Surviving += n
		} else {
			r.Deleted += n
		}
	}
	for k := range rows {
		r := &rows[k]
		r.Totals.finish()
		r.AIShare = ratio(r.AI.Surviving, r.AI.Surviving+r.Human.Surviving+r.Unknown.Surviving)
		if k < len(measured) || r.AI.Added+r.Human.Added+r.Unknown.Added > 0 {
			rel.Rows = append(rel.Rows, *r)
		}
	}
	return rel
}
