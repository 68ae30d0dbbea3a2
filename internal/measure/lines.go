package measure

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// SelectLines keeps the lines of ranges (-L, as ParseLineRange reads them;
// in the order given, as git does) and, with aiOnly, the AI lines among
// them.
func SelectLines(lines []BlameLine, ranges []string, aiOnly bool) ([]BlameLine, error) {
	if len(ranges) > 0 {
		var out []BlameLine
		seen := map[int]bool{}
		total := 0
		if len(lines) > 0 {
			total = lines[len(lines)-1].Line
		}
		for _, raw := range ranges {
			r, err := ParseLineRange(raw, total)
			if err != nil {
				return nil, err
			}
			for _, l := range lines {
				if l.Line >= r.Start && l.Line <= r.End && !seen[l.Line] {
					seen[l.Line] = true
					out = append(out, l)
				}
			}
		}
		lines = out
	}
	if aiOnly {
		out := lines[:0:0]
		for _, l := range lines {
			if l.Origin == provenance.AI {
				out = append(out, l)
			}
		}
		lines = out
	}
	return lines, nil
}

// LineRange is a range of line numbers, both ends included.
type LineRange struct{ Start, End int }

// ParseLineRange reads -L as git blame does: "<start>,<end>",
// "<start>,+<count>", "<start>,-<count>" (count lines ending at start),
// "<start>" or "<start>," (to the end), ",<end>" (from the first line).
// With total 0 only the syntax is checked.
func ParseLineRange(s string, total int) (LineRange, error) {
	bad := func(why string) (LineRange, error) {
		return LineRange{}, fmt.Errorf("invalid -L %q: %s (use <start>,<end> as git blame -L does, e.g. -L 10,20)", s, why)
	}
	num := func(v string) (int, bool) {
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 0
	}
	a, b, hasComma := strings.Cut(s, ",")
	r := LineRange{Start: 1, End: total}
	if a != "" {
		n, ok := num(a)
		if !ok || n < 1 {
			return bad("the start must be a line number from 1")
		}
		r.Start = n
	} else if !hasComma || b == "" {
		return bad("no line numbers")
	}
	switch {
	case b == "":
	case strings.HasPrefix(b, "+"):
		n, ok := num(b[1:])
		if !ok || n < 1 {
			return bad("the count must be at least 1")
		}
		r.End = r.Start + n - 1
	case strings.HasPrefix(b, "-"):
		n, ok := num(b[1:])
		if !ok || n < 1 {
			return bad("the count must be at least 1")
		}
		r.End, r.Start = r.Start, max(1, r.Start-n+1)
	default:
		n, ok := num(b)
		if !ok || n < 1 {
			return bad("the end must be a line number from 1")
		}
		r.End = n
		if r.End < r.Start {
			r.Start, r.End = r.End, r.Start // git accepts them reversed
		}
	}
	if total == 0 {
		return r, nil
	}
	if r.Start > total {
		return LineRange{}, fmt.Errorf("invalid -L %q: the file has only %d lines", s, total)
	}
	r.End = min(r.End, total)
	return r, nil
}
