package capture

import (
	"testing"
	"time"
)

func TestScaled(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"": time.Second, "1": time.Second, "10": 10 * time.Second, "100": 100 * time.Second,
		"0": time.Second, "101": time.Second, "-3": time.Second, "x": time.Second, "2.5": time.Second,
	} {
		t.Setenv(TimeScaleEnv, v)
		if got := Scaled(time.Second); got != want {
			t.Errorf("%s=%q: Scaled(1s) = %s, want %s", TimeScaleEnv, v, got, want)
		}
	}
}
