//go:build !unix

package fsx

import (
	"fmt"
	"os"
)

// openNoFollow opens name for reading when it is not a symbolic link.
func openNoFollow(name string) (*os.File, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	return os.Open(name)
}
