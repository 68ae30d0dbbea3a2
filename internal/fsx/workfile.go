package fsx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotRegular is returned by ReadWorkFile for anything but a regular
// file: a symbolic link (wherever it points), a FIFO, a socket, a device.
var ErrNotRegular = errors.New("not a regular file")

// ErrOutside is returned by ReadWorkFile for a path that leaves the work
// tree (absolute, "..", or through a symbolic link to a directory).
var ErrOutside = errors.New("outside the work tree")

// ErrTooLarge is returned by ReadWorkFile for a file larger than the limit.
var ErrTooLarge = errors.New("file too large")

// ReadWorkFile reads the file at rel (slash-separated, relative to the work
// tree top) when it is a regular file inside the work tree of at most max
// bytes. It never follows a symbolic link (neither the file nor a directory
// on the way), never blocks on a FIFO or a device, and never reads more
// than max+1 bytes, however the file changes meanwhile. A missing file is
// fs.ErrNotExist; a directory is ErrNotRegular too.
func ReadWorkFile(top, rel string, max int64) ([]byte, error) {
	name, err := workPath(top, rel)
	if err != nil {
		return nil, err
	}
	// Lstat first, so that a device or FIFO is not even opened; the open
	// then refuses a symbolic link put in place meanwhile, and Stat checks
	// what was opened.
	if fi, err := os.Lstat(name); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", rel, ErrNotRegular)
	}
	f, err := openNoFollow(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", rel, ErrNotRegular)
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %w (%d bytes)", rel, ErrTooLarge, fi.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w (grew past %d bytes)", rel, ErrTooLarge, max)
	}
	return b, nil
}

// workPath is the file name of rel under top, once every directory on the
// way is known to be a real directory (not a symbolic link).
func workPath(top, rel string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if rel == "" || filepath.IsAbs(clean) || clean == "." || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q: %w", rel, ErrOutside)
	}
	dir := top
	parts := strings.Split(clean, string(filepath.Separator))
	for _, p := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, p)
		fi, err := os.Lstat(dir)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%s: %w (%s is a symbolic link)", rel, ErrOutside, p)
		}
		if !fi.IsDir() {
			return "", fmt.Errorf("%s: %w", rel, fs.ErrNotExist)
		}
	}
	return filepath.Join(top, clean), nil
}
