package render

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// HTML writes the report as one self-contained page: inline CSS and SVG,
// no script, no network (no CDN, no web fonts), laid out for a phone as
// well as a desktop. Everything that comes from the repository (paths,
// names, tags) goes through html/template's escaping.
func HTML(w io.Writer, r *survival.Report, opts Options) error {
	return page().Execute(w, htmlData(r, opts))
}

// The colours of the curves; the test that screenshots the page looks
// for them, so nothing else on the page uses them in bulk.
const (
	ColorAI    = "#d6336c"
	ColorHuman = "#1c7ed6"
)

var agentColors = []string{"#f08c00", "#2f9e44", "#7048e8", "#0c8599", "#a61e4d", "#5c940d"}

type card struct{ Label, Value, Sub string }

type svgLine struct {
	D, Color, Label string
	Dash            bool
	Width           float64
}

type tick struct {
	X, Y  float64
	Label string
}

type curveChart struct {
	W, H, Left, Top, Right, Bottom float64
	PlotBottom                     float64
	Lines                          []svgLine
	Legend                         []svgLine
	XTicks, YTicks                 []tick
	Marks                          []tick // 14/30/90 days
	Span                           string
}

// ChartReleases is how many releases, the most recent, the release chart
// shows; the table below it has them all.
const ChartReleases = 24

// ColorShare is the colour of the AI share in the release chart (apart
// from ColorAI, which the screenshot test counts as the curves').
const ColorShare = "#e64980"

// shareBar is one release of the chart: the AI share of its lines still
// there at its tag, as a bar on a 0–100% scale.
type shareBar struct {
	Label string
	// Width is the AI share in percent ("0" when nothing survives).
	Width string
	Share string
	// Title is what hovering the bar says: the sentence and the counts.
	Title string
}

type releaseChart struct {
	Bars         []shareBar
	Shown, Total int
}

type htmlPage struct {
	Title     string
	Headline  string
	Sub       string
	Notes     []string
	Cards     []card
	Chart     *curveChart
	Lifetimes [][]string
	LifeHead  []string
	Deaths    [][]string
	DeathHead []string
	MovedNote string
	Releases  [][]string
	RelHead   []string
	RelChart  *releaseChart
	RelLine   string
	// RelFold says the table is long: it is folded under the chart.
	RelFold  bool
	Skipped  string
	Origins  [][]string
	Agents   [][]string
	Dirs     [][]string
	Authors  [][]string
	DirHead  []string
	AuthHead []string
	ColorAI  string
	ColorHum string
}

func htmlData(r *survival.Report, opts Options) htmlPage {
	p := htmlPage{
		Title:    "AI code survival: " + describeRange(r),
		Headline: Headline(r),
		Sub: fmt.Sprintf("Added lines in %s, measured at %s: %s commits, %s with notes,%s %s inferred from commit metadata.",
			describeRange(r), provenance.ShortID(r.End), Count(r.Commits.Total), Count(r.Commits.WithNotes), gitAICommits(r), Count(r.Commits.Inferred)) + " " + CoverageText(r) + ".",
		Notes:    notesWith(r, opts.Notes),
		ColorAI:  ColorAI,
		ColorHum: ColorHuman,
		DirHead:  breakdownHeader("directory"),
		AuthHead: breakdownHeader("author"),
	}
	p.Cards = append(p.Cards,
		card{"AI survival", Percent(r.Totals.AI.SurvivalRate), Count(r.Totals.AI.Surviving) + " of " + Count(r.Totals.AI.Added) + " lines"},
		card{"Human survival", Percent(r.Totals.Human.SurvivalRate), Count(r.Totals.Human.Surviving) + " of " + Count(r.Totals.Human.Added) + " lines"},
		card{"AI share", Percent(r.AIShare), "of the lines that survive"})
	if lt := r.Lifetimes; lt != nil {
		for _, c := range []struct {
			name string
			c    *survival.Curve
		}{{"AI", lt.AI}, {"Human", lt.Human}} {
			if c.c == nil {
				continue
			}
			p.Cards = append(p.Cards, card{c.name + " churn (14 d)", Percent(c.c.Churn14d), "median lifetime " + median(c.c) + ", half-life " + halfLife(c.c)})
		}
		p.Chart = curvesChart(lt)
		p.LifeHead = lifetimeHeader[:len(lifetimeHeader)-1]
		sp := span(lt)
		for _, row := range curveRows(lt) {
			c := lifetimeCells(row, sp)
			p.Lifetimes = append(p.Lifetimes, c[:len(c)-1])
		}
	}
	if d := r.Deaths; d != nil {
		p.DeathHead, p.Deaths = deathHeader, deathRows(d)
		if d.Moves {
			p.MovedNote = movedNote
		}
	}
	if rel := r.Releases; rel != nil {
		p.RelHead = releaseHeader
		for _, row := range rel.Rows {
			p.Releases = append(p.Releases, releaseCells(row))
		}
		if len(rel.Rows) > 0 {
			p.RelLine = ReleaseSentence(lastRelease(rel))
			p.RelChart = releasesChart(rel)
			p.RelFold = len(rel.Rows) > ChartReleases
		}
		p.Skipped = SkippedLine(rel)
	}
	for _, row := range originRows(r) {
		p.Origins = append(p.Origins, []string{row.name, Count(row.rate.Added), Count(row.rate.Surviving), Percent(row.rate.SurvivalRate)})
	}
	for _, a := range r.ByAgent {
		p.Agents = append(p.Agents, []string{agentName(a), Count(a.Added), Count(a.Surviving), Percent(a.SurvivalRate)})
	}
	for _, d := range topDirs(r, opts.top()) {
		p.Dirs = append(p.Dirs, breakdownCells(d))
	}
	for _, a := range topAuthors(r, opts.top()) {
		p.Authors = append(p.Authors, breakdownCells(a))
	}
	return p
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// niceStep is a round step giving about n ticks over span.
func niceStep(span float64, n int) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func curvesChart(lt *survival.Lifetimes) *curveChart {
	rows := curveRows(lt)
	if len(rows) == 0 {
		return nil
	}
	ch := &curveChart{W: 640, H: 340, Left: 52, Top: 12, Right: 16, Bottom: 40}
	sp := span(lt)
	if sp <= 0 {
		sp = 1
	}
	ch.Span = Days(sp)
	ch.PlotBottom = ch.H - ch.Bottom
	pw, ph := ch.W-ch.Left-ch.Right, ch.H-ch.Top-ch.Bottom
	x := func(d float64) float64 { return ch.Left + pw*d/sp }
	y := func(s float64) float64 { return ch.Top + ph*(1-s) }
	step := niceStep(sp, 6)
	for d := 0.0; d <= sp+1e-9; d += step {
		label := f1(d) + " d"
		if step >= 1 {
			label = strconv.FormatFloat(d, 'f', -1, 64) + " d"
		}
		ch.XTicks = append(ch.XTicks, tick{X: x(d), Y: ch.H - ch.Bottom + 22, Label: label})
	}
	for s := 0.0; s <= 1.0001; s += 0.25 {
		ch.YTicks = append(ch.YTicks, tick{X: ch.Left - 6, Y: y(s), Label: strconv.Itoa(int(s*100+0.5)) + "%"})
	}
	for _, m := range []float64{14, 30, 90} {
		if m < sp {
			ch.Marks = append(ch.Marks, tick{X: x(m), Y: ch.Top, Label: strconv.Itoa(int(m)) + " d"})
		}
	}
	path := func(c *survival.Curve) string {
		var b strings.Builder
		fmt.Fprintf(&b, "M%s %s", f1(x(0)), f1(y(1)))
		for _, pt := range c.Points {
			fmt.Fprintf(&b, "H%sV%s", f1(x(pt.Days)), f1(y(pt.Survival)))
		}
		fmt.Fprintf(&b, "H%s", f1(x(c.FollowUpDays)))
		return b.String()
	}
	ai := 0
	for _, row := range rows {
		l := svgLine{D: path(row.c), Label: row.name, Width: 3}
		switch row.name {
		case "ai":
			l.Color = ColorAI
		case "human":
			l.Color = ColorHuman
		case "unknown":
			l.Color, l.Width, l.Dash = "#868e96", 2, true
		default:
			l.Color, l.Width, l.Dash = agentColors[ai%len(agentColors)], 2, true
			ai++
		}
		ch.Lines = append(ch.Lines, l)
	}
	// The dashed lines (each agent, unknown) are drawn wider, under AI and
	// human: an agent that wrote all the AI lines has the AI curve's very
	// shape, and its dashes still show on both sides of it.
	var top, rest []svgLine
	for _, l := range ch.Lines {
		if l.Label == "ai" || l.Label == "human" {
			top = append(top, l)
		} else {
			rest = append(rest, l)
		}
	}
	ch.Legend = ch.Lines
	for i := range rest {
		rest[i].Width = 6
	}
	ch.Lines = append(rest, top...)
	return ch
}

// releasesChart is the AI share of the most recent ChartReleases releases,
// oldest first, each a bar on the same 0–100% scale: it fits any page
// width, and a release with few lines reads as well as a huge one.
func releasesChart(rel *survival.Releases) *releaseChart {
	rows := rel.Rows
	if len(rows) > ChartReleases {
		rows = rows[len(rows)-ChartReleases:]
	}
	ch := &releaseChart{Shown: len(rows), Total: len(rel.Rows)}
	for _, row := range rows {
		b := shareBar{Label: releaseName(row), Width: "0", Share: Percent(row.AIShare)}
		if row.AIShare != nil {
			b.Width = strconv.FormatFloat(math.Min(100, math.Max(0, *row.AIShare*100)), 'f', 1, 64)
		}
		commits := Count(row.Commits) + " commits"
		if row.Commits == 1 {
			commits = "1 commit"
		}
		b.Title = fmt.Sprintf("%s — at the tag: %s AI lines of %s added, %s human of %s, %s unknown of %s; %s",
			ReleaseSentence(row), Count(row.AI.Surviving), Count(row.AI.Added), Count(row.Human.Surviving), Count(row.Human.Added),
			Count(row.Unknown.Surviving), Count(row.Unknown.Added), commits)
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:16px;color:#212529;background:#fff;line-height:1.4}
main{max-width:960px;margin:0 auto}
h1{font-size:1.4rem;margin:.2em 0}
h2{font-size:1.1rem;margin:1.6em 0 .5em}
p.lead{font-size:1.05rem;font-weight:600}
.sub,.note{color:#495057;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:1em 0}
.card{border:1px solid #dee2e6;border-radius:8px;padding:10px}
.card .v{font-size:1.5rem;font-weight:700}
.card .l{font-size:.8rem;color:#495057;text-transform:uppercase;letter-spacing:.03em}
.card .s{font-size:.8rem;color:#495057}
svg{width:100%;height:auto;display:block}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;margin:.4em 0;min-width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e9ecef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:7em}
th{background:#f8f9fa}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:.85rem;margin:.3em 0}
.legend span{display:inline-flex;align-items:center;gap:4px}
.legend i{display:inline-block;width:18px;height:0;border-top:3px solid}
.legend i.dash{border-top-style:dashed;border-top-width:2px}
.rel{margin:.6em 0;font-size:.85rem}
.rel .row{display:grid;grid-template-columns:minmax(4em,9em) 1fr 3.6em;gap:8px;align-items:center;padding:1px 0}
.rel .t{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.rel .b{height:14px;background:#dbe4ff linear-gradient(90deg,transparent calc(25% - 1px),#fff calc(25% - 1px),#fff 25%,transparent 25%,transparent calc(50% - 1px),#fff calc(50% - 1px),#fff 50%,transparent 50%,transparent calc(75% - 1px),#fff calc(75% - 1px),#fff 75%,transparent 75%)}
.rel .b i{display:block;height:100%;background:` + ColorShare + `}
.rel .v{text-align:right;font-variant-numeric:tabular-nums}
.rel .axis{color:#495057;font-size:.75rem}
.rel .axis .b{background:none;height:auto;display:flex;justify-content:space-between}
details summary{cursor:pointer;margin:.6em 0;color:#1c7ed6}
</style>
</head>
<body>
<main>
<h1>AI code survival</h1>
<p class="lead">{{.Headline}}</p>
<p class="sub">{{.Sub}}</p>
{{range .Notes}}<p class="note">Note: {{.}}</p>
{{end}}
<div class="cards">
{{range .Cards}}<div class="card"><div class="l">{{.Label}}</div><div class="v">{{.Value}}</div><div class="s">{{.Sub}}</div></div>
{{end}}</div>
{{with .Chart}}
<h2>How long lines live</h2>
<p class="sub">Share of lines still alive, by time since they were committed (Kaplan–Meier; lines still alive count until the end of the range). The axis spans {{.Span}}.</p>
<div class="legend">{{range .Legend}}<span><i class="{{if .Dash}}dash{{end}}" style="border-color:{{.Color}}"></i>{{.Label}}</span>{{end}}</div>
<svg id="curves" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="Survival curves">
{{range .YTicks}}<line x1="{{$.Chart.Left}}" x2="{{$.Chart.W}}" y1="{{.Y}}" y2="{{.Y}}" stroke="#e9ecef"/><text x="{{.X}}" y="{{.Y}}" font-size="15" text-anchor="end" dominant-baseline="middle" fill="#495057">{{.Label}}</text>
{{end}}{{range .XTicks}}<text x="{{.X}}" y="{{.Y}}" font-size="15" text-anchor="middle" fill="#495057">{{.Label}}</text>
{{end}}{{range .Marks}}<line x1="{{.X}}" x2="{{.X}}" y1="{{.Y}}" y2="{{$.Chart.PlotBottom}}" stroke="#ced4da" stroke-dasharray="3 3"/>
{{end}}{{range .Lines}}<path d="{{.D}}" fill="none" stroke="{{.Color}}" stroke-width="{{.Width}}"{{if .Dash}} stroke-dasharray="6 4"{{end}}><title>{{.Label}}</title></path>
{{end}}</svg>
{{end}}
{{if .Lifetimes}}<div class="scroll"><table><tr>{{range .LifeHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Lifetimes}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}
{{if .Deaths}}<h2>How lines died</h2>
<p class="sub">Modified: replaced in place; the last columns say by whose lines.{{if .MovedNote}} {{.MovedNote}}{{end}}</p>
<div class="scroll"><table><tr>{{range .DeathHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Deaths}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}
{{if .RelHead}}<h2>Releases</h2>
{{if .RelLine}}<p class="lead">{{.RelLine}}</p>{{end}}
{{with .RelChart}}<p class="sub">AI share of the lines each release added that are still there at its tag, from 0 to 100%{{if lt .Shown .Total}}: the most recent {{.Shown}} of {{.Total}} releases (all of them in the table below){{end}}. Hover a bar for the counts.</p>
<div class="rel" id="releases" role="list" aria-label="AI share by release">
{{range .Bars}}<div class="row" role="listitem" title="{{.Title}}"><span class="t">{{.Label}}</span><span class="b"><i style="width:{{.Width}}%"></i></span><span class="v">{{.Share}}</span></div>
{{end}}<div class="row axis" aria-hidden="true"><span></span><span class="b"><span>0%</span><span>25%</span><span>50%</span><span>75%</span><span>100%</span></span><span></span></div>
</div>{{end}}
{{if .RelFold}}<details><summary>All {{len .Releases}} releases: lines added and still there at each tag</summary>{{end}}
<div class="scroll"><table id="release-table"><tr>{{range .RelHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Releases}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
{{if .RelFold}}</details>{{end}}
{{if .Skipped}}<p class="note">{{.Skipped}}</p>{{end}}
{{end}}
<h2>By origin</h2>
<div class="scroll"><table><tr><th>origin</th><th>added</th><th>surviving</th><th>survival</th></tr>
{{range .Origins}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
{{if .Agents}}<h2>By agent</h2>
<div class="scroll"><table><tr><th>agent</th><th>added</th><th>surviving</th><th>survival</th></tr>
{{range .Agents}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}
{{if .Dirs}}<h2>Top paths</h2>
<div class="scroll"><table><tr>{{range .DirHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Dirs}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}
{{if .Authors}}<h2>Top authors</h2>
<div class="scroll"><table><tr>{{range .AuthHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Authors}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}
<p class="note">Made by git ai-survival. This page loads nothing from the network.</p>
</main>
</body>
</html>
`))
})
