// Package fsx holds the file-system helpers several packages share.
package fsx

import (
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces name with content and mode through a temporary
// file in the same directory and a rename, so that a reader (or a crash)
// sees either the old file or the new one, never a part of it.
func WriteFileAtomic(name string, content []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
