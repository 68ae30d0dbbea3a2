package measure_test

import (
	"reflect"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
)

func TestNotes(t *testing.T) {
	rep := func(total, notes, gitAI int) *survival.Report {
		r := &survival.Report{}
		r.Commits.Total, r.Commits.WithNotes, r.Commits.GitAI = total, notes, gitAI
		return r
	}
	evidence := "no commit in the range has a note: figures come from commit evidence only (run 'git ai-survival install' to tag new commits)"
	for _, c := range []struct {
		name string
		rep  *survival.Report
		g    measure.Generated
		want []string
	}{
		{"noted", rep(3, 1, 0), measure.Generated{}, nil},
		{"git-ai notes", rep(3, 0, 2), measure.Generated{}, nil},
		{"empty range", rep(0, 0, 0), measure.Generated{}, nil},
		{"evidence only", rep(3, 0, 0), measure.Generated{}, []string{evidence}},
		{"one generated file", rep(3, 1, 0), measure.Generated{Files: 1, Lines: 12}, []string{
			"left out 12 lines in 1 file that .gitattributes marks linguist-generated or linguist-vendored (--include-generated counts them)"}},
		{"both", rep(2, 0, 0), measure.Generated{Files: 2, Lines: 1}, []string{evidence,
			"left out 1 lines in 2 files that .gitattributes marks linguist-generated or linguist-vendored (--include-generated counts them)"}},
	} {
		if got := measure.Notes(c.rep, c.g); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
