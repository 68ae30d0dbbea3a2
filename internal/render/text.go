package render

import (
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Text writes the report for a terminal or a log.
func Text(w io.Writer, r *survival.Report, opts Options) error {
	fmt.Fprintf(w, "Survival of added lines in %s, measured at %s (%s commits: %s with notes,%s %s inferred from commit metadata)\n",
		describeRange(r), provenance.ShortID(r.End), Count(r.Commits.Total), Count(r.Commits.WithNotes), gitAICommits(r), Count(r.Commits.Inferred))
	if m := MovesLine(r); m != "" {
		fmt.Fprintln(w, m)
	}
	fmt.Fprintf(w, "%s\n", CoverageText(r))
	for _, n := range notesWith(r, opts.Notes) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "\n%s\n\n", Headline(r))
	var rows [][]string
	for _, row := range originRows(r) {
		rows = append(rows, []string{row.name, Count(row.rate.Added), Count(row.rate.Surviving), Percent(row.rate.SurvivalRate), bar(row.rate.SurvivalRate, 20)})
	}
	table(w, []string{"origin", "added", "surviving", "survival", ""}, rows)
	fmt.Fprintf(w, "\nAI share of surviving lines: %s\n", Percent(r.AIShare))
	if len(r.ByAgent) > 0 {
		fmt.Fprintln(w, "\nBy agent")
		rows = nil
		for _, a := range r.ByAgent {
			rows = append(rows, []string{agentName(a), Count(a.Added), Count(a.Surviving), Percent(a.SurvivalRate)})
		}
		table(w, []string{"agent", "added", "surviving", "survival"}, rows)
	}
	breakdown(w, "Top directories", "directory", topDirs(r, opts.top()), opts.Width)
	breakdown(w, "Top authors", "author", topAuthors(r, opts.top()), opts.Width)
	lifetimesText(w, r)
	deathsText(w, r)
	releasesText(w, r)
	return nil
}

type named struct {
	name string
	t    survival.Totals
}

func topDirs(r *survival.Report, n int) []named {
	var all []named
	for _, d := range r.ByDirectory {
		all = append(all, named{d.Directory, d.Totals})
	}
	return top(all, n)
}

func topAuthors(r *survival.Report, n int) []named {
	var all []named
	for _, a := range r.ByAuthor {
		all = append(all, named{a.Author, a.Totals})
	}
	return top(all, n)
}

// top keeps the n rows with the most added lines (ties by name).
func top(rows []named, n int) []named {
	total := func(t survival.Totals) int { return t.AI.Added + t.Human.Added + t.Unknown.Added }
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := total(rows[i].t), total(rows[j].t); a != b {
			return a > b
		}
		return rows[i].name < rows[j].name
	})
	if len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

func breakdown(w io.Writer, title, what string, rows []named, width int) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	var cells [][]string
	for _, row := range rows {
		cells = append(cells, breakdownCells(row))
	}
	table(w, breakdownHeader(what), fitFirst(breakdownHeader(what), cells, width))
}

// minName is the fewest characters fitFirst leaves of a name.
const minName = 10

// fitFirst shortens the first cell of each row (with "…") so that the
// table is at most width columns wide, as table lays it out; width 0
// leaves the rows as they are.
func fitFirst(header []string, rows [][]string, width int) [][]string {
	if width <= 0 {
		return rows
	}
	rest := 2 // the indent
	for i := 1; i < len(header); i++ {
		w := utf8.RuneCountInString(header[i])
		for _, r := range rows {
			w = max(w, utf8.RuneCountInString(r[i]))
		}
		rest += 2 + w
	}
	room := max(minName, utf8.RuneCountInString(header[0]), width-rest)
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string{}, r...)
		if name := []rune(r[0]); len(name) > room {
			out[i][0] = string(name[:room-1]) + "…"
		}
	}
	return out
}

func breakdownHeader(what string) []string {
	return []string{what, "ai added", "ai survival", "human added", "human survival", "unknown added"}
}

func breakdownCells(row named) []string {
	return []string{row.name, Count(row.t.AI.Added), Percent(row.t.AI.SurvivalRate), Count(row.t.Human.Added), Percent(row.t.Human.SurvivalRate), Count(row.t.Unknown.Added)}
}
