package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/pathspec"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// BlameOptions are the flags of blame.
type BlameOptions struct {
	File   string
	Rev    string
	Format string
	Moves  bool
	// Ranges are the -L <start>,<end> ranges (all lines when none).
	Ranges []string
	// AIOnly shows only the lines AI agents wrote.
	AIOnly bool
	// UnknownAs is --unknown-as: "human", "unknown" or "" (the config's).
	UnknownAs string
}

func newCmdBlame(f *Factory, runF func(context.Context, *BlameOptions) error) *cobra.Command {
	opts := &BlameOptions{}
	cmd := &cobra.Command{
		Use:   "blame <file> [--rev <rev>] [-L <start>,<end>] [--ai-only] [--format text|json] [--moves]",
		Short: "Show every line of a file with its origin, commit and agent",
		Long: `Show, for every line of <file> as it is at <rev> (default HEAD), the commit
that added it, that commit's author and date, whether an AI agent or a
person wrote the line (and which agent), and the line itself. Lines are
traced as by git blame (whole-file renames followed), by the same history
walk as 'git ai-survival report'. With --moves (or moves: true in the
configuration), moved and copied lines keep their origin, as git blame
-M -C -C traces them.

Each text line reads: commit, origin and agent, (author date line) content.
On a terminal the origin is coloured (ai magenta, human green, unknown
grey; NO_COLOR turns colour off). -L takes git blame's forms: <start>,<end>,
<start>,+<count>, <start>, and ,<end>; give it more than once for several
ranges. --format json gives each line's line, origin, commit, agent,
model, author, date (RFC 3339) and content.`,
		Example: `  $ git ai-survival blame src/main.go
  $ git ai-survival blame src/main.go -L 10,40 --ai-only
  $ git ai-survival blame src/main.go --rev v1.2.0 --format json
  $ git ai-survival blame src/main.go --moves`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if err := checkFormat(opts.Format, "text", "json"); err != nil {
				return err
			}
			for _, r := range opts.Ranges {
				if _, err := measure.ParseLineRange(r, 0); err != nil {
					return usageError("%v", err)
				}
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
	cmd.Flags().StringArrayVarP(&opts.Ranges, "lines", "L", nil, "show only lines `<start>,<end>` (as git blame -L; repeatable)")
	cmd.Flags().BoolVar(&opts.AIOnly, "ai-only", false, "show only the lines AI agents wrote")
	unknownAsFlag(cmd, &opts.UnknownAs)
	return cmd
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
	path, err := pathspec.RepoPath(repo.Top, dir, opts.File)
	if err != nil {
		return usageError("%v", err)
	}
	progress := f.progress(opts.Format != "json")
	unknown, err := unknownAs(ctx, repo, cfg, opts.UnknownAs)
	if err != nil {
		return err
	}
	var th walk.Thresholds
	if !opts.Moves && cfg.Moves {
		th = walk.Thresholds{Within: cfg.MovesWithin, Across: cfg.MovesAcross}
	}
	lines, err := measure.Blame(ctx, repo, id, path, measure.Options{Config: cfg, Classify: classify, Unknown: unknown, Moves: opts.Moves || cfg.Moves, MoveThresholds: th, OnProgress: progress.callback(), Warn: f.warnOnce()})
	progress.done()
	if err != nil {
		return usageErrorIfMissing(walkError(err))
	}
	if lines, err = measure.SelectLines(lines, opts.Ranges, opts.AIOnly); err != nil {
		return usageError("%v", err)
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
	return writeBlame(f.IO.Out, lines, f.IO.OutTTY && f.getenv("NO_COLOR") == "")
}

// Colours of the origins on a terminal.
var originColour = map[provenance.Origin]string{
	provenance.AI:      "\033[35m", // magenta
	provenance.Human:   "\033[32m", // green
	provenance.Unknown: "\033[90m", // grey
}

// writeBlame prints lines as "commit origin (author date line) content",
// aligned; colour only on a terminal, where contents are made safe too.
func writeBlame(w io.Writer, lines []measure.BlameLine, colour bool) error {
	whoW, authorW, numW := 0, 0, 1
	who := make([]string, len(lines))
	for i, l := range lines {
		who[i] = string(l.Origin)
		if l.Agent != "" {
			who[i] += " " + term.Replace(l.Agent)
		}
		switch {
		case l.Evidence == provenance.EvidenceGitAI:
			who[i] += " (git-ai)"
		case l.Origin == provenance.Human && l.Evidence == "":
			who[i] += " (no evidence, counted as human)"
		}
		whoW = max(whoW, utf8.RuneCountInString(who[i]))
		authorW = max(authorW, utf8.RuneCountInString(term.Replace(l.Author)))
		numW = max(numW, len(strconv.Itoa(l.Line)))
	}
	authorW = min(authorW, 24)
	bw := bufio.NewWriter(w)
	for i, l := range lines {
		id := l.Commit
		if len(id) > 8 {
			id = id[:8]
		}
		label := pad(who[i], whoW)
		if colour {
			label = originColour[l.Origin] + label + "\033[0m"
		}
		content := l.Content
		if colour {
			content = term.Replace(content)
		}
		fmt.Fprintf(bw, "%s %s (%s %s %*d) %s\n", id, label, pad(truncate(term.Replace(l.Author), authorW), authorW),
			l.Date.UTC().Format("2006-01-02"), numW, l.Line, content)
	}
	return bw.Flush()
}

func pad(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func truncate(s string, w int) string {
	if utf8.RuneCountInString(s) <= w {
		return s
	}
	r := []rune(s)
	return string(r[:w-1]) + "…"
}

func usageErrorIfMissing(err error) error {
	if err != nil && strings.Contains(err.Error(), measure.ErrNoSuchFile.Error()) {
		return &exitError{Code: ExitError, Err: err}
	}
	return err
}
