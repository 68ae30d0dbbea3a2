package render

import (
	"fmt"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

func TestSkippedLineIsShort(t *testing.T) {
	rel := &survival.Releases{}
	if got := SkippedLine(rel); got != "" {
		t.Errorf("nothing skipped: %q", got)
	}
	rel.Skipped = append(rel.Skipped, survival.SkippedTag{Tag: "v9.0.0", Reason: survival.NotInMeasured})
	if got, want := SkippedLine(rel), "skipped 1 tag: 1 not in the measured history (v9.0.0)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for i := 0; i < 75; i++ {
		rel.Skipped = append(rel.Skipped, survival.SkippedTag{Tag: fmt.Sprintf("build-%d", i), Reason: survival.NotAVersion})
	}
	want := "skipped 76 tags: 1 not in the measured history (v9.0.0); 75 not versions (build-0, build-1, build-2, …)"
	if got := SkippedLine(rel); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
