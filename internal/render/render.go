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

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
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
