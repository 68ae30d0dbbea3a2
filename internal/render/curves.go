package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

// The lifetimes, deaths and release sections of the text and Markdown
// formats; each says nothing when its part of the report was not computed.

// Days formats a duration in days: hours under a day, else days.
func Days(d float64) string {
	if d < 1 {
		return strconv.FormatFloat(d*24, 'f', 1, 64) + " h"
	}
	return strconv.FormatFloat(d, 'f', 1, 64) + " d"
}

func median(c *survival.Curve) string {
	if c.MedianDays == nil {
		return "not reached"
	}
	return Days(*c.MedianDays)
}

func halfLife(c *survival.Curve) string {
	if c.HalfLife == nil {
		return "–"
	}
	return fmt.Sprintf("%s (fit %s)", Days(c.HalfLife.Days), c.HalfLife.Fit)
}

// curveRow is one named curve of the lifetimes table.
type curveRow struct {
	name string
	c    *survival.Curve
}

func curveRows(lt *survival.Lifetimes) []curveRow {
	var rows []curveRow
	for _, r := range []curveRow{{"ai", lt.AI}, {"human", lt.Human}, {"unknown", lt.Unknown}} {
		if r.c != nil {
			rows = append(rows, r)
		}
	}
	for i := range lt.ByAgent {
		a := &lt.ByAgent[i]
		name := a.Agent
		if name == "" {
			name = "(unnamed agent)"
		}
		rows = append(rows, curveRow{"agent " + name, &a.Curve})
	}
	return rows
}

// span is the time axis every sparkline shares: the longest follow-up.
func span(lt *survival.Lifetimes) float64 {
	m := 0.0
	for _, r := range curveRows(lt) {
		m = max(m, r.c.FollowUpDays)
	}
	return m
}

// sparkline draws a curve as width cells from 0 to span days, blank past
// its follow-up.
func sparkline(c *survival.Curve, span float64, width int) string {
	const levels = "▁▂▃▄▅▆▇█"
	cells := []rune(levels)
	var b strings.Builder
	for i := 0; i < width; i++ {
		t := 0.0
		if width > 1 {
			t = span * float64(i) / float64(width-1)
		}
		s := c.At(t)
		if s == nil {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(cells[int(*s*float64(len(cells)-1)+0.5)])
	}
	return b.String()
}

func lifetimeCells(r curveRow, sp float64) []string {
	return []string{r.name, Count(r.c.Lines), Count(r.c.Deaths), Percent(r.c.Survival14d), Percent(r.c.Survival30d), Percent(r.c.Survival90d),
		median(r.c), halfLife(r.c), sparkline(r.c, sp, 16)}
}

var lifetimeHeader = []string{"curve", "lines", "died", "at 14 d", "at 30 d", "at 90 d", "median", "half-life", "curve"}

func lifetimesText(w io.Writer, r *survival.Report) {
	lt := r.Lifetimes
	if lt == nil {
		return
	}
	rows := curveRows(lt)
	if len(rows) == 0 {
		return
	}
	sp := span(lt)
	fmt.Fprintf(w, "\nLifetimes (Kaplan–Meier on %ss; the curve spans %s)\n", lt.Clock, Days(sp))
	var cells [][]string
	for _, row := range rows {
		cells = append(cells, lifetimeCells(row, sp))
	}
	table(w, lifetimeHeader, cells)
	fmt.Fprintln(w, churnLine(lt))
}

func churnLine(lt *survival.Lifetimes) string {
	churn := func(c *survival.Curve) string {
		if c == nil {
			return "–"
		}
		return Percent(c.Churn14d)
	}
	return fmt.Sprintf("Churn (lines gone within 14 days): ai %s, human %s.", churn(lt.AI), churn(lt.Human))
}

func deathRows(d *survival.Deaths) [][]string {
	var rows [][]string
	for _, o := range []struct {
		name string
		c    survival.DeathCounts
	}{{"ai", d.AI}, {"human", d.Human}, {"unknown", d.Unknown}} {
		if o.c.Deleted+o.c.Modified == 0 && (o.c.Moved == nil || *o.c.Moved == 0) {
			continue
		}
		moved := "–"
		if o.c.Moved != nil {
			moved = Count(*o.c.Moved)
		}
		rows = append(rows, []string{o.name, Count(o.c.Deleted), Count(o.c.Modified), moved,
			Count(o.c.ReplacedBy.AI), Count(o.c.ReplacedBy.Human), Count(o.c.ReplacedBy.Unknown)})
	}
	return rows
}

var deathHeader = []string{"origin", "deleted", "modified", "moved", "replaced by ai", "replaced by human", "replaced by unknown"}

const movedNote = "moved: lines found again elsewhere (--moves); they live on and are not deaths."

func deathsText(w io.Writer, r *survival.Report) {
	if r.Deaths == nil {
		return
	}
	rows := deathRows(r.Deaths)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nHow lines died (modified: replaced in place)")
	table(w, deathHeader, rows)
	if r.Deaths.Moves {
		fmt.Fprintln(w, "  "+movedNote)
	}
}

func releaseName(row survival.ReleaseRow) string {
	if row.Unreleased {
		return "unreleased"
	}
	return row.Tag
}

func releaseCells(row survival.ReleaseRow) []string {
	return []string{releaseName(row), Count(row.Commits),
		Count(row.AI.Added), Count(row.AI.Surviving), Count(row.Human.Added), Count(row.Human.Surviving),
		Count(row.Unknown.Added), Count(row.Unknown.Surviving), Percent(row.AIShare)}
}

var releaseHeader = []string{"release", "commits", "ai added", "ai at tag", "human added", "human at tag", "unknown added", "unknown at tag", "ai share"}

// ReleaseSentence is the headline of a release.
func ReleaseSentence(row survival.ReleaseRow) string {
	if row.AIShare == nil {
		return fmt.Sprintf("Nothing added in %s survives at its tag.", releaseName(row))
	}
	at := "at " + row.Tag
	if row.Unreleased {
		at = "now"
	}
	return fmt.Sprintf("Agents wrote %s of the code in %s (of its lines still there %s).", Percent(row.AIShare), releaseName(row), at)
}

func releasesText(w io.Writer, r *survival.Report) {
	rel := r.Releases
	if rel == nil {
		return
	}
	fmt.Fprintf(w, "\nReleases (tags %s in semantic-version order; lines added in each, still there at its tag)\n", rel.Pattern)
	if len(rel.Rows) == 0 {
		fmt.Fprintln(w, "  no tag matches in the measured history")
	} else {
		var cells [][]string
		for _, row := range rel.Rows {
			cells = append(cells, append(releaseCells(row), bar(row.AIShare, 10)))
		}
		table(w, append(append([]string{}, releaseHeader...), ""), cells)
		fmt.Fprintln(w, ReleaseSentence(lastRelease(rel)))
	}
	skipped(w, rel, "  ")
}

// lastRelease is the latest tagged release, else the unreleased row.
func lastRelease(rel *survival.Releases) survival.ReleaseRow {
	for i := len(rel.Rows) - 1; i >= 0; i-- {
		if !rel.Rows[i].Unreleased {
			return rel.Rows[i]
		}
	}
	return rel.Rows[len(rel.Rows)-1]
}

func skipped(w io.Writer, rel *survival.Releases, indent string) {
	if line := SkippedLine(rel); line != "" {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

// skippedNames is how many tags of each reason SkippedLine names.
const skippedNames = 3

// SkippedLine says in one short line which tags the release table left out
// and why, naming the first few of each reason ("" when none): "skipped 76
// tags: 75 not versions (latest, nightly, stable, …), 1 not in the measured
// history (v9.0.0)". The JSON report lists them all.
func SkippedLine(rel *survival.Releases) string {
	if len(rel.Skipped) == 0 {
		return ""
	}
	var reasons []string
	byReason := map[string][]string{}
	for _, s := range rel.Skipped {
		if _, ok := byReason[s.Reason]; !ok {
			reasons = append(reasons, s.Reason)
		}
		byReason[s.Reason] = append(byReason[s.Reason], s.Tag)
	}
	var parts []string
	for _, r := range reasons {
		names := byReason[r]
		shown := names[:min(len(names), skippedNames)]
		list := strings.Join(shown, ", ")
		if len(names) > len(shown) {
			list += ", …"
		}
		what := r
		if len(names) > 1 && r == survival.NotAVersion {
			what = "not versions"
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", len(names), what, list))
	}
	tags := "tags"
	if len(rel.Skipped) == 1 {
		tags = "tag"
	}
	return fmt.Sprintf("skipped %d %s: %s", len(rel.Skipped), tags, strings.Join(parts, "; "))
}

func lifetimesMarkdown(w io.Writer, r *survival.Report) {
	if lt := r.Lifetimes; lt != nil {
		if rows := curveRows(lt); len(rows) > 0 {
			sp := span(lt)
			fmt.Fprintf(w, "\n### Lifetimes\n\nKaplan–Meier survival on %ss; curves span %s. %s\n\n", lt.Clock, Days(sp), churnLine(lt))
			mdTable(w, lifetimeHeader, nil)
			for _, row := range rows {
				c := lifetimeCells(row, sp)
				c[0] = MarkdownText(c[0])
				c[len(c)-1] = strings.TrimRight(c[len(c)-1], " ")
				fmt.Fprintf(w, "| %s |\n", strings.Join(c, " | "))
			}
		}
	}
	if d := r.Deaths; d != nil {
		if rows := deathRows(d); len(rows) > 0 {
			fmt.Fprint(w, "\n### How lines died\n\nModified: replaced in place.")
			if d.Moves {
				fmt.Fprint(w, " "+MarkdownText(movedNote))
			}
			fmt.Fprint(w, "\n\n")
			mdTable(w, deathHeader, rows)
		}
	}
	if rel := r.Releases; rel != nil {
		fmt.Fprintf(w, "\n### Releases\n\nTags `%s` in semantic-version order: lines added in each release, still there at its tag.\n\n", strings.ReplaceAll(rel.Pattern, "`", "'"))
		if len(rel.Rows) > 0 {
			fmt.Fprintf(w, "**%s**\n\n", MarkdownText(ReleaseSentence(lastRelease(rel))))
			var rows [][]string
			for _, row := range rel.Rows {
				c := releaseCells(row)
				c[0] = MarkdownText(c[0])
				rows = append(rows, c)
			}
			mdTable(w, releaseHeader, rows)
		} else {
			fmt.Fprintln(w, "No tag matches in the measured history.")
		}
		if len(rel.Skipped) > 0 {
			var b strings.Builder
			skipped(&b, rel, "")
			fmt.Fprintf(w, "\n%s", MarkdownText(b.String()))
			fmt.Fprintln(w)
		}
	}
}

// mdTable writes a header (first column left, others right) and rows.
func mdTable(w io.Writer, header []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n|---|%s\n", strings.Join(header, " | "), strings.Repeat("---:|", len(header)-1))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}
