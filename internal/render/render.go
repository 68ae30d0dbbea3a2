// Package render prints survival figures: text for terminals, Markdown
// for pull requests and job summaries, JSON for scripts. Every format
// renders the same survival.Report; nothing here computes figures or
// talks to git.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
)

// Options tune the human formats.
type Options struct {
	// Top is how many directories and authors to list (default 10).
	Top int
	// Notes are lines of context shown under the headline (e.g. that
	// figures come from commit evidence only).
	Notes []string
	// Width, when not 0, is the width of the terminal the text report is
	// for: the directory and author tables shorten their names to fit
	// (other formats, and JSON above all, keep them whole).
	Width int
}

func (o Options) top() int {
	if o.Top <= 0 {
		return 10
	}
	return o.Top
}

// JSON writes the report as indented JSON.
func JSON(w io.Writer, r *survival.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Percent formats a rate as "71.3%", or "–" when there is none.
func Percent(rate *float64) string {
	if rate == nil {
		return "–"
	}
	return strconv.FormatFloat(*rate*100, 'f', 1, 64) + "%"
}

// Count formats an integer with thousands separators.
func Count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + Count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Headline is the one-sentence summary both human formats open with.
func Headline(r *survival.Report) string {
	ai := r.Totals.AI
	if ai.Added == 0 {
		return fmt.Sprintf("No AI-written lines in %s.", describeRange(r))
	}
	human := ""
	if r.Totals.Human.Added > 0 {
		human = fmt.Sprintf("; %s of human-written lines", Percent(r.Totals.Human.SurvivalRate))
	}
	return fmt.Sprintf("%s of AI-written lines survive (%s of %s)%s. Agents wrote %s of the lines that survive.",
		Percent(ai.SurvivalRate), Count(ai.Surviving), Count(ai.Added), human, Percent(r.AIShare))
}

func describeRange(r *survival.Report) string {
	if r.Range == "" || r.Range == "HEAD" {
		return "all history of HEAD"
	}
	return r.Range
}

// MovesLine says how moved and copied lines were traced; "" when they
// were not.
func MovesLine(r *survival.Report) string {
	if r.Moves == nil {
		return ""
	}
	return fmt.Sprintf("Moved and copied lines traced as git blame -M%d -C%d -C traces them.", r.Moves.Within, r.Moves.Across)
}

func agentName(a survival.AgentRow) string {
	name := a.Agent
	if name == "" {
		name = "(unnamed agent)"
	}
	if a.Model != "" {
		name += " (" + a.Model + ")"
	}
	// Agent and model names come from notes anyone can push.
	return term.Line(name)
}

// bar draws rate as a bar of width cells.
func bar(rate *float64, width int) string {
	if rate == nil {
		return ""
	}
	full := int(*rate*float64(width) + 0.5)
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}

// rows of the origin table, in report order.
func originRows(r *survival.Report) []struct {
	name string
	rate survival.Rate
} {
	return []struct {
		name string
		rate survival.Rate
	}{{"ai", r.Totals.AI}, {"human", r.Totals.Human}, {"unknown", r.Totals.Unknown}}
}

// CoverageText says how much of the added lines rests on what, e.g.
// "Provenance of the 120 added lines: 100 (83.3%) line by line (notes),
// 15 (12.5%) from commit-level evidence, 5 (4.2%) with none".
func CoverageText(r *survival.Report) string {
	c := r.Coverage
	total := c.Total()
	part := func(n int) string {
		if total == 0 {
			return Count(n)
		}
		v := float64(n) / float64(total)
		return Count(n) + " (" + Percent(&v) + ")"
	}
	return fmt.Sprintf("Provenance of the %s added lines: %s line by line (notes, git-ai notes), %s from commit-level evidence, %s with none",
		Count(total), part(c.LineLevel), part(c.CommitLevel), part(c.None))
}

// UnknownAsText says that lines with no evidence count as human, when
// they do ("" otherwise).
func UnknownAsText(r *survival.Report) string {
	if r.UnknownAs != "human" {
		return ""
	}
	s := "lines with no evidence count as human (--unknown-as human or unknown: human in the configuration)"
	if r.UnknownAsBefore != "" {
		s = "lines with no evidence from before " + r.UnknownAsBefore + " count as human (unknown.since in the configuration); later ones stay unknown"
	}
	return s
}

// notesWith adds the report's own remarks to the caller's notes.
func notesWith(r *survival.Report, notes []string) []string {
	if s := UnknownAsText(r); s != "" {
		notes = append([]string{s}, notes...)
	}
	return notes
}

// gitAICommits is " N with git-ai notes," when git-ai's notes tag some
// commits, else "".
func gitAICommits(r *survival.Report) string {
	if r.Commits.GitAI == 0 {
		return ""
	}
	return " " + Count(r.Commits.GitAI) + " with git-ai notes,"
}
