package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/status"
)

// StatusOptions are the flags of status.
type StatusOptions struct {
	Format string
}

func newCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status [--format text|json]",
		Short: "Show the state of this repository's set-up and what to fix",
		Long: `Show, without changing anything, whether git-ai-survival is set up in this
repository: the hooks (ours or not, their version against this binary's,
the hook each one chains to), the notes ref and, for each remote, whether
its notes are fetched and merged, the agent lines waiting for the next
commit, the agents' settings files, the configuration and the saved walks.
Each problem found comes with the command that fixes it.

Set AI_SURVIVAL_TRACE=1 to see every git command git-ai-survival runs, with
its duration, on stderr (as GIT_TRACE does for git).`,
		Example: `  $ git ai-survival status
  $ git ai-survival status --format json | jq .problems`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

func statusRun(ctx context.Context, f *Factory, opts *StatusOptions) error {
	repo, err := f.Repo(ctx)
	if err != nil {
		return usageError("%v", err)
	}
	so := status.Options{OnPath: status.OnPath(f.getenv("PATH"), "git-ai-survival"), Home: f.getenv("HOME")}
	so.ConfigPath, so.ConfigFound = status.ConfigFile(repo.Top, f.ConfigPath)
	_, so.ConfigErr = f.loadConfig(repo)
	f.settleNotes(ctx, repo) // a note on its way counts
	st, err := status.Collect(ctx, repo, so)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeJSON(f.IO.Out, st)
	}
	return status.Text(f.IO.Out, st)
}
