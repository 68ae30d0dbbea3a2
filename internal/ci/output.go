package ci

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/render"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

// SummaryLimit is what one step may write to $GITHUB_STEP_SUMMARY (GitHub
// refuses more than 1 MiB per step).
const SummaryLimit = 1 << 20

// EvidenceOnlyNote labels figures no note backs.
const EvidenceOnlyNote = "no commit in this range has a provenance note: figures come from commit evidence only (trailers, agent markers, rules); run 'git ai-survival install' and push the notes to tag new commits line by line"

// Summary is what the Markdown summary shows.
type Summary struct {
	// Heading names what the job measured ("pull request #12").
	Heading string
	Results []Result
	// Notes are problems and remarks shown under the headline.
	Notes []string
	// Files is how many low-survival files to list per scope.
	Files int
	// Top is how many directories and authors render lists.
	Top int
	// ScopeNotes gives each scope's notes (default: the package's
	// ScopeNotes).
	ScopeNotes func(*survival.Report) []string
}

// ScopeNotes are the notes of one measured scope.
func ScopeNotes(rep *survival.Report) []string {
	if rep != nil && rep.Commits.Total > 0 && rep.Commits.WithNotes == 0 && rep.Commits.GitAI == 0 {
		return []string{EvidenceOnlyNote}
	}
	return nil
}

// Markdown renders the summary in at most limit bytes: when the full
// summary is longer it drops the breakdowns first, and cuts what is left
// at a line as a last resort, saying so.
func (s Summary) Markdown(limit int) []byte {
	full := s.markdown(s.Top, s.Files)
	if len(full) <= limit {
		return full
	}
	small := s.markdown(3, 3)
	if len(small) <= limit {
		return small
	}
	const cut = "\n\n*(summary cut: it was longer than GitHub allows)*\n"
	if limit < len(cut) {
		return nil
	}
	b := small[:limit-len(cut)]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return append(append([]byte{}, b...), cut...)
}

func (s Summary) markdown(top, files int) []byte {
	var b bytes.Buffer
	heading := "AI code survival"
	if s.Heading != "" {
		heading += ": " + s.Heading
	}
	fmt.Fprintf(&b, "## %s\n\n", render.MarkdownText(heading))
	if p := Primary(s.Results); p != nil {
		fmt.Fprintf(&b, "**%s** %s\n", render.MarkdownText(p.Scope.Title+":"), render.MarkdownText(render.Headline(p.Report)))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "\n> %s\n", render.MarkdownText(n))
	}
	for _, r := range s.Results {
		fmt.Fprintf(&b, "\n### %s\n\n", render.MarkdownText(r.Scope.Title))
		if r.Err != nil {
			fmt.Fprintf(&b, "Not measured: %s\n", render.MarkdownText(r.Err.Error()))
			continue
		}
		var md bytes.Buffer
		notes := s.ScopeNotes
		if notes == nil {
			notes = ScopeNotes
		}
		_ = render.Markdown(&md, r.Report, render.Options{Top: top, Notes: notes(r.Report)})
		b.Write(demote(md.Bytes()))
		writeFiles(&b, r, files)
	}
	return b.Bytes()
}

// demote drops render's own title and moves its headings two levels down,
// under the scope's heading.
func demote(md []byte) []byte {
	var out bytes.Buffer
	first := true
	for _, line := range strings.SplitAfter(string(md), "\n") {
		if strings.HasPrefix(line, "#") {
			if first {
				first = false
				continue
			}
			line = "##" + line
		}
		out.WriteString(line)
	}
	return bytes.TrimLeft(out.Bytes(), "\n")
}

func writeFiles(w io.Writer, r Result, n int) {
	if len(r.Files) == 0 || n <= 0 {
		return
	}
	fmt.Fprint(w, "\n#### Files with the lowest AI survival\n\n| file | ai added | ai surviving | ai survival |\n|---|---:|---:|---:|\n")
	for i, f := range r.Files {
		if i == n {
			break
		}
		rate := f.Rate()
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", render.MarkdownText(f.Path), render.Count(f.Added), render.Count(f.Surviving), render.Percent(&rate))
	}
}

// Primary is the first scope measured: the one the plain outputs and the
// gate use.
func Primary(results []Result) *Result {
	if len(results) > 0 && results[0].Err == nil {
		return &results[0]
	}
	return nil
}

// Fraction formats a rate as a fraction with at most four decimals
// ("0.6", "0.6667"); "" when there is none.
func Fraction(rate *float64) string {
	if rate == nil || math.IsNaN(*rate) {
		return ""
	}
	return strconv.FormatFloat(math.Round(*rate*10000)/10000, 'f', -1, 64)
}

// Outputs are the step outputs: ai_survival_rate, human_survival_rate,
// ai_share (fractions), the line counts, the coverage line counts
// (coverage_line_level, coverage_commit_level, coverage_none) and
// unknown_as ("unknown" or "human") of the primary scope, the same
// prefixed with each scope's id (pr_ai_survival_rate, ...), and scopes.
func Outputs(results []Result) [][2]string {
	var out [][2]string
	add := func(prefix string, rep *survival.Report) {
		t := rep.Totals
		out = append(out,
			[2]string{prefix + "ai_survival_rate", Fraction(t.AI.SurvivalRate)},
			[2]string{prefix + "human_survival_rate", Fraction(t.Human.SurvivalRate)},
			[2]string{prefix + "ai_share", Fraction(rep.AIShare)},
			[2]string{prefix + "ai_lines_added", strconv.Itoa(t.AI.Added)},
			[2]string{prefix + "ai_lines_surviving", strconv.Itoa(t.AI.Surviving)},
			[2]string{prefix + "coverage_line_level", strconv.Itoa(rep.Coverage.LineLevel)},
			[2]string{prefix + "coverage_commit_level", strconv.Itoa(rep.Coverage.CommitLevel)},
			[2]string{prefix + "coverage_none", strconv.Itoa(rep.Coverage.None)},
			[2]string{prefix + "unknown_as", rep.UnknownAs},
		)
	}
	if p := Primary(results); p != nil {
		add("", p.Report)
	}
	var ids []string
	for _, r := range results {
		if r.Err == nil {
			add(r.Scope.ID+"_", r.Report)
			ids = append(ids, r.Scope.ID)
		}
	}
	return append(out, [2]string{"scopes", strings.Join(ids, " ")})
}

// WriteOutputs writes name=value lines as $GITHUB_OUTPUT reads them.
func WriteOutputs(w io.Writer, outputs [][2]string) error {
	var b strings.Builder
	for _, kv := range outputs {
		// Values are numbers and scope ids; a line break could only come
		// from a bug, and would forge an output.
		fmt.Fprintf(&b, "%s=%s\n", kv[0], strings.NewReplacer("\n", " ", "\r", " ").Replace(kv[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// EscapeData escapes the message of a workflow command.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value (file=, title=) of a workflow
// command.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Annotations are ::notice workflow commands for the files of r whose AI
// survival is below threshold (a fraction), worst first, at most n.
func Annotations(r Result, threshold float64, n int) []string {
	var out []string
	for _, f := range r.Files {
		if len(out) == n {
			break
		}
		if f.Rate() >= threshold {
			continue
		}
		rate := f.Rate()
		msg := fmt.Sprintf("%s of the AI-written lines added to this file survive (%d of %d) in %s.",
			render.Percent(&rate), f.Surviving, f.Added, lowerFirst(r.Scope.Title))
		out = append(out, fmt.Sprintf("::notice file=%s,title=%s::%s",
			EscapeProperty(f.Path), EscapeProperty("Low AI survival: "+render.Percent(&rate)), EscapeData(msg)))
	}
	return out
}

// metricDefs are the OpenMetrics families: name, help, value.
var metricDefs = []struct {
	name, help string
	value      func(*survival.Report) (float64, bool)
}{
	{"ai_survival_rate", "Fraction of the AI-written lines added in the scope that survive at its end.", rate(func(r *survival.Report) *float64 { return r.Totals.AI.SurvivalRate })},
	{"human_survival_rate", "Fraction of the human-written lines added in the scope that survive at its end.", rate(func(r *survival.Report) *float64 { return r.Totals.Human.SurvivalRate })},
	{"unknown_survival_rate", "Fraction of the lines of unknown origin added in the scope that survive at its end.", rate(func(r *survival.Report) *float64 { return r.Totals.Unknown.SurvivalRate })},
	{"ai_share", "Fraction of the surviving lines that AI agents wrote.", rate(func(r *survival.Report) *float64 { return r.AIShare })},
	{"ai_lines_added", "AI-written lines added in the scope.", count(func(r *survival.Report) int { return r.Totals.AI.Added })},
	{"ai_lines_surviving", "AI-written lines added in the scope still present at its end.", count(func(r *survival.Report) int { return r.Totals.AI.Surviving })},
	{"human_lines_added", "Human-written lines added in the scope.", count(func(r *survival.Report) int { return r.Totals.Human.Added })},
	{"human_lines_surviving", "Human-written lines added in the scope still present at its end.", count(func(r *survival.Report) int { return r.Totals.Human.Surviving })},
	{"unknown_lines_added", "Lines of unknown origin added in the scope.", count(func(r *survival.Report) int { return r.Totals.Unknown.Added })},
	{"unknown_lines_surviving", "Lines of unknown origin added in the scope still present at its end.", count(func(r *survival.Report) int { return r.Totals.Unknown.Surviving })},
	{"commits", "Commits in the scope.", count(func(r *survival.Report) int { return r.Commits.Total })},
	{"commits_with_notes", "Commits in the scope that have a provenance note.", count(func(r *survival.Report) int { return r.Commits.WithNotes })},
	{"commits_git_ai", "Commits in the scope without a note of ours that git-ai's authorship note tags.", count(func(r *survival.Report) int { return r.Commits.GitAI })},
	{"coverage_line_level_lines", "Lines added in the scope that a note (ours or git-ai's) tags line by line.", count(func(r *survival.Report) int { return r.Coverage.LineLevel })},
	{"coverage_commit_level_lines", "Lines added in the scope classified from commit evidence only.", count(func(r *survival.Report) int { return r.Coverage.CommitLevel })},
	{"coverage_none_lines", "Lines added in the scope with no evidence of their origin (counted as human when unknown_as is human).", count(func(r *survival.Report) int { return r.Coverage.None })},
}

func rate(f func(*survival.Report) *float64) func(*survival.Report) (float64, bool) {
	return func(r *survival.Report) (float64, bool) {
		v := f(r)
		if v == nil {
			return 0, false
		}
		return *v, true
	}
}

func count(f func(*survival.Report) int) func(*survival.Report) (float64, bool) {
	return func(r *survival.Report) (float64, bool) { return float64(f(r)), true }
}

// OpenMetrics writes the figures of every measured scope in the OpenMetrics
// text format (what GitLab's artifacts:reports:metrics reads): one gauge
// family per figure, one sample per scope labelled scope="<id>", rates
// with no value left out, and # EOF at the end.
func OpenMetrics(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, m := range metricDefs {
		fmt.Fprintf(&b, "# TYPE %s gauge\n# HELP %s %s\n", m.name, m.name, m.help)
		for _, r := range results {
			if r.Err != nil {
				continue
			}
			if v, ok := m.value(r.Report); ok {
				fmt.Fprintf(&b, "%s{scope=\"%s\"} %s\n", m.name, r.Scope.ID, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
	}
	b.WriteString("# EOF\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// lowerFirst turns a title into the middle of a sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
