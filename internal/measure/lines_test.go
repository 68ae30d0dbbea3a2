package measure_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestParseLineRange(t *testing.T) {
	for _, c := range []struct {
		in         string
		total      int
		start, end int
		bad        string
	}{
		{in: "3,5", total: 10, start: 3, end: 5},
		{in: "5,3", total: 10, start: 3, end: 5},
		{in: "3,+2", total: 10, start: 3, end: 4},
		{in: "5,-2", total: 10, start: 4, end: 5},
		{in: "2,-9", total: 10, start: 1, end: 2},
		{in: "7", total: 10, start: 7, end: 10},
		{in: "7,", total: 10, start: 7, end: 10},
		{in: ",4", total: 10, start: 1, end: 4},
		{in: "8,40", total: 10, start: 8, end: 10},
		{in: "11,12", total: 10, bad: "the file has only 10 lines"},
		{in: "0,3", total: 10, bad: "the start must be a line number from 1"},
		{in: "x", total: 10, bad: "the start must be a line number from 1"},
		{in: ",", total: 10, bad: "no line numbers"},
		{in: "", total: 10, bad: "no line numbers"},
		{in: "3,+0", total: 10, bad: "the count must be at least 1"},
		{in: "3,y", total: 10, bad: "the end must be a line number from 1"},
	} {
		r, err := measure.ParseLineRange(c.in, c.total)
		switch {
		case c.bad != "":
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("-L %q: err %v, want %q", c.in, err, c.bad)
			}
		case err != nil || r.Start != c.start || r.End != c.end:
			t.Errorf("-L %q: %+v %v, want %d,%d", c.in, r, err, c.start, c.end)
		}
	}
}

// SelectLines keeps the -L ranges in the order given, each line once, and
// with aiOnly the AI lines among them.
func TestSelectLines(t *testing.T) {
	var lines []measure.BlameLine
	for i := 1; i <= 6; i++ {
		o := provenance.Human
		if i%2 == 0 {
			o = provenance.AI
		}
		lines = append(lines, measure.BlameLine{Line: i, Origin: o})
	}
	numbers := func(ls []measure.BlameLine) []int {
		out := []int{}
		for _, l := range ls {
			out = append(out, l.Line)
		}
		return out
	}
	for _, c := range []struct {
		ranges []string
		aiOnly bool
		want   []int
	}{
		{nil, false, []int{1, 2, 3, 4, 5, 6}},
		{nil, true, []int{2, 4, 6}},
		{[]string{"5,6", "1,2", "2,3"}, false, []int{5, 6, 1, 2, 3}},
		{[]string{"4", ",2"}, true, []int{4, 6, 2}},
		{[]string{"3,+9"}, false, []int{3, 4, 5, 6}},
	} {
		got, err := measure.SelectLines(lines, c.ranges, c.aiOnly)
		if err != nil || !reflect.DeepEqual(numbers(got), c.want) {
			t.Errorf("%q ai-only %v: %v %v, want %v", c.ranges, c.aiOnly, numbers(got), err, c.want)
		}
	}
	if _, err := measure.SelectLines(lines, []string{"7,8"}, false); err == nil || !strings.Contains(err.Error(), "the file has only 6 lines") {
		t.Errorf("-L past the end: %v", err)
	}
}
