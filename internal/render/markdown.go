package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Markdown writes the report as GitHub-flavoured Markdown.
func Markdown(w io.Writer, r *survival.Report, opts Options) error {
	fmt.Fprintf(w, "## AI code survival\n\n**%s**\n\n", MarkdownText(Headline(r)))
	fmt.Fprintf(w, "Added lines in %s, measured at `%s`: %s commits, %s with notes,%s %s inferred from commit metadata.\n",
		MarkdownText(describeRange(r)), provenance.ShortID(r.End), Count(r.Commits.Total), Count(r.Commits.WithNotes), gitAICommits(r), Count(r.Commits.Inferred))
	if m := MovesLine(r); m != "" {
		fmt.Fprintf(w, "%s\n", MarkdownText(m))
	}
	fmt.Fprintf(w, "\n%s.\n", MarkdownText(CoverageText(r)))
	for _, n := range notesWith(r, opts.Notes) {
		fmt.Fprintf(w, "\n> %s\n", MarkdownText(n))
	}
	fmt.Fprint(w, "\n| origin | added | surviving | survival |\n|---|---:|---:|---:|\n")
	for _, row := range originRows(r) {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", row.name, Count(row.rate.Added), Count(row.rate.Surviving), Percent(row.rate.SurvivalRate))
	}
	fmt.Fprintf(w, "\nAI share of surviving lines: **%s**\n", Percent(r.AIShare))
	if len(r.ByAgent) > 0 {
		fmt.Fprint(w, "\n### By agent\n\n| agent | added | surviving | survival |\n|---|---:|---:|---:|\n")
		for _, a := range r.ByAgent {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", MarkdownText(agentName(a)), Count(a.Added), Count(a.Surviving), Percent(a.SurvivalRate))
		}
	}
	mdBreakdown(w, "Top directories", "directory", topDirs(r, opts.top()))
	mdBreakdown(w, "Top authors", "author", topAuthors(r, opts.top()))
	lifetimesMarkdown(w, r)
	return nil
}

func mdBreakdown(w io.Writer, title, what string, rows []named) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### %s\n\n| %s |\n|---|---:|---:|---:|---:|---:|\n", title, strings.Join(breakdownHeader(what), " | "))
	for _, row := range rows {
		c := breakdownCells(row)
		c[0] = MarkdownText(c[0])
		fmt.Fprintf(w, "| %s |\n", strings.Join(c, " | "))
	}
}

// MarkdownText escapes text from the repository (paths, names, messages)
// for a Markdown line or table cell: no markup, no HTML, no line breaks.
func MarkdownText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]|<>~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
