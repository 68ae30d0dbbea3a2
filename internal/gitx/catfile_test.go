package gitx

import (
	"fmt"
	"strings"
	"testing"
)

func TestReadBatch(t *testing.T) {
	out := "1111 blob 3\nab\n\n" + // content with a newline, then git's own
		"HEAD:my file.go missing\n" +
		"ab12 ambiguous\n" +
		"2222 tree 0\n\n"
	var got []string
	err := ReadBatch(strings.NewReader(out), 4, func(i int, o BatchObject) error {
		got = append(got, fmt.Sprintf("%d %s %s %q %t", i, o.ID, o.Type, o.Data, o.Unresolved))
		return nil
	})
	want := []string{`0 1111 blob "ab\n" false`, `1 HEAD:my file.go missing "" true`, `2 ab12 ambiguous "" true`, `3 2222 tree "" false`}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ReadBatch = %q, %v\nwant %q", got, err, want)
	}
	for _, bad := range []string{"1111 blob 3\nab", "1111 blob x\n", "1111 blob\n", "1111 blob 3\nab\n\n", "missing\n"} {
		if err := ReadBatch(strings.NewReader(bad), 2, func(int, BatchObject) error { return nil }); err == nil {
			t.Errorf("ReadBatch(%q) gave no error", bad)
		}
	}
}
