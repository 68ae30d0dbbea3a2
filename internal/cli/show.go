package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
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

func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return usageError("invalid --format %q: use one of %s", got, strings.Join(allowed, ", "))
}

// showResult is the JSON form of show.
type showResult struct {
	Commit string            `json:"commit"`
	Source provenance.Source `json:"source"`
	// NotesRef is the ref git-ai's note was read from (source "git-ai").
	NotesRef string `json:"notes_ref,omitempty"`
	// UnknownAs is "human" when the commit has no evidence and counts as
	// human by the unknown-as setting.
	UnknownAs string                 `json:"unknown_as,omitempty"`
	Partial   bool                   `json:"partial"`
	Origin    provenance.Attribution `json:"origin"`
	Sources   []string               `json:"sources"`
	Added     map[string]int         `json:"added"`
	Files     []showFile             `json:"files"`
	Binary    []string               `json:"binary_files"`
	Warnings  []string               `json:"warnings"`
}

type showFile struct {
	Path string `json:"path"`
	// RawPath holds the bytes of a path that is not valid UTF-8 (base64;
	// "path" then shows it with replacement characters).
	RawPath []byte      `json:"raw_path,omitempty"`
	Ranges  []showRange `json:"ranges"`
}

type showRange struct {
	Lines string `json:"lines"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	provenance.Attribution
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
	metas, err := repo.ReadMeta(ctx, "--no-walk", id)
	if err != nil {
		return err
	}
	entry, has, err := notes.New(repo).Read(ctx, id)
	if err != nil {
		return err
	}
	cfg, classify, err := f.setup(repo)
	if err != nil {
		return err
	}
	res := showResult{Commit: id, Sources: []string{}, Added: map[string]int{"ai": 0, "human": 0, "unknown": 0}, Files: []showFile{}, Binary: []string{}, Warnings: []string{}}
	r := &resolve.Resolver{Notes: map[string]notes.Entry{}, Classify: classify, NoInference: !cfg.Inference, Warn: func(w string) { res.Warnings = append(res.Warnings, w) }}
	if has {
		r.Notes[id] = entry
		res.Warnings = append(res.Warnings, entry.Warnings...)
		if entry.Err == nil && !entry.Describes() {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the note on %s only holds records copied from rewritten commits (%s)", id[:12], strings.Join(entry.Note.Commits(), ", ")))
		}
	}
	if !has || !entry.Describes() {
		if r.GitAI, err = gitai.Read(ctx, repo, id); err != nil {
			return err
		}
	}
	if r.UnknownAs, err = unknownAs(ctx, repo, cfg, opts.UnknownAs); err != nil {
		return err
	}
	pc, src := r.Resolve(metas[0])
	if src == provenance.SourceNone && pc.Default.Origin == provenance.Human {
		res.UnknownAs = "human"
	}
	if src == provenance.SourceGitAI {
		res.NotesRef = r.GitAI[id].Ref
	}
	res.Source, res.Partial, res.Origin = src, pc.Partial, pc.Default
	res.Sources = append(res.Sources, pc.Sources...)
	var add added.Lines
	if err := added.Stream(ctx, repo, time.Time{}, func(a added.Lines) error { add = a; return nil }, "--no-walk", id); err != nil {
		return err
	}
	views := capture.View(add, pc)
	for o, n := range capture.Count(views) {
		res.Added[string(o)] = n
	}
	for _, v := range views {
		sf := showFile{Path: v.Path}
		if !utf8.ValidString(v.Path) {
			sf.RawPath = []byte(v.Path)
		}
		for _, s := range v.Spans {
			sf.Ranges = append(sf.Ranges, showRange{Lines: provenance.NewLineSet(s.Range).String(), Start: s.Start, End: s.End, Attribution: s.Attribution})
		}
		res.Files = append(res.Files, sf)
	}
	res.Binary = append(res.Binary, add.Binary...)
	if opts.Format == "json" {
		return writeJSON(f.IO.Out, res)
	}
	for _, w := range res.Warnings {
		f.Warnf("%s", w)
	}
	return printShow(safeOut(f.IO.Out), res)
}

// safeOut wraps w, the stdout of a human-readable output, so that what
// came from notes, trailers and file names cannot drive the terminal.
func safeOut(w io.Writer) *term.Writer { return term.NewWriter(w) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

var sourceText = map[provenance.Source]string{
	provenance.SourceNote:     "note (refs/notes/ai-survival)",
	provenance.SourceInferred: "inferred from the commit's metadata (no note)",
	provenance.SourceNone:     "none: no note and no evidence",
}

func printShow(w *term.Writer, res showResult) error {
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
