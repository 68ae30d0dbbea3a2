package cli

import (
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
	set, err := pathspec.Parse(specs, pathspec.Prefix(repo.Top, dir))
	if err != nil {
		return nil, usageError("%v", err)
	}
	return set, nil
}
