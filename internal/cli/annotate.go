package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/annotate"
	"github.com/git-ai-survival/git-ai-survival/internal/restore"
)

// AnnotateOptions are the flags of annotate.
type AnnotateOptions struct {
	Target string // a revision or a range; "" = all history of HEAD
	Agent  string
	Model  string
	Human  bool
	Force  bool
	// Restore restores the notes of commits a server squashed or rebased
	// from the commits they came from.
	Restore bool
}

func newCmdAnnotate(f *Factory, runF func(context.Context, *AnnotateOptions) error) *cobra.Command {
	opts := &AnnotateOptions{}
	cmd := &cobra.Command{
		Use:   "annotate [<rev> | <range>] [--agent <name> [--model <model>] | --human] [--force]",
		Short: "Write notes for commits that lack one (backfill or tag by hand)",
		Long: `Write provenance notes for commits that have none.

Without --agent or --human, each commit is classified from its metadata by
the same rules the post-commit hook uses (Co-authored-by, Assisted-by and
other agents' trailers, agent markers, agents' bot accounts, your
.ai-survival.yaml rules); commits with no evidence are left without a note
and counted as "unknown" by reports, and commits with a git-ai note
(refs/notes/ai) are left to it, as it tags them line by line.

With --agent or --human, every line those commits added is tagged that way
(evidence "manual"); a revision or range must then be named.

Existing notes are never replaced unless --force is given.

With --restore, commits without a note whose changes come from noted commits
(a pull request squashed or rebased on GitHub or GitLab) get their note
back: each line they added takes the attribution of the source commit that
wrote it (evidence "restored"). Sources are found from the "(#123)" of a
squash subject and refs/pull/123/head (GitLab: "!123" and
refs/merge-requests/123/head, fetched when missing), from commits with the
same patch, and from noted commits outside the branch that added the same
lines.`,
		Example: `  # Backfill notes for all history from commit evidence
  $ git ai-survival annotate

  # Tag the last three commits as written by Claude Code
  $ git ai-survival annotate HEAD~3..HEAD --agent claude-code --model claude-opus-4

  # A commit a person wrote by hand, replacing its note
  $ git ai-survival annotate 1a2b3c4 --human --force

  # Give squash and rebase merges of pull requests their notes back
  $ git ai-survival annotate --restore origin/main~20..origin/main`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Target = args[0]
			}
			if opts.Agent != "" && opts.Human {
				return usageError("--agent and --human exclude each other")
			}
			if opts.Model != "" && opts.Agent == "" {
				return usageError("--model goes with --agent")
			}
			if opts.Restore && (opts.Agent != "" || opts.Human || opts.Force) {
				return usageError("--restore goes alone: it never replaces a note and takes attribution from the source commits")
			}
			if (opts.Agent != "" || opts.Human) && opts.Target == "" {
				return usageError("name the commits to tag, e.g. 'git ai-survival annotate HEAD --human'")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return annotateRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Agent, "agent", "", "tag every added line as written by this agent (claude-code, cursor, aider, codex, ...)")
	cmd.Flags().StringVar(&opts.Model, "model", "", "the agent's model, with --agent")
	cmd.Flags().BoolVar(&opts.Human, "human", false, "tag every added line as written by a person")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace notes that are already there")
	cmd.Flags().BoolVar(&opts.Restore, "restore", false, "restore the notes of squashed or rebased pull requests' commits from their sources")
	return cmd
}

func annotateRun(ctx context.Context, f *Factory, opts *AnnotateOptions) error {
	repo, err := f.Repo(ctx)
	if err != nil {
		return err
	}
	revs, err := annotate.Revs(ctx, repo, opts.Target)
	if err != nil {
		return usageError("%v", err)
	}
	// A note the post-commit hook is writing in the background comes first:
	// annotating HEAD right after a commit must not race it.
	f.settleNotes(ctx, repo)
	if opts.Restore {
		f.mergeFetchedNotes(ctx, repo)
		res, err := restore.Restore(ctx, repo, revs, restore.Options{Classify: f.hookClassifier(ctx, repo), Remote: restoreRemote(ctx, repo)})
		for _, w := range res.Warnings {
			f.Warnf("%s", w)
		}
		if err != nil {
			return err
		}
		res.Print(f.IO.Out)
		return nil
	}
	_, classify, err := f.setup(repo)
	if err != nil {
		return err
	}
	res, err := annotate.Run(ctx, repo, revs, annotate.Options{Agent: opts.Agent, Model: opts.Model, Human: opts.Human, Force: opts.Force, Classify: classify})
	if err != nil {
		return err
	}
	printAnnotate(f, res)
	if res.GitAI > 0 {
		fmt.Fprintf(f.IO.Out, "left %d commit%s to their git-ai notes (refs/notes/ai), which tag them line by line\n", res.GitAI, plural(res.GitAI))
	}
	if res.Selected == 0 {
		return errors.New("no commits selected")
	}
	return nil
}

// printAnnotate says what annotate wrote and left.
func printAnnotate(f *Factory, r annotate.Result) {
	var parts []string
	for l, n := range r.Labels {
		parts = append(parts, fmt.Sprintf("%d %s", n, l))
	}
	sort.Strings(parts)
	w := safeOut(f.IO.Out)
	defer w.Flush()
	n := r.Write.Written + r.Write.Replaced
	fmt.Fprintf(w, "annotated %d commit%s", n, plural(n))
	if n > 0 {
		fmt.Fprintf(w, ": %s", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	if r.Write.Replaced > 0 {
		fmt.Fprintf(w, "replaced %d note%s (--force)\n", r.Write.Replaced, plural(r.Write.Replaced))
	}
	if r.Kept > 0 {
		fmt.Fprintf(w, "kept %d note%s already there (use --force to replace)\n", r.Kept, plural(r.Kept))
	}
	if r.NoEvidence > 0 {
		fmt.Fprintf(w, "left %d commit%s without evidence untagged (tag them with --human or --agent <name>)\n", r.NoEvidence, plural(r.NoEvidence))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
