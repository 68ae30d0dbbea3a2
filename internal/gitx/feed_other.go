//go:build !unix

package gitx

import (
	"os"
	"time"
)

func openFeed(f *os.File, deadline time.Time) (*Feed, error) { return nil, ErrNoFeed }

func stopWriter(fd uintptr) {}
