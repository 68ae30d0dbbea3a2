package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/pathspec"
)

// splitDash cuts a command's arguments at "--": before it, at most max
// arguments; after it, pathspecs.
func splitDash(cmd *cobra.Command, args []string, max int) (before, specs []string, err error) {
	before = args
	if at := cmd.ArgsLenAtDash(); at >= 0 {
		before, specs = args[:at], args[at:]
	}
	if len(before) > max {
		if max == 0 {
			return nil, nil, usageError("unexpected argument %q (pathspecs go after --)", before[0])
		}
		return nil, nil, usageError("too many arguments %q: give one range, and pathspecs after --", before)
	}
	return before, specs, nil
}

// readPathspecs parses pathspecs given in dir (the command's directory),
// relative to it as git reads them. Bad ones are usage errors.
func readPathspecs(repo *gitx.Repo, dir string, specs []string) (*pathspec.Set, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	set, err := pathspec.Parse(specs, prefixOf(repo, dir))
	if err != nil {
		return nil, usageError("%v", err)
	}
	return set, nil
}

// prefixOf is dir relative to the working tree's top, as git rev-parse
// --show-prefix prints it ("" at the top or outside a working tree).
func prefixOf(repo *gitx.Repo, dir string) string {
	if repo.Top == "" {
		return ""
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	top, err1 := filepath.EvalSymlinks(repo.Top)
	abs, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel) + "/"
}
