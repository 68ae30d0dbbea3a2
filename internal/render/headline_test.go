package render

import (
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

func TestHeadline(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	r := &survival.Report{Range: "HEAD"}
	if got := Headline(r); got != "No AI-written lines in all history of HEAD." {
		t.Errorf("no AI: %q", got)
	}
	r.Totals.AI = survival.Rate{Added: 10, Surviving: 7, SurvivalRate: f(0.7)}
	r.AIShare = f(1)
	if got := Headline(r); got != "70.0% of AI-written lines survive (7 of 10). Agents wrote 100.0% of the lines that survive." {
		t.Errorf("no human lines: %q", got)
	}
	r.Totals.Human = survival.Rate{Added: 4, Surviving: 4, SurvivalRate: f(1)}
	r.AIShare = f(7.0 / 11)
	if got := Headline(r); got != "70.0% of AI-written lines survive (7 of 10); 100.0% of human-written lines. Agents wrote 63.6% of the lines that survive." {
		t.Errorf("both: %q", got)
	}
}
