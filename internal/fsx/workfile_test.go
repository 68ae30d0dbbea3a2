//go:build unix

package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestReadWorkFile(t *testing.T) {
	top := t.TempDir()
	outside := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(top, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(top, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "hello\n")
	write("dir/b.txt", "b\n")
	write("big.txt", "0123456789")
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("/etc/passwd", "passwd")
	link("/dev/zero", "zero")
	link("a.txt", "inside-link")
	link(outside, "outdir")
	if err := syscall.Mkfifo(filepath.Join(top, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("fifo", "fifo-link")

	for _, tc := range []struct {
		rel  string
		want string
		err  error
	}{
		{rel: "a.txt", want: "hello\n"},
		{rel: "dir/b.txt", want: "b\n"},
		{rel: "./dir/../a.txt", want: "hello\n"},
		{rel: "passwd", err: ErrNotRegular},
		{rel: "zero", err: ErrNotRegular},
		{rel: "inside-link", err: ErrNotRegular},
		{rel: "fifo", err: ErrNotRegular},
		{rel: "fifo-link", err: ErrNotRegular},
		{rel: "dir", err: ErrNotRegular},
		{rel: "outdir/secret", err: ErrOutside},
		{rel: "../secret", err: ErrOutside},
		{rel: "/etc/passwd", err: ErrOutside},
		{rel: "", err: ErrOutside},
		{rel: "missing.txt", err: fs.ErrNotExist},
		{rel: "a.txt/x", err: fs.ErrNotExist},
		{rel: "big.txt", err: ErrTooLarge},
	} {
		done := make(chan struct{})
		var got []byte
		var err error
		go func() {
			defer close(done)
			got, err = ReadWorkFile(top, tc.rel, 8)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadWorkFile(%q) blocked", tc.rel)
		}
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ReadWorkFile(%q) = %q, %v; want error %v", tc.rel, got, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("ReadWorkFile(%q) = %q, %v; want %q", tc.rel, got, err, tc.want)
		}
	}
}

// A character device opened directly (no symbolic link) is refused too,
// without reading it.
func TestReadWorkFileRefusesDevices(t *testing.T) {
	if _, err := ReadWorkFile("/dev", "zero", 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadWorkFile(/dev/zero) = %v, want ErrNotRegular", err)
	}
}
