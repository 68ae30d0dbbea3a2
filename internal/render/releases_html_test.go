package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// manyReleases is a report of n releases, one commit each, of wildly
// different sizes (one of 128,311 lines), with AI shares from 0 to 100%.
func manyReleases(n int) *survival.Report {
	t0 := time.Unix(1767225600, 0)
	col := survival.NewCollector()
	col.ReleasePattern = "v*"
	var commits []*linemap.Commit
	var survivors []linemap.Survivor
	for i := 0; i < n; i++ {
		c := &linemap.Commit{Meta: provenance.Meta{ID: fmt.Sprintf("c%03d", i), Author: "Dev <d@x>", CommitTime: t0.Add(time.Duration(i) * time.Hour)}}
		if i > 0 {
			c.Parents = []string{commits[i-1].ID}
		}
		commits = append(commits, c)
		col.Commit(c)
		size := 10 + i%7
		if i == n/3 {
			size = 128311
		}
		ai := size * (i % 11) / 10 // 0%, 10%, ..., 100%
		for _, part := range []struct {
			lines int
			o     provenance.Origin
		}{{ai, provenance.AI}, {size - ai, provenance.Human}} {
			if part.lines == 0 {
				continue
			}
			a := provenance.Attribution{Origin: part.o}
			if part.o == provenance.AI {
				a.Agent = "claude-code"
			}
			b := &linemap.Birth{Commit: c, Path: "f.go", Attribution: a, Lines: part.lines}
			col.Birth(b)
			survivors = append(survivors, linemap.Survivor{Birth: b, Lines: part.lines, Path: "f.go"})
		}
		col.Tags = append(col.Tags, survival.Tag{Name: fmt.Sprintf("v0.%d.0", i), Commit: c.ID})
	}
	return col.Report("", commits[n-1].ID, survivors)
}

func TestReleaseChartShowsTheMostRecentReleases(t *testing.T) {
	rep := manyReleases(200)
	if len(rep.Releases.Rows) != 200 {
		t.Fatalf("%d release rows, want 200", len(rep.Releases.Rows))
	}
	var buf bytes.Buffer
	if err := HTML(&buf, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	chart := page[strings.Index(page, `id="releases"`):strings.Index(page, `id="release-table"`)]
	rows := regexp.MustCompile(`<span class="t">([^<]*)</span><span class="b"><i style="width:([0-9.]+)%"></i></span><span class="v">([^<]*)</span>`).FindAllStringSubmatch(chart, -1)
	if len(rows) != ChartReleases {
		t.Fatalf("chart has %d bars, want %d", len(rows), ChartReleases)
	}
	for k, m := range rows {
		i := 200 - ChartReleases + k
		size := 10 + i%7
		share := float64(size*(i%11)/10) / float64(size) * 100
		if m[1] != fmt.Sprintf("v0.%d.0", i) || m[2] != fmt.Sprintf("%.1f", share) || m[3] != fmt.Sprintf("%.1f%%", share) {
			t.Errorf("bar %d: %q %s%% %q, want v0.%d.0 at %.1f%%", k, m[1], m[2], m[3], i, share)
		}
	}
	if !strings.Contains(page, "the most recent 24 of 200 releases") || !strings.Contains(page, "<details><summary>All 200 releases") {
		t.Error("the chart does not say it shows the most recent releases, or the table is not folded")
	}
	table := page[strings.Index(page, `id="release-table"`):]
	if n := strings.Count(table[:strings.Index(table, "</table>")], "<tr>"); n != 201 {
		t.Errorf("the table has %d rows, want 201 (header and every release)", n)
	}
	// Hovering a bar gives the counts.
	if !strings.Contains(html.UnescapeString(chart), "Agents wrote 46.2% of the code in v0.192.0 (of its lines still there at v0.192.0). — at the tag: 6 AI lines of 6 added, 7 human of 7, 0 unknown of 0; 1 commit\"") {
		t.Errorf("no counts on hover of v0.192.0")
	}
}

// browser returns the headless Chromium to test with; the test is skipped
// when there is none (it is never installed by a test).
func browser(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	t.Skip("skipped: no chromium on PATH (install Debian's chromium package to run it)")
	return ""
}

// layoutProbe, appended to the page, measures what a reader sees and
// prints it in the DOM that --dump-dom writes.
const layoutProbe = `<script>
(function(){
  var d = document.documentElement, out = {viewport: d.clientWidth, scroll: d.scrollWidth, bars: []};
  var chart = document.getElementById('releases').getBoundingClientRect();
  out.chartLeft = chart.left; out.chartRight = chart.right;
  document.querySelectorAll('#releases .row:not(.axis)').forEach(function(r){
    var v = r.querySelector('.v'), b = r.querySelector('.b'), i = r.querySelector('.b i');
    var vr = v.getBoundingClientRect(), br = b.getBoundingClientRect(), ir = i.getBoundingClientRect();
    out.bars.push({label: r.querySelector('.t').textContent, text: v.textContent, font: parseFloat(getComputedStyle(v).fontSize),
      left: vr.left, right: vr.right, top: vr.top, bottom: vr.bottom, track: br.width, fill: ir.width});
  });
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

type probe struct {
	Viewport, Scroll      float64
	ChartLeft, ChartRight float64
	Bars                  []struct {
		Label, Text              string
		Font                     float64
		Left, Right, Top, Bottom float64
		Track, Fill              float64
	}
}

func measure(t *testing.T, chrome, file string, w, h int) probe {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), fmt.Sprintf("--window-size=%d,%d", w, h), "--dump-dom", "file://"+file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.Output()
	m := regexp.MustCompile(`<pre id="probe">([^<]*)</pre>`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("chromium --dump-dom gave no measurements (%v)", err)
	}
	var p probe
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The page of 200 releases in a real browser, on a desktop and a phone: no
// horizontal scrolling, the chart within the page, every shown release's
// AI share printed legibly on its own line, bars drawn to scale; and the
// screenshot has the bars' colour.
func TestReleaseChartInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: runs a browser")
	}
	chrome := browser(t)
	var buf bytes.Buffer
	if err := HTML(&buf, manyReleases(200), Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	file := filepath.Join(t.TempDir(), "report.html")
	probed := strings.Replace(page, "</body>", layoutProbe+"\n</body>", 1)
	if err := os.WriteFile(file, []byte(probed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{1024, 900}, {390, 800}} {
		p := measure(t, chrome, file, size[0], size[1])
		if p.Scroll > p.Viewport || p.ChartLeft < 0 || p.ChartRight > p.Viewport {
			t.Errorf("%dx%d: page %v px wide in a %v px window, chart from %v to %v", size[0], size[1], p.Scroll, p.Viewport, p.ChartLeft, p.ChartRight)
		}
		if len(p.Bars) != ChartReleases {
			t.Fatalf("%dx%d: %d bars", size[0], size[1], len(p.Bars))
		}
		for i, b := range p.Bars {
			if b.Text == "" || b.Font < 11 || b.Left < 0 || b.Right > p.Viewport || b.Bottom-b.Top < 10 {
				t.Errorf("%dx%d: %s: share %q in %vpx text at %v–%v", size[0], size[1], b.Label, b.Text, b.Font, b.Left, b.Right)
			}
			if i > 0 && b.Top < p.Bars[i-1].Bottom {
				t.Errorf("%dx%d: %s overlaps the release above", size[0], size[1], b.Label)
			}
			var share float64
			fmt.Sscanf(b.Text, "%f%%", &share)
			if d := b.Fill - b.Track*share/100; d < -1.5 || d > 1.5 || b.Track < 100 {
				t.Errorf("%dx%d: %s: bar %v of %v px for %s", size[0], size[1], b.Label, b.Fill, b.Track, b.Text)
			}
		}
		t.Logf("%dx%d: chart %v–%v px in %v px, %d bars, share text %v px", size[0], size[1], p.ChartLeft, p.ChartRight, p.Viewport, len(p.Bars), p.Bars[0].Font)
	}

	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	img := screenshot(t, chrome, file, 1024, 1400)
	if n := count(img, ColorShare); n < 2000 {
		t.Errorf("screenshot: %d pixels of the bars' colour, want the bars drawn", n)
	} else {
		t.Logf("screenshot: %d pixels of the bars' colour", n)
	}
}
