// Package commitfilter is what report --since, --until and --author keep:
// the commits whose lines are counted. Which commit a line belongs to is
// the walk's business and does not change.
package commitfilter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// Filter keeps the commits committed within its dates by an author that
// matches one of its expressions.
type Filter struct {
	since, until time.Time // zero: no bound
	authors      []*regexp.Regexp
	desc         []string
	json         survival.Filters
}

// New reads the flags (dates as ParseDate reads them, authors as Go
// regular expressions matched against "Name <email>"); nil when none is
// given. Errors name the flag and the fix.
func New(since, until string, authors []string, now time.Time) (*Filter, error) {
	if since == "" && until == "" && len(authors) == 0 {
		return nil, nil
	}
	f := &Filter{}
	var err error
	if since != "" {
		if f.since, err = ParseDate(since, now, false); err != nil {
			return nil, fmt.Errorf("invalid --since %q: %v", since, err)
		}
		f.desc = append(f.desc, "committed since "+f.since.Format("2006-01-02 15:04:05 -0700"))
		f.json.Since = f.since.Format(time.RFC3339)
	}
	if until != "" {
		if f.until, err = ParseDate(until, now, true); err != nil {
			return nil, fmt.Errorf("invalid --until %q: %v", until, err)
		}
		f.desc = append(f.desc, "committed until "+f.until.Format("2006-01-02 15:04:05 -0700"))
		f.json.Until = f.until.Format(time.RFC3339)
	}
	for _, a := range authors {
		re, err := regexp.Compile(a)
		if err != nil {
			return nil, fmt.Errorf("invalid --author %q: %v (a Go regular expression, matched against \"Name <email>\")", a, err)
		}
		f.authors = append(f.authors, re)
	}
	if len(authors) > 0 {
		f.json.Authors = authors
		f.desc = append(f.desc, "by an author matching "+strings.Join(quoteAll(authors), " or "))
	}
	if !f.since.IsZero() && !f.until.IsZero() && f.until.Before(f.since) {
		return nil, fmt.Errorf("--until %s is before --since %s: no commit can match", until, since)
	}
	return f, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// Keep says whether the lines of c are counted.
func (f *Filter) Keep(c *linemap.Commit) bool {
	if c == nil {
		return false
	}
	if !f.since.IsZero() && c.CommitTime.Before(f.since) {
		return false
	}
	if !f.until.IsZero() && c.CommitTime.After(f.until) {
		return false
	}
	if len(f.authors) == 0 {
		return true
	}
	for _, re := range f.authors {
		if re.MatchString(c.Author) {
			return true
		}
	}
	return false
}

// Note says what the figures count.
func (f *Filter) Note() string {
	return "counting only the lines of commits " + strings.Join(f.desc, ", ") + "; lines keep the commit that added them"
}

// JSON is the filter as the JSON report states it.
func (f *Filter) JSON() *survival.Filters {
	j := f.json
	return &j
}

// Counts is the filter as measure takes it (nil: count everything).
func (f *Filter) Counts() func(*linemap.Commit) bool {
	if f == nil {
		return nil
	}
	return f.Keep
}

var agoRE = sync.OnceValue(func() *regexp.Regexp { // compiled on first use, not at every start
	return regexp.MustCompile(`^(\d+)\s*\.?\s*(second|minute|hour|day|week|month|year)s?\s+ago$`)
})

// ParseDate reads a date of --since/--until: 2024-01-31 (the start of that
// day in local time, or its end for --until), 2024-01-31 12:00[:00],
// RFC 3339 (2024-01-31T12:00:00Z), @<unix seconds>, now, today,
// yesterday, or "<n> <unit>s ago" (second, minute, hour, day, week, month,
// year).
func ParseDate(s string, now time.Time, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
		if endOfDay {
			return start.AddDate(0, 0, 1).Add(-time.Second)
		}
		return start
	}
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "today":
		return day(now), nil
	case "yesterday":
		return day(now.AddDate(0, 0, -1)), nil
	}
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		if err == nil {
			return time.Unix(n, 0), nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, now.Location()); err == nil {
		return day(t), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	if m := agoRE().FindStringSubmatch(strings.ToLower(s)); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "second":
			return now.Add(-time.Duration(n) * time.Second), nil
		case "minute":
			return now.Add(-time.Duration(n) * time.Minute), nil
		case "hour":
			return now.Add(-time.Duration(n) * time.Hour), nil
		case "day":
			return now.AddDate(0, 0, -n), nil
		case "week":
			return now.AddDate(0, 0, -7*n), nil
		case "month":
			return now.AddDate(0, -n, 0), nil
		case "year":
			return now.AddDate(-n, 0, 0), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: use 2024-01-31, \"2024-01-31 12:00\", 2024-01-31T12:00:00Z, @<unix seconds>, yesterday or \"2 weeks ago\"")
}
