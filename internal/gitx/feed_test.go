//go:build unix

package gitx

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestFeedReadsAFileToTheEnd(t *testing.T) {
	p := filepath.Join(t.TempDir(), "feed")
	if err := os.WriteFile(p, []byte("git output\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := OpenFeed(f, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(feed)
	if err != nil || string(b) != "git output\n" {
		t.Errorf("read %q, %v", b, err)
	}
	if err := feed.Close(); err != nil {
		t.Error(err)
	}
}

func TestFeedStopsReadingAtTheDeadline(t *testing.T) {
	// A blocking pipe that Go's poller does not know, as a shell's is.
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	r, w := os.NewFile(uintptr(fds[0]), "stdin"), os.NewFile(uintptr(fds[1]), "git")
	defer w.Close()
	if _, err := w.WriteString("the start, then nothing\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	feed, err := OpenFeed(r, start.Add(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	b, err := io.ReadAll(feed)
	if string(b) != "the start, then nothing\n" || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read %q, %v", b, err)
	}
	if waited := time.Since(start); waited > 30*time.Second {
		t.Errorf("reading went on for %s", waited)
	}
}

func TestFeedTakesAPipeGoAlreadyPolls(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	feed, err := OpenFeed(r, time.Now().Add(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	if _, err := io.ReadAll(feed); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read: %v", err)
	}
}

func TestFeedRefusesATerminal(t *testing.T) {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		t.Skip("no terminal here:", err)
	}
	defer tty.Close()
	if _, err := OpenFeed(tty, time.Now().Add(time.Minute)); !errors.Is(err, ErrNoFeed) {
		t.Errorf("OpenFeed(/dev/tty) = %v, want ErrNoFeed", err)
	}
}

func TestFeedRefusesACharacterDevice(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if _, err := OpenFeed(null, time.Now().Add(time.Minute)); !errors.Is(err, ErrNoFeed) {
		t.Errorf("OpenFeed(%s) = %v, want ErrNoFeed", os.DevNull, err)
	}
}
