package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/agentcfg"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// UninstallOptions are the inputs of uninstall.
type UninstallOptions struct {
	IO   *IOStreams
	Repo func(context.Context) (*gitx.Repo, error)
	// User (--user) undoes install --user.
	User bool
}

// NewCmdUninstall builds `uninstall`; runF replaces uninstallRun in tests.
func NewCmdUninstall(f *Factory, runF func(context.Context, *UninstallOptions) error) *cobra.Command {
	opts := &UninstallOptions{IO: f.IO, Repo: f.Repo}
	cmd := &cobra.Command{
		Use:   "uninstall [--user]",
		Short: "Remove the hooks and configuration that install added",
		Long: `Undo 'git ai-survival install' in this repository: every hook it changed is
restored byte for byte (and mode), the hooks it created are removed, and the
configuration values it added (the notes fetch refspecs)
are removed when they still have the value install gave them; other values
are kept. A hook edited since install only loses the git-ai-survival block.
Agent settings that 'install --agent' changed (.claude/settings.json,
.cursor/hooks.json) get the same treatment: restored byte for byte, or,
when edited since, only the checkpoint hooks are taken out.

Notes already recorded under refs/notes/ai-survival are kept.

With --user, only the user-level agent settings that 'install --user'
changed are restored; no repository is touched.`,
		Example: `  $ git ai-survival uninstall`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return uninstallRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.User, "user", false, "undo install --user: the agents' user-level settings")
	return cmd
}

func uninstallRun(ctx context.Context, opts *UninstallOptions) error {
	if opts.User {
		home, state, err := agentcfg.UserDirs()
		if err != nil {
			return usageError("--user: %v", err)
		}
		changes, err := agentcfg.UninstallUser(state)
		if len(changes) == 0 && err == nil {
			fmt.Fprintln(opts.IO.Out, "no user-level agent settings were installed; nothing to uninstall")
		}
		printAgentChanges(opts.IO, home, underHome(home, changes))
		return err
	}
	repo, err := opts.Repo(ctx)
	if err != nil {
		return err
	}
	res, err := hooks.Uninstall(ctx, repo)
	changes, aerr := agentcfg.Uninstall(repo.CommonDir)
	err = errors.Join(err, aerr)
	if res != nil && res.NothingInstalled && len(changes) == 0 {
		fmt.Fprintln(opts.IO.Out, "git-ai-survival is not installed in this repository; nothing to uninstall")
		return err
	}
	if res != nil && !res.NothingInstalled {
		printHookResult(opts.IO, res, "removed")
	}
	printAgentChanges(opts.IO, repo.Top, changes)
	return err
}
