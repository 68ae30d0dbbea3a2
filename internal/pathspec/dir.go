package pathspec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Prefix is dir relative to the working tree's top, as git rev-parse
// --show-prefix prints it ("" at the top, outside the working tree, or
// with no working tree: top ""). dir "" is the current directory.
func Prefix(top, dir string) string {
	if top == "" {
		return ""
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	realTop, err1 := filepath.EvalSymlinks(top)
	abs, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(realTop, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel) + "/"
}

// RepoPath turns file, a path given on the command line in dir, into a
// path relative to the working tree's top (as given, with slashes, when
// there is no working tree: top ""). A path outside the working tree is
// an error.
func RepoPath(top, dir, file string) (string, error) {
	if top == "" {
		return filepath.ToSlash(file), nil
	}
	abs := file
	if !filepath.IsAbs(abs) {
		base, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		abs = filepath.Join(base, file)
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the repository %s", file, top)
	}
	return filepath.ToSlash(rel), nil
}
