package capture

import (
	"os"
	"strconv"
	"time"
)

// TimeScaleEnv names the environment variable that stretches every time
// budget of the hooks and checkpoints by a whole factor (1 to 100, default
// 1), for machines so loaded that a normal commit's note cannot be read in
// the usual two seconds. The test suites set it so that a loaded machine
// cannot turn a budget into a failure; a value out of range is ignored.
const TimeScaleEnv = "GIT_AI_SURVIVAL_HOOK_TIME_SCALE"

// Scaled returns d stretched by the factor TimeScaleEnv sets.
func Scaled(d time.Duration) time.Duration {
	n, err := strconv.Atoi(os.Getenv(TimeScaleEnv))
	if err != nil || n < 1 || n > 100 {
		return d
	}
	return d * time.Duration(n)
}
