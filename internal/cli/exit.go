package cli

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/git-ai-survival/git-ai-survival/internal/render"
	"github.com/git-ai-survival/git-ai-survival/internal/survival"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// Exit codes, per the contract.
const (
	ExitOK        = 0
	ExitThreshold = 1 // a --fail-under threshold was missed
	ExitError     = 2 // usage error or bad input
)

// ExitError carries an exit code with the message to print. A nil Err
// means the command has already said what it had to.
type exitError struct {
	Code int
	Err  error
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitError) Unwrap() error { return e.Err }

// thresholdMissed is the error of a missed --fail-under gate.
func thresholdMissed(format string, args ...any) error {
	return &exitError{Code: ExitThreshold, Err: fmt.Errorf(format, args...)}
}

// gate applies --fail-under (pct, when set) to the AI survival rate: below
// it is exit code 1.
func gate(rep *survival.Report, pct float64, set bool) error {
	if !set {
		return nil
	}
	rate := rep.Totals.AI.SurvivalRate
	if rate == nil {
		return nil // no AI lines: nothing to hold to the threshold
	}
	if *rate*100 < pct {
		return thresholdMissed("AI survival %s is below --fail-under %s%%", render.Percent(rate), strconv.FormatFloat(pct, 'f', -1, 64))
	}
	return nil
}

// usageError marks bad flags or arguments.
func usageError(format string, args ...any) error {
	return &exitError{Code: ExitError, Err: fmt.Errorf(format, args...)}
}

// exitCode maps any error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitError
}

// walkError turns the walk's bad-input errors into exit code 2 with the fix.
func walkError(err error) error {
	if errors.Is(err, walk.ErrShallow) {
		return &exitError{Code: ExitError, Err: err}
	}
	return err
}
