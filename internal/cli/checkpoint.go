package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
)

// checkpointTimeout bounds a whole checkpoint: an agent waits for it.
const checkpointTimeout = 4 * time.Second

// CheckpointOptions are the inputs of checkpoint.
type CheckpointOptions struct {
	IO      *IOStreams
	Agent   string
	Model   string
	Session string
	Before  bool
	After   bool
	Paths   []string
}

func newCmdCheckpoint(f *Factory, runF func(context.Context, *CheckpointOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checkpoint --agent <name> [--model <model>] [--session <id>] [--before | --after] [-- <path>...]",
		Short: "Record which lines an agent writes (called by agent hooks)",
		Long: `Record, as an agent writes, which lines are its own, so that the next commit
tags every line it adds line by line: lines unchanged since the agent wrote
them are "ai" (evidence checkpoint); lines a person wrote or changed are
"human".

  --agent claude-code   reads a Claude Code PreToolUse or PostToolUse hook
                        payload on stdin (Write, Edit, MultiEdit, NotebookEdit
                        and Bash tool calls)
  --agent cursor        reads a Cursor afterFileEdit or afterTabFileEdit hook
                        payload on stdin
  --agent gemini        reads a Gemini CLI BeforeTool or AfterTool hook
                        payload on stdin (write_file, replace and
                        run_shell_command); prints {} on stdout, as Gemini
                        CLI wants JSON there
  --agent codex         reads a Codex CLI PreToolUse or PostToolUse hook
                        payload on stdin (apply_patch and Bash)
  --agent <name> --before|--after [-- <path>...]
                        for any other agent or script: --before right before
                        it writes, --after right after; with no paths, every
                        file the working tree shows changed

'git ai-survival install --agent claude-code' (or cursor, gemini, codex) sets
the hooks up. The state waits in the git directory until the post-commit hook uses it.

A checkpoint never stops the agent: whatever goes wrong (bad payload, a
path outside the repository, a binary file, a lock held by another agent)
is one warning on stderr, nothing is recorded wrongly, and the exit code is
always 0. It gives up after a few seconds. Outside a repository, or in one
where 'git ai-survival install' was not run, it does nothing and says nothing
(agent hooks installed with 'install --user' run in every directory).`,
		Example: `  # What the Claude Code hooks run (payload on stdin)
  $ git ai-survival checkpoint --agent claude-code

  # Any other agent or script
  $ git ai-survival checkpoint --agent aider --model gpt-5 --before -- src/app.go
  $ git ai-survival checkpoint --agent aider --model gpt-5 --after -- src/app.go`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &CheckpointOptions{IO: f.IO}
			fs := pflag.NewFlagSet("checkpoint", pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			fs.StringVar(&opts.Agent, "agent", "", "")
			fs.StringVar(&opts.Model, "model", "", "")
			fs.StringVar(&opts.Session, "session", "", "")
			fs.BoolVar(&opts.Before, "before", false, "")
			fs.BoolVar(&opts.After, "after", false, "")
			help := fs.BoolP("help", "h", false, "")
			// Flag errors are warnings too: exit code 2 from a PreToolUse
			// hook would block the agent's tool.
			if err := fs.Parse(args); err != nil {
				checkpointWarn(f, "%v (see 'git ai-survival checkpoint --help'); nothing recorded", err)
				return nil
			}
			if *help {
				return cmd.Help()
			}
			opts.Paths = fs.Args()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			checkpointRun(cmd.Context(), opts)
			return nil
		},
	}
	return cmd
}

func checkpointWarn(f *Factory, format string, args ...any) {
	f.Warnf("git-ai-survival checkpoint: "+format, args...)
}

// checkpointRun takes one checkpoint. It returns nothing: every problem is
// a warning, and nothing may make it fail or panic out.
func checkpointRun(ctx context.Context, opts *CheckpointOptions) {
	f := &Factory{IO: opts.IO}
	warn := func(s string) { checkpointWarn(f, "%s", s) }
	defer func() {
		if r := recover(); r != nil {
			warn(fmt.Sprintf("internal error: %v; nothing recorded (please report it)", r))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, capture.Scaled(checkpointTimeout))
	defer cancel()
	if strings.TrimSpace(opts.Agent) == "gemini" && !opts.Before && !opts.After {
		// Gemini CLI parses the stdout of its hooks as JSON.
		defer fmt.Fprintln(opts.IO.Out, "{}")
	}
	ev, err := checkpoint.ReadEvent(ctx, checkpoint.Request{Agent: opts.Agent, Model: opts.Model, Session: opts.Session,
		Before: opts.Before, After: opts.After, Paths: opts.Paths, In: opts.IO.In})
	if err != nil {
		warn(err.Error() + "; nothing recorded")
		return
	}
	ev.Enabled = func(ctx context.Context, repo *gitx.Repo) bool {
		if !hooks.Active(ctx, repo) {
			return false
		}
		// Without a post-commit hook (install --lazy), the commits made
		// since the last checkpoint take the checkpoints they used first.
		hookrun.CatchUp(ctx, repo, func() resolve.Classifier { return f.hookClassifier(ctx, repo) }, f.Warnf)
		return true
	}
	if err := checkpoint.Record(ctx, ev, warn); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("gave up after %s", capture.Scaled(checkpointTimeout))
		}
		warn(err.Error() + "; nothing recorded")
	}
}
