package restore

import (
	"strings"
	"testing"
)

func TestResultPrint(t *testing.T) {
	id := strings.Repeat("a", 40)
	res := Result{Examined: 3, Written: 2, Restored: []Restored{
		{Commit: id, Sources: []string{"b", "c"}, How: ByPullRequest, Request: 12, Lines: 4, Added: 5},
		{Commit: strings.Repeat("d", 40), Sources: []string{"e"}, How: ByMergeRequest, Request: 7, Lines: 1, Added: 1},
		{Commit: strings.Repeat("f", 40), Sources: []string{"g"}, How: ByPatch, Lines: 2, Added: 2},
	}}
	var b strings.Builder
	res.Print(&b)
	want := "restored aaaaaaaaaaaa: 4 of 5 lines from 2 commits (pull request #12)\n" +
		"restored dddddddddddd: 1 of 1 lines from 1 commit (merge request !7)\n" +
		"restored ffffffffffff: 2 of 2 lines from 1 commit (same patch)\n" +
		"restored 2 notes (3 commits without a note examined)\n"
	if b.String() != want {
		t.Errorf("Print:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	Result{Examined: 1}.Print(&b)
	if want := "restored 0 notes (1 commit without a note examined)\n"; b.String() != want {
		t.Errorf("Print = %q, want %q", b.String(), want)
	}
}
