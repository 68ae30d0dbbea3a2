package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/show"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// ShowOptions are the flags of show.
type ShowOptions struct {
	Rev    string
	Format string
	// UnknownAs is --unknown-as: "human", "unknown" or "" (the config's).
	UnknownAs string
}

func newCmdShow(f *Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{}
	cmd := &cobra.Command{
		Use:   "show [<rev>]",
		Short: "Show one commit's provenance: files, line ranges, origin, agent",
		Long: `Show which lines a commit added and who wrote them, as its git note
(refs/notes/ai-survival) records. A commit without a note takes git-ai's
authorship note (refs/notes/ai, or a remote's refs/notes/remotes/<remote>/ai)
when it has one, else is classified from its metadata (trailers such as
Co-authored-by, agent markers, your rules); with no evidence at all its
lines are "unknown" (or human, with --unknown-as human).`,
		Example: `  $ git ai-survival show
  $ git ai-survival show HEAD~3
  $ git ai-survival show v1.2.0 --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Rev = "HEAD"
			if len(args) == 1 {
				opts.Rev = args[0]
			}
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			if err := checkUnknownAs(opts.UnknownAs); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	unknownAsFlag(cmd, &opts.UnknownAs)
	return cmd
}

func showRun(ctx context.Context, f *Factory, opts *ShowOptions) error {
	repo, err := f.Repo(ctx)
	if err != nil {
		return err
	}
	f.mergeFetchedNotes(ctx, repo) // notes a plain git fetch brought
	id, err := repo.ResolveCommit(ctx, opts.Rev)
	if err != nil {
		return usageError("%v", err)
	}
	cfg, classify, err := f.setup(repo)
	if err != nil {
		return err
	}
	unknown, err := unknownAs(ctx, repo, cfg, opts.UnknownAs)
	if err != nil {
		return err
	}
	res, err := show.Commit(ctx, repo, id, show.Options{Classify: classify, NoInference: !cfg.Inference, Unknown: unknown})
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeJSON(f.IO.Out, res)
	}
	for _, w := range res.Warnings {
		f.Warnf("%s", w)
	}
	return printShow(safeOut(f.IO.Out), res)
}

var sourceText = map[provenance.Source]string{
	provenance.SourceNote:     "note (refs/notes/ai-survival)",
	provenance.SourceInferred: "inferred from the commit's metadata (no note)",
	provenance.SourceNone:     "none: no note and no evidence",
}

func printShow(w *term.Writer, res *show.Result) error {
	defer w.Flush()
	total := 0
	for _, n := range res.Added {
		total += n
	}
	fmt.Fprintf(w, "commit   %s\n", res.Commit)
	if res.Source == provenance.SourceGitAI {
		fmt.Fprintf(w, "source   git-ai's authorship note (%s); no note of ours\n", res.NotesRef)
	} else if res.UnknownAs == "human" {
		fmt.Fprintln(w, "source   none: no note and no evidence; counted as human (unknown-as human)")
	} else {
		fmt.Fprintf(w, "source   %s\n", sourceText[res.Source])
	}
	fmt.Fprintf(w, "origin   %s\n", describe(res.Origin))
	fmt.Fprintf(w, "added    %d lines: %d ai, %d human", total, res.Added["ai"], res.Added["human"])
	if n := res.Added["unknown"]; n > 0 {
		fmt.Fprintf(w, ", %d unknown", n)
	}
	fmt.Fprintln(w)
	if len(res.Sources) > 0 {
		fmt.Fprintf(w, "restored from %s\n", strings.Join(res.Sources, ", "))
	}
	if res.Partial {
		fmt.Fprintln(w, "partial  the hook ran out of time; lines not listed take the commit's origin")
	}
	if len(res.Files) == 0 && len(res.Binary) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, file := range res.Files {
		for _, r := range file.Ranges {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", displayPath(file.Path), r.Lines, describe(r.Attribution))
		}
	}
	for _, b := range res.Binary {
		fmt.Fprintf(tw, "%s\t-\tbinary, not counted\n", displayPath(b))
	}
	return tw.Flush()
}

// describe is an attribution for people: "ai (claude-code, opus) by trailer".
func describe(a provenance.Attribution) string {
	s := a.Label()
	if a.Evidence != "" && a.Evidence != provenance.EvidenceDefault {
		s += " by " + string(a.Evidence)
	}
	if l := a.Agents.List(); len(l) > 1 {
		s += "; agents " + strings.Join(l, ", ")
	}
	return term.Line(s) // agent and model names come from notes
}

// displayPath quotes a path that holds control or invisible characters.
func displayPath(p string) string {
	for _, r := range p {
		if !unicode.IsPrint(r) || r == '"' {
			return strconv.Quote(p)
		}
	}
	return p
}
