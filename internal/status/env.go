package status

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
)

// OnPath reports whether an executable name is in one of the directories
// of path (a PATH value), as the shell running a hook would find it.
func OnPath(path, name string) bool {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || strings.HasPrefix(dir, "~") {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, name))
		if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// ConfigFile is the configuration file in use: given (--config), else the
// repository's .ai-survival.yaml at top ("" outside a working tree); found
// says it exists.
func ConfigFile(top, given string) (path string, found bool) {
	path = given
	if path == "" && top != "" {
		path = filepath.Join(top, config.FileName)
	}
	if path != "" {
		_, err := os.Stat(path)
		found = err == nil
	}
	return path, found
}
