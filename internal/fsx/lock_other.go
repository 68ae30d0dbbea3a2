//go:build !unix

package fsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Lock takes a lock by creating name exclusively; a lock older than a
// minute is taken to be left by a crashed process and broken.
func Lock(ctx context.Context, name string) (func(), error) {
	name += ".excl"
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(name) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if fi, serr := os.Stat(name); serr == nil && time.Since(fi.ModTime()) > time.Minute {
			_ = os.Remove(name)
			continue
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w", name, ctx.Err())
		case <-time.After(3 * time.Millisecond):
		}
	}
}
