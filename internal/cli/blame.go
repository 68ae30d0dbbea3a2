package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// BlameOptions are the flags of blame.
type BlameOptions struct {
	File   string
	Rev    string
	Format string
	Moves  bool
	// UnknownAs is --unknown-as: "human", "unknown" or "" (the config's).
	UnknownAs string
}

func newCmdBlame(f *Factory, runF func(context.Context, *BlameOptions) error) *cobra.Command {
	opts := &BlameOptions{}
	cmd := &cobra.Command{
		Use:   "blame <file> [--rev <rev>] [--format text|json] [--moves]",
		Short: "Show every line of a file with its origin, commit and agent",
		Long: `Show, for every line of <file> as it is at <rev> (default HEAD), the commit
that added it and whether an AI agent or a person wrote it. Lines are traced
as by git blame (whole-file renames followed), by the same history walk as
'git ai-survival report'. With --moves (or moves: true in the configuration),
moved and copied lines keep their origin, as git blame -M -C -C traces them.`,
		Example: `  $ git ai-survival blame src/main.go
  $ git ai-survival blame src/main.go --rev v1.2.0 --format json
  $ git ai-survival blame src/main.go --moves`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if err := checkUnknownAs(opts.UnknownAs); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return blameRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Rev, "rev", "HEAD", "the revision to blame the file at")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&opts.Moves, "moves", false, "keep the origin of moved and copied lines (as git blame -M -C -C)")
	unknownAsFlag(cmd, &opts.UnknownAs)
	return cmd
}

// repoPath turns a path given on the command line (relative to the
// current directory) into a path relative to the top of the repository.
func repoPath(repo *gitx.Repo, dir, file string) (string, error) {
	if repo.Top == "" {
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
	rel, err := filepath.Rel(repo.Top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", usageError("%s is outside the repository %s", file, repo.Top)
	}
	return filepath.ToSlash(rel), nil
}

func blameRun(ctx context.Context, f *Factory, opts *BlameOptions) error {
	repo, err := f.Repo(ctx)
	if err != nil {
		return err
	}
	f.mergeFetchedNotes(ctx, repo) // notes a plain git fetch brought
	cfg, classify, err := f.setup(repo)
	if err != nil {
		return err
	}
	id, err := repo.ResolveCommit(ctx, opts.Rev)
	if err != nil {
		return usageError("%v", err)
	}
	dir := f.Dir
	if dir == "" {
		dir = "."
	}
	path, err := repoPath(repo, dir, opts.File)
	if err != nil {
		return err
	}
	progress := f.progress(opts.Format != "json")
	unknown, err := unknownAs(ctx, repo, cfg, opts.UnknownAs)
	if err != nil {
		return err
	}
	lines, err := measure.Blame(ctx, repo, id, path, measure.Options{Config: cfg, Classify: classify, Unknown: unknown, Moves: opts.Moves || cfg.Moves, OnProgress: progress.callback(), Warn: f.warnOnce()})
	progress.done()
	if err != nil {
		return usageErrorIfMissing(walkError(err))
	}
	if opts.Format == "json" {
		if lines == nil {
			lines = []measure.BlameLine{}
		}
		// unknown_as is there when lines with no evidence count as human
		// (those lines have no evidence).
		out := struct {
			UnknownAs string              `json:"unknown_as,omitempty"`
			Lines     []measure.BlameLine `json:"lines"`
		}{Lines: lines}
		if unknown != nil {
			out.UnknownAs = "human"
		}
		return writeJSON(f.IO.Out, out)
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 1, ' ', 0)
	for _, l := range lines {
		who := string(l.Origin)
		if l.Agent != "" {
			who += " " + l.Agent
		}
		switch {
		case l.Evidence == provenance.EvidenceGitAI:
			who += " (git-ai)"
		case l.Origin == provenance.Human && l.Evidence == "":
			who += " (no evidence, counted as human)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\n", l.Commit[:12], who, l.Line)
	}
	return tw.Flush()
}

func usageErrorIfMissing(err error) error {
	if err != nil && strings.Contains(err.Error(), measure.ErrNoSuchFile.Error()) {
		return &exitError{Code: ExitError, Err: err}
	}
	return err
}
