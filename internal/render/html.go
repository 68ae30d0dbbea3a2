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

type barSeg struct {
	X, Y, W, H float64
	Color      string
}

type releaseBar struct {
	Label      string
	LX, LY     float64
	Segs       []barSeg
	Share      string
	SX, SY     float64
	ShareTitle string
}

type releaseChart struct {
	W, H, Base float64
	Bars       []releaseBar
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
	Skipped   []string
	Origins   [][]string
	Agents    [][]string
	Dirs      [][]string
	Authors   [][]string
	DirHead   []string
	AuthHead  []string
	ColorAI   string
	ColorHum  string
}

func htmlData(r *survival.Report, opts Options) htmlPage {
	p := htmlPage{
		Title:    "AI code survival: " + describeRange(r),
		Headline: Headline(r),
		Sub: fmt.Sprintf("Added lines in %s, measured at %s: %s commits, %s with notes,%s %s inferred from commit metadata.",
			describeRange(r), short(r.End), Count(r.Commits.Total), Count(r.Commits.WithNotes), gitAICommits(r), Count(r.Commits.Inferred)) + " " + CoverageText(r) + ".",
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
		}
		for _, s := range rel.Skipped {
			p.Skipped = append(p.Skipped, s.Tag+" ("+s.Reason+")")
		}
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
	// AI and human on top.
	var top, rest []svgLine
	for _, l := range ch.Lines {
		if l.Label == "ai" || l.Label == "human" {
			top = append(top, l)
		} else {
			rest = append(rest, l)
		}
	}
	ch.Legend = ch.Lines
	ch.Lines = append(rest, top...)
	return ch
}

func releasesChart(rel *survival.Releases) *releaseChart {
	n := len(rel.Rows)
	bw := 36.0
	gap := 14.0
	ch := &releaseChart{W: max(320, 50+float64(n)*(bw+gap)), H: 240, Base: 190}
	most := 1
	for _, row := range rel.Rows {
		most = max(most, row.AI.Surviving+row.Human.Surviving+row.Unknown.Surviving)
	}
	scale := 160.0 / float64(most)
	for i, row := range rel.Rows {
		x := 40 + float64(i)*(bw+gap)
		b := releaseBar{Label: releaseName(row), LX: x + bw/2, LY: ch.Base + 16, Share: Percent(row.AIShare), SX: x + bw/2}
		y := ch.Base
		for _, s := range []struct {
			n     int
			color string
		}{{row.Human.Surviving, "#a5d8ff"}, {row.Unknown.Surviving, "#dee2e6"}, {row.AI.Surviving, "#fcc2d7"}} {
			h := float64(s.n) * scale
			if h > 0 {
				y -= h
				b.Segs = append(b.Segs, barSeg{X: x, Y: y, W: bw, H: h, Color: s.color})
			}
		}
		b.SY = y - 4
		b.ShareTitle = ReleaseSentence(row)
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
{{with .RelChart}}<p class="sub">Lines added in each release that are still there at its tag: <span style="color:#c2255c">AI</span> on top of human and unknown; the figure above each bar is the AI share.</p>
<div class="scroll"><svg id="releases" viewBox="0 0 {{.W}} {{.H}}" style="width:{{.W}}px;max-width:none" role="img" aria-label="Release chart">
<line x1="30" x2="{{.W}}" y1="{{.Base}}" y2="{{.Base}}" stroke="#adb5bd"/>
{{range .Bars}}<g><title>{{.ShareTitle}}</title>{{range .Segs}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Color}}"/>{{end}}<text x="{{.SX}}" y="{{.SY}}" font-size="10" text-anchor="middle" fill="#495057">{{.Share}}</text><text x="{{.LX}}" y="{{.LY}}" font-size="10" text-anchor="end" transform="rotate(-35 {{.LX}} {{.LY}})" fill="#212529">{{.Label}}</text></g>
{{end}}</svg></div>{{end}}
<div class="scroll"><table><tr>{{range .RelHead}}<th>{{.}}</th>{{end}}</tr>
{{range .Releases}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
{{if .Skipped}}<p class="note">Skipped: {{range $i, $s := .Skipped}}{{if $i}}, {{end}}{{$s}}{{end}}</p>{{end}}
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
