package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

const evil = `<script>alert("x")</script>&<img src=http://evil.example/x.png>`

// sampleReport is a report with curves and releases over 120 days whose
// paths, authors, agents and tags carry markup.
func sampleReport() *survival.Report {
	t0 := time.Unix(1767225600, 0)
	col := survival.NewCollector()
	col.Curves = true
	col.ReleasePattern = "v*"
	var commits []*linemap.Commit
	var births []*linemap.Birth
	var survivors []linemap.Survivor
	agents := []string{"claude-code", "cursor", evil}
	for i := 0; i < 40; i++ {
		c := &linemap.Commit{Meta: provenance.Meta{ID: fmt.Sprintf("c%02d", i), Author: "Dev " + evil + " <d@x>", CommitTime: t0.Add(time.Duration(i*3) * 24 * time.Hour)}}
		if i > 0 {
			c.Parents = []string{commits[i-1].ID}
		}
		commits = append(commits, c)
		col.Commit(c)
		a := provenance.Attribution{Origin: provenance.Human}
		if i%2 == 1 {
			a = provenance.Attribution{Origin: provenance.AI, Agent: agents[i%3]}
		}
		b := &linemap.Birth{Commit: c, Path: "src/" + evil + "/f.go", Attribution: a, Lines: 20}
		col.Birth(b)
		births = append(births, b)
		// Older births lose lines: AI ones faster.
		for j, old := range births[:len(births)-1] {
			lose := 1
			if old.Attribution.Origin == provenance.AI {
				lose = 2
			}
			off := (i - j - 1) * lose
			if off+lose <= old.Lines && (i-j)%2 == 0 {
				col.Death(linemap.Death{Birth: old, Offset: off, Lines: lose, Commit: c, Kind: linemap.DeathModified, By: a})
			}
		}
		if i%8 == 7 {
			col.Tags = append(col.Tags, survival.Tag{Name: "v1." + strconv.Itoa(i/8) + ".0", Commit: c.ID})
		}
	}
	col.Tags = append(col.Tags, survival.Tag{Name: evil, Commit: "c03"})
	for _, b := range births {
		survivors = append(survivors, linemap.Survivor{Birth: b, Offset: b.Lines - 1, Lines: 1})
	}
	return col.Report("", commits[len(commits)-1].ID, survivors)
}

func TestHTMLSelfContainedAndEscaped(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := HTML(&buf, sampleReport(), Options{Notes: []string{"note " + evil}}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "<img", "<link", "<iframe", "<object", "href=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if strings.Count(page, "http") != strings.Count(page, "evil.example") {
		t.Error("page names a URL that is not the repository's (escaped) text")
	}
	for _, want := range []string{`<svg id="curves"`, `<div class="rel" id="releases"`, `name="viewport"`, "&lt;script&gt;", "Top paths", "Agents wrote", "v1.4.0", ColorAI, ColorHuman} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// chromium finds a headless browser; the test skips when there is none
// (.ci/run installs Debian's chromium package; tests never install).
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: a headless browser run (make test-slow runs it)")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("skipped: no headless browser on PATH (chromium, chromium-browser, google-chrome); install Debian's chromium package to run it")
	return ""
}

// screenshot renders file at the window size and returns the image.
func screenshot(t *testing.T, browser, file string, w, h int) image.Image {
	t.Helper()
	dir := t.TempDir()
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", w, h),
		"file://"+file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	f, ferr := os.Open(shot)
	if ferr != nil {
		t.Fatalf("chromium wrote no screenshot (%v):\n%s", err, out)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// count counts the pixels within a small distance of colour hex.
func count(img image.Image, hex string) int {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	want := [3]int{int(v >> 16 & 255), int(v >> 8 & 255), int(v & 255)}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			got := [3]int{int(r >> 8), int(g >> 8), int(bl >> 8)}
			ok := true
			for i := range got {
				if d := got[i] - want[i]; d < -12 || d > 12 {
					ok = false
				}
			}
			if ok {
				n++
			}
		}
	}
	return n
}

// The page in a real browser, on a desktop and a phone: the AI and human
// curves are drawn (pixels of their colours), and nothing else is.
func TestHTMLInChromium(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	var buf bytes.Buffer
	if err := HTML(&buf, sampleReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{1024, 1200}, {390, 1400}} {
		img := screenshot(t, browser, file, size[0], size[1])
		ai, human := count(img, ColorAI), count(img, ColorHuman)
		t.Logf("%dx%d: %d AI pixels, %d human pixels", size[0], size[1], ai, human)
		if ai < 150 || human < 150 {
			t.Errorf("%dx%d: curves not drawn: %d pixels of the AI colour, %d of the human colour", size[0], size[1], ai, human)
		}
	}

	// A page without curves has no pixels of those colours: the count
	// measures the curves, not something else.
	rep := sampleReport()
	rep.Lifetimes = nil
	buf.Reset()
	if err := HTML(&buf, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img := screenshot(t, browser, file, 1024, 1200)
	if ai, human := count(img, ColorAI), count(img, ColorHuman); ai > 20 || human > 20 {
		t.Errorf("without curves: %d AI pixels, %d human pixels", ai, human)
	}
}
