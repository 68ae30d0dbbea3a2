package gitx

import (
	"errors"
	"io"
	"os"
	"time"
)

// Feed is the output of a git command that the caller did not start: the
// post-commit hook's shell runs `git log` and pipes it into the binary, so
// that git works while the binary starts. Reads fail with
// os.ErrDeadlineExceeded once the deadline passes, and Close stops the git
// process when its output was not read to the end, so that the shell
// waiting for it is not held up either.
type Feed struct {
	f   *os.File
	eof bool
}

// ErrNoFeed means stdin cannot be read as a feed within a deadline (a
// terminal, or a platform without non-blocking pipes); the caller runs git
// itself.
var ErrNoFeed = errors.New("reading git's output from stdin within a deadline is not supported here")

// OpenFeed reads f (the binary's stdin) as a feed until deadline.
func OpenFeed(f *os.File, deadline time.Time) (*Feed, error) {
	return openFeed(f, deadline)
}

// Read reads the feed.
func (fd *Feed) Read(p []byte) (int, error) {
	n, err := fd.f.Read(p)
	if errors.Is(err, io.EOF) {
		fd.eof = true
	}
	return n, err
}

// Close closes the feed. If git had more to write, it is stopped (best
// effort: a process that cannot be found ends when it next writes).
func (fd *Feed) Close() error {
	if !fd.eof {
		stopWriter(fd.f.Fd())
	}
	return fd.f.Close()
}
