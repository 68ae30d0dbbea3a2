package provenance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Range is an inclusive run of 1-based line numbers.
type Range struct {
	Start, End int
}

// Len is the number of lines in the range.
func (r Range) Len() int { return r.End - r.Start + 1 }

// LineSet is a set of 1-based line numbers kept as sorted, disjoint,
// non-adjacent ranges. The zero value is an empty set.
type LineSet struct {
	ranges []Range
}

// NewLineSet returns the set holding the given ranges.
func NewLineSet(rs ...Range) LineSet {
	var s LineSet
	for _, r := range rs {
		s.Add(r.Start, r.End)
	}
	return s
}

// Ranges returns the normalised ranges; callers must not modify them.
func (s LineSet) Ranges() []Range { return s.ranges }

// Empty reports whether the set has no lines.
func (s LineSet) Empty() bool { return len(s.ranges) == 0 }

// Len is the number of lines in the set.
func (s LineSet) Len() int {
	n := 0
	for _, r := range s.ranges {
		n += r.Len()
	}
	return n
}

// Add puts lines start..end (inclusive) into the set. Empty or invalid
// ranges (end < start, start < 1) are ignored.
func (s *LineSet) Add(start, end int) {
	if start < 1 || end < start {
		return
	}
	n := len(s.ranges)
	// Fast path: appending in order, as diffs produce them.
	if n == 0 || start > s.ranges[n-1].End+1 {
		s.ranges = append(s.ranges, Range{start, end})
		return
	}
	if start >= s.ranges[n-1].Start {
		if end > s.ranges[n-1].End {
			s.ranges[n-1].End = end
		}
		return
	}
	s.ranges = append(s.ranges, Range{start, end})
	s.normalise()
}

// AddSet puts every line of o into s.
func (s *LineSet) AddSet(o LineSet) {
	for _, r := range o.ranges {
		s.Add(r.Start, r.End)
	}
}

func (s *LineSet) normalise() {
	sort.Slice(s.ranges, func(i, j int) bool { return s.ranges[i].Start < s.ranges[j].Start })
	out := s.ranges[:0]
	for _, r := range s.ranges {
		if k := len(out) - 1; k >= 0 && r.Start <= out[k].End+1 {
			if r.End > out[k].End {
				out[k].End = r.End
			}
			continue
		}
		out = append(out, r)
	}
	s.ranges = out
}

// Contains reports whether line n is in the set.
func (s LineSet) Contains(n int) bool {
	i := sort.Search(len(s.ranges), func(i int) bool { return s.ranges[i].End >= n })
	return i < len(s.ranges) && s.ranges[i].Start <= n
}

// Intersect returns the lines in both s and o.
func (s LineSet) Intersect(o LineSet) LineSet {
	var out LineSet
	i, j := 0, 0
	for i < len(s.ranges) && j < len(o.ranges) {
		a, b := s.ranges[i], o.ranges[j]
		lo, hi := max(a.Start, b.Start), min(a.End, b.End)
		if lo <= hi {
			out.Add(lo, hi)
		}
		if a.End < b.End {
			i++
		} else {
			j++
		}
	}
	return out
}

// Subtract returns the lines of s that are not in o.
func (s LineSet) Subtract(o LineSet) LineSet {
	var out LineSet
	j := 0
	for _, r := range s.ranges {
		start := r.Start
		for j < len(o.ranges) && o.ranges[j].End < start {
			j++
		}
		k := j
		for k < len(o.ranges) && o.ranges[k].Start <= r.End {
			if o.ranges[k].Start > start {
				out.Add(start, o.ranges[k].Start-1)
			}
			start = max(start, o.ranges[k].End+1)
			k++
		}
		if start <= r.End {
			out.Add(start, r.End)
		}
	}
	return out
}

// String formats the set as "1-10,15,20-22"; the empty set is "".
func (s LineSet) String() string {
	var b strings.Builder
	for i, r := range s.ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(r.Start))
		if r.End != r.Start {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(r.End))
		}
	}
	return b.String()
}

// ParseLineSet reads the form written by String. Ranges may come in any
// order and may overlap; the result is normalised.
func ParseLineSet(text string) (LineSet, error) {
	var s LineSet
	if text == "" {
		return s, nil
	}
	for _, part := range strings.Split(text, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		start, err := parseLineNumber(lo)
		if err != nil {
			return LineSet{}, fmt.Errorf("line range %q: %w", part, err)
		}
		end := start
		if isRange {
			if end, err = parseLineNumber(hi); err != nil {
				return LineSet{}, fmt.Errorf("line range %q: %w", part, err)
			}
		}
		if end < start {
			return LineSet{}, fmt.Errorf("line range %q ends before it starts", part)
		}
		s.Add(start, end)
	}
	return s, nil
}

// maxLine bounds the line numbers a note may name: far beyond any file,
// and far enough below the largest int that range arithmetic (End+1)
// cannot overflow.
const maxLine = 1 << 40

func parseLineNumber(text string) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > maxLine {
		return 0, fmt.Errorf("%q is not a line number", text)
	}
	return n, nil
}

// MarshalText encodes the set in its string form (for JSON).
func (s LineSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes the string form.
func (s *LineSet) UnmarshalText(b []byte) error {
	v, err := ParseLineSet(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// IsZero reports whether the set is empty (for JSON omitzero).
func (s LineSet) IsZero() bool { return s.Empty() }
