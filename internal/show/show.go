// Package show is what `git ai-survival show` says of one commit: where
// its provenance comes from (its note, git-ai's note, its metadata, or
// nothing), its origin, and the origin of every line it added. The JSON
// form of Result is the command's --format json.
package show

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Result is one commit's provenance, as show prints it.
type Result struct {
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
	Files     []File                 `json:"files"`
	Binary    []string               `json:"binary_files"`
	Warnings  []string               `json:"warnings"`
}

// File is the added lines of one file, by range.
type File struct {
	Path string `json:"path"`
	// RawPath holds the bytes of a path that is not valid UTF-8 (base64;
	// "path" then shows it with replacement characters).
	RawPath []byte  `json:"raw_path,omitempty"`
	Ranges  []Range `json:"ranges"`
}

// Range is a run of added lines with one attribution.
type Range struct {
	Lines string `json:"lines"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	provenance.Attribution
}

// Options are how commits without a note are classified.
type Options struct {
	Classify    resolve.Classifier
	NoInference bool
	// Unknown, when set, counts lines with no evidence as human.
	Unknown *resolve.UnknownAs
}

// Commit reads the provenance of commit id (a full commit id).
func Commit(ctx context.Context, repo *gitx.Repo, id string, opts Options) (*Result, error) {
	metas, err := repo.ReadMeta(ctx, "--no-walk", id)
	if err != nil {
		return nil, err
	}
	entry, has, err := notes.New(repo).Read(ctx, id)
	if err != nil {
		return nil, err
	}
	res := &Result{Commit: id, Sources: []string{}, Added: map[string]int{"ai": 0, "human": 0, "unknown": 0}, Files: []File{}, Binary: []string{}, Warnings: []string{}}
	r := &resolve.Resolver{Notes: map[string]notes.Entry{}, Classify: opts.Classify, NoInference: opts.NoInference, UnknownAs: opts.Unknown,
		Warn: func(w string) { res.Warnings = append(res.Warnings, w) }}
	if has {
		r.Notes[id] = entry
		res.Warnings = append(res.Warnings, entry.Warnings...)
		if entry.Err == nil && !entry.Describes() {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the note on %s only holds records copied from rewritten commits (%s)", id[:12], strings.Join(entry.Note.Commits(), ", ")))
		}
	}
	if !has || !entry.Describes() {
		if r.GitAI, err = gitai.Read(ctx, repo, id); err != nil {
			return nil, err
		}
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
	// No deadline: show reads the whole commit, however long it takes.
	if err := added.Stream(ctx, repo, time.Time{}, func(a added.Lines) error { add = a; return nil }, "--no-walk", id); err != nil {
		return nil, err
	}
	views := capture.View(add, pc)
	for o, n := range capture.Count(views) {
		res.Added[string(o)] = n
	}
	for _, v := range views {
		sf := File{Path: v.Path}
		if !utf8.ValidString(v.Path) {
			sf.RawPath = []byte(v.Path)
		}
		for _, s := range v.Spans {
			sf.Ranges = append(sf.Ranges, Range{Lines: provenance.NewLineSet(s.Range).String(), Start: s.Start, End: s.End, Attribution: s.Attribution})
		}
		res.Files = append(res.Files, sf)
	}
	res.Binary = append(res.Binary, add.Binary...)
	return res, nil
}
