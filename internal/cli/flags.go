package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// checkFormat validates --format against the formats a command writes.
func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return usageError("invalid --format %q: use one of %s", got, strings.Join(allowed, ", "))
}

// failUnderFlag reads --fail-under when it was given (set tells --fail-under
// 0 from no gate).
func failUnderFlag(cmd *cobra.Command, raw string) (pct float64, set bool, err error) {
	if !cmd.Flags().Changed("fail-under") {
		return 0, false, nil
	}
	pct, err = parsePercent(raw)
	return pct, err == nil, err
}

// parsePercent reads a percentage from 0 to 100 ("60", "72.5", "60%").
func parsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || !(v >= 0 && v <= 100) { // NaN too: it would switch the gate off
		return 0, usageError("invalid --fail-under %q: give a percentage from 0 to 100", s)
	}
	return v, nil
}
