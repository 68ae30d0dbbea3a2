//go:build !unix

package notes

import (
	"context"
	"errors"
)

// lockFile is not available here: writers rely on the compare-and-swap.
func lockFile(ctx context.Context, name string) (func(), error) {
	return nil, errors.New("no file locks")
}
