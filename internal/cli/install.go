package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/agentcfg"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// InstallOptions are the inputs of install.
type InstallOptions struct {
	IO   *IOStreams
	Repo func(context.Context) (*gitx.Repo, error)
	// Agents are the agents (--agent) whose project settings get our
	// checkpoint hooks.
	Agents []string
	// User (--user) puts the agents' hooks in their user-level settings
	// instead, and leaves every repository alone.
	User bool
	// Lazy (--lazy) installs no post-commit hook: notes are written later.
	Lazy bool
}

// NewCmdInstall builds `install`; runF replaces installRun in tests.
func NewCmdInstall(f *Factory, runF func(context.Context, *InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{IO: f.IO, Repo: f.Repo}
	cmd := &cobra.Command{
		Use:   "install [--lazy] [--agent <name>]...",
		Short: "Install the hooks that record provenance in this repository",
		Long: `Install the post-commit, pre-push, post-rewrite, post-merge and post-checkout hooks in the directory git
runs hooks from (git rev-parse --git-path hooks, so core.hooksPath and husky
are followed), and configure the repository so that a plain git fetch brings
each remote's notes into refs/notes/remotes/<remote>/ai-survival without
touching local notes. Notes follow amend and rebase through the post-rewrite
hook (notes.rewriteRef is not set: git's own copy can make an amend fail;
installing again removes the value older versions set).

A hook already in place is kept and still runs, with the same input, and its
exit status decides as before: a shell script gets a marked block after its
first line; any other hook is moved to <hook>.ai-survival-orig and run from
ours. Installing again changes nothing, or updates hooks from an older
version. 'git ai-survival uninstall' restores everything install changed.

With --agent claude-code, the checkpoint hooks are merged into
.claude/settings.json (PreToolUse and PostToolUse, for Edit, MultiEdit, Write,
NotebookEdit and Bash); with --agent cursor, into .cursor/hooks.json
(afterFileEdit and afterTabFileEdit). Every key and hook already there is
kept. Commits then tag the lines the agent wrote line by line. With --agent
gemini, into .gemini/settings.json (BeforeTool and AfterTool, for write_file,
replace and run_shell_command); with --agent codex, into .codex/hooks.json
(PreToolUse and PostToolUse, for apply_patch and Bash).

With --lazy, there is no post-commit hook: a commit runs nothing of ours and
costs what it costs without git-ai-survival (any hook, even an empty one, makes
git start a process per commit and per commit a rebase picks). Each commit's
note is written later instead, from the same evidence and agent checkpoints:
by the next agent checkpoint, push (pre-push), amend or rebase (post-rewrite),
checkout, or git-ai-survival command (report, show, blame, status, sync,
annotate), which read HEAD's reflog for the commits made since. A merge
--squash and a cherry-pick -x still take their sources' notes; a cherry-pick
without -x gets a note from its own evidence only. Installing again without
--lazy puts the post-commit hook back.

With --user, the agents' hooks go into their user-level settings instead
(~/.claude/settings.json, ~/.cursor/hooks.json, ~/.gemini/settings.json,
~/.codex/hooks.json), so the agent takes checkpoints in every repository you
open; no repository is changed. A checkpoint in a repository where
'git ai-survival install' was not run does nothing and says nothing.
'git ai-survival uninstall --user' takes them out again.`,
		Example: `  # Record provenance for every new commit in this repository
  $ git ai-survival install

  # No hook on the commit's path: notes are written by the next command or push
  $ git ai-survival install --lazy

  # ...and line by line what Claude Code and Cursor write
  $ git ai-survival install --agent claude-code --agent cursor

  # Checkpoints from Gemini CLI in every repository (with install run in each)
  $ git ai-survival install --user --agent gemini

  # Undo it
  $ git ai-survival uninstall`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range opts.Agents {
				if !agentcfg.Known(a) {
					return usageError("--agent %q: install knows %s (other agents: see 'git ai-survival checkpoint --help')", a, strings.Join(agentcfg.Names(), ", "))
				}
			}
			if opts.User && opts.Lazy {
				return usageError("--lazy is about a repository's hooks and --user changes none: run 'git ai-survival install --lazy' in the repository")
			}
			if opts.User && len(opts.Agents) == 0 {
				return usageError("--user needs at least one --agent (%s)", strings.Join(agentcfg.Names(), ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return installRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Agents, "agent", nil, "also merge checkpoint hooks into this agent's project settings ("+strings.Join(agentcfg.Names(), ", ")+"); repeatable")
	cmd.Flags().BoolVar(&opts.Lazy, "lazy", false, "install no post-commit hook: each commit's note is written by the next checkpoint, push, rewrite or command")
	cmd.Flags().BoolVar(&opts.User, "user", false, "put the agents' hooks in their user-level settings (every repository) instead")
	return cmd
}

func installRun(ctx context.Context, opts *InstallOptions) error {
	if opts.User {
		home, state, err := agentcfg.UserDirs()
		if err != nil {
			return usageError("--user: %v", err)
		}
		changes, err := agentcfg.InstallUser(home, state, opts.Agents)
		printAgentChanges(opts.IO, home, underHome(home, changes))
		if err == nil {
			fmt.Fprintln(opts.IO.Out, "checkpoints are recorded in every repository where 'git ai-survival install' was run")
		}
		return err
	}
	repo, err := opts.Repo(ctx)
	if err != nil {
		return err
	}
	res, err := hooks.InstallWith(ctx, repo, hooks.Options{Lazy: opts.Lazy})
	if res != nil {
		printHookResult(opts.IO, res, "added")
		if res.Lazy {
			fmt.Fprintln(opts.IO.Out, "post-commit: none (--lazy); each commit's note is written by the next agent checkpoint, push, rewrite or git-ai-survival command")
		}
	}
	if err != nil || len(opts.Agents) == 0 {
		return err
	}
	changes, err := agentcfg.Install(repo.Top, repo.CommonDir, opts.Agents)
	printAgentChanges(opts.IO, repo.Top, changes)
	return err
}

// printAgentChanges writes one line per agent settings file.
func printAgentChanges(io *IOStreams, top string, changes []agentcfg.Change) {
	for _, c := range changes {
		path := c.Path
		if rel, err := filepath.Rel(top, c.Path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
		var what string
		switch c.Action {
		case agentcfg.Added:
			what = "added checkpoint hooks to " + path
		case agentcfg.Created:
			what = "created " + path + " with checkpoint hooks"
		case agentcfg.Updated:
			what = "updated the checkpoint hooks in " + path
		case agentcfg.UpToDate:
			what = "up to date " + path
		case agentcfg.Restored:
			what = "restored " + path
		case agentcfg.Removed:
			what = "removed " + path
		case agentcfg.Stripped:
			what = "took the checkpoint hooks out of " + path + " (edited since install; the rest is kept)"
		case agentcfg.Missing:
			what = "already gone " + path
		default:
			what = string(c.Action) + " " + path
		}
		fmt.Fprintf(io.Out, "%s: %s\n", c.Agent, what)
	}
}

// printHookResult writes one line per hook and per configuration value
// (added or removed: verb) on stdout, and the warnings on stderr.
func printHookResult(io *IOStreams, res *hooks.Result, verb string) {
	for _, c := range res.Hooks {
		fmt.Fprintf(io.Out, "%s: %s\n", c.Hook, describeHookChange(c))
	}
	for _, c := range res.Config {
		v := verb
		if c.Removed {
			v = "removed"
		}
		fmt.Fprintf(io.Out, "config: %s %s %s\n", v, c.Key, c.Value)
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

// underHome writes the paths of changes under home as ~/<path>.
func underHome(home string, changes []agentcfg.Change) []agentcfg.Change {
	out := append([]agentcfg.Change(nil), changes...)
	for i, c := range out {
		if rel, err := filepath.Rel(home, c.Path); err == nil && !strings.HasPrefix(rel, "..") {
			out[i].Path = "~" + string(filepath.Separator) + rel
		}
	}
	return out
}
