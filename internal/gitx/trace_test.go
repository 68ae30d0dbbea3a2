package gitx

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

func TestTraceLogsEveryCommandWithItsDuration(t *testing.T) {
	var buf bytes.Buffer
	oldOut, oldOn := traceOut, tracing
	traceOut, tracing = &buf, true
	defer func() { traceOut, tracing = oldOut, oldOn }()
	g := New(t.TempDir())
	if _, err := g.Output(context.Background(), "version"); err != nil {
		t.Fatal(err)
	}
	_, _ = g.Output(context.Background(), "rev-parse", "--verify", "no such")
	re := regexp.MustCompile(`^trace: \d\d:\d\d:\d\d\.\d{6} git version \([0-9.]+[µm]?s, ok\)\n` +
		`trace: \d\d:\d\d:\d\d\.\d{6} git rev-parse --verify "no such" \([0-9.]+[µm]?s, failed\)\n$`)
	if !re.MatchString(buf.String()) {
		t.Errorf("trace:\n%s", buf.String())
	}
}
