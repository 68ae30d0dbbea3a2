//go:build unix

package fsx

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openNoFollow opens name for reading without following a symbolic link
// and without blocking on a FIFO (O_NONBLOCK: a FIFO with no writer opens
// at once; Stat then shows it is not a regular file).
func openNoFollow(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
		return nil, fmt.Errorf("%s: %w (a symbolic link)", name, ErrNotRegular)
	}
	if errors.Is(err, syscall.ENXIO) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular) // a socket or a FIFO
	}
	return f, err
}
