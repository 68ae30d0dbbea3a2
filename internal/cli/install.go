package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// InstallOptions are the inputs of install.
type InstallOptions struct {
	IO      *IOStreams
	Repo    func(context.Context) (*gitx.Repo, error)
	Context context.Context
}

// NewCmdInstall builds `install`; runF replaces installRun in tests.
func NewCmdInstall(f *Factory, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{IO: f.IO, Repo: f.Repo}
	return &cobra.Command{
		Use:   "install",
		Short: "Install the hooks that record provenance in this repository",
		Long: `Install the post-commit, pre-push, post-rewrite and post-merge hooks in the directory git
runs hooks from (git rev-parse --git-path hooks, so core.hooksPath and husky
are followed), and configure the repository so that notes follow amend and
rebase (notes.rewriteRef) and a plain git fetch brings each remote's notes
into refs/notes/remotes/<remote>/ai-survival without touching local notes.

A hook already in place is kept and still runs, with the same input, and its
exit status decides as before: a shell script gets a marked block after its
first line; any other hook is moved to <hook>.ai-survival-orig and run from
ours. Installing again changes nothing, or updates hooks from an older
version. 'git ai-survival uninstall' restores everything install changed.`,
		Example: `  # Record provenance for every new commit in this repository
  $ git ai-survival install

  # Undo it
  $ git ai-survival uninstall`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return installRun(opts)
		},
	}
}

func installRun(opts *InstallOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	repo, err := opts.Repo(ctx)
	if err != nil {
		return err
	}
	res, err := hooks.Install(ctx, repo)
	if res != nil {
		printHookResult(opts.IO, res, "added")
	}
	return err
}

// printHookResult writes one line per hook and per configuration value
// (added or removed: verb) on stdout, and the warnings on stderr.
func printHookResult(io *IOStreams, res *hooks.Result, verb string) {
	for _, c := range res.Hooks {
		fmt.Fprintf(io.Out, "%s: %s\n", c.Hook, describeHookChange(c))
	}
	for _, c := range res.Config {
		fmt.Fprintf(io.Out, "config: %s %s %s\n", verb, c.Key, c.Value)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(io.ErrOut, "warning: %s\n", w)
	}
}

func describeHookChange(c hooks.HookChange) string {
	switch c.Action {
	case hooks.Installed:
		return "installed " + c.Path
	case hooks.Chained:
		return "installed in the existing hook " + c.Path + ", which still runs"
	case hooks.Wrapped:
		return "installed " + c.Path + ", the existing hook moved to " + c.Aside + " still runs"
	case hooks.Updated:
		return fmt.Sprintf("updated %s to v%d", c.Path, hooks.Version)
	case hooks.UpToDate:
		return "up to date " + c.Path
	case hooks.Newer:
		return "left the newer version in " + c.Path
	case hooks.Removed:
		return "removed " + c.Path
	case hooks.Restored:
		if c.Aside != "" {
			return "restored " + c.Path + " from " + c.Aside
		}
		return "restored " + c.Path
	case hooks.Stripped:
		return "took our block out of " + c.Path + " (edited since install; the rest is kept)"
	case hooks.Left:
		return "left " + c.Path + " as is (it no longer holds our hook)"
	case hooks.Missing:
		return "already gone " + c.Path
	}
	return string(c.Action) + " " + c.Path
}
