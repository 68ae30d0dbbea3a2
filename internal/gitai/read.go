package gitai

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// TrackingRef is where a remote's git-ai notes are fetched to: the same
// place git-ai-survival keeps a remote's own notes, never refs/notes/ai.
func TrackingRef(remote string) string {
	return "refs/notes/remotes/" + remote + "/ai"
}

// Entry is one commit's git-ai note.
type Entry struct {
	Commit string
	// Ref is the notes ref the note was read from.
	Ref string
	Log *Log
	// Err is set when the note could not be read; the commit then has no
	// git-ai note.
	Err error
	// Warnings are problems that did not invalidate the note.
	Warnings []string
}

// OK reports whether the entry holds a readable note.
func (e Entry) OK() bool { return e.Err == nil && e.Log != nil }

// Provenance is what the note says of its commit.
func (e Entry) Provenance() provenance.Commit { return e.Log.Commit(e.Commit) }

// Refs lists the refs git-ai notes are read from, strongest first: the
// local refs/notes/ai, then each remote's tracking ref by remote name.
func Refs(ctx context.Context, repo *gitx.Repo) ([]Tip, error) {
	out, err := repo.Output(ctx, "for-each-ref", "--format=%(refname) %(objectname)", NotesRef, "refs/notes/remotes/")
	if err != nil {
		return nil, fmt.Errorf("listing git-ai notes refs: %w", err)
	}
	var local, tracking []Tip
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ref, id, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		switch {
		case ref == NotesRef:
			local = append(local, Tip{Ref: ref, ID: id})
		case strings.HasPrefix(ref, "refs/notes/remotes/") && strings.HasSuffix(ref, "/ai") && len(ref) > len("refs/notes/remotes//ai"):
			tracking = append(tracking, Tip{Ref: ref, ID: id})
		}
	}
	sort.Slice(tracking, func(i, j int) bool { return tracking[i].Ref < tracking[j].Ref })
	return append(local, tracking...), nil
}

// Tip is a notes ref and the commit it points to.
type Tip struct{ Ref, ID string }

// Fingerprint names the state of every git-ai notes ref, so that a saved
// walk is redone when one of them moves ("" when there is none).
func Fingerprint(tips []Tip) string {
	var b strings.Builder
	for _, t := range tips {
		fmt.Fprintf(&b, "%s %s\n", t.Ref, t.ID)
	}
	return b.String()
}

// ReadAll reads the git-ai notes of the commits want accepts (nil: all)
// from every ref of tips. A commit with notes in several refs takes the
// first readable one (the local ref before the tracking refs).
func ReadAll(ctx context.Context, repo *gitx.Repo, tips []Tip, want func(commit string) bool) (map[string]Entry, error) {
	entries := map[string]Entry{}
	for _, t := range tips {
		out, err := repo.Output(ctx, "notes", "--ref="+t.Ref, "list")
		if err != nil {
			return nil, fmt.Errorf("listing notes in %s: %w", t.Ref, err)
		}
		commitsOf := map[string][]string{}
		var ids []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			blob, commit, ok := strings.Cut(line, " ")
			if !ok || (want != nil && !want(commit)) {
				continue
			}
			if e, had := entries[commit]; had && e.OK() {
				continue
			}
			if len(commitsOf[blob]) == 0 {
				ids = append(ids, blob)
			}
			commitsOf[blob] = append(commitsOf[blob], commit)
		}
		if len(ids) == 0 {
			continue
		}
		err = repo.CatBatch(ctx, ids, func(blob string, data []byte) {
			for _, c := range commitsOf[blob] {
				e := ParseEntry(c, t.Ref, data)
				if _, had := entries[c]; had && !e.OK() {
					continue // keep the first error
				}
				entries[c] = e
			}
		})
		if err != nil {
			return nil, fmt.Errorf("reading notes in %s: %w", t.Ref, err)
		}
	}
	return entries, nil
}

// Read reads the git-ai note of one commit, from the first ref of Refs
// that has a readable one; the map is empty when none has a note.
func Read(ctx context.Context, repo *gitx.Repo, commit string) (map[string]Entry, error) {
	tips, err := Refs(ctx, repo)
	if err != nil || len(tips) == 0 {
		return nil, err
	}
	return ReadAll(ctx, repo, tips, func(c string) bool { return c == commit })
}

// ParseEntry reads the git-ai note blob data of commit, found in ref.
func ParseEntry(commit, ref string, data []byte) Entry {
	log, err := Parse(data)
	if err != nil {
		return Entry{Commit: commit, Ref: ref, Err: fmt.Errorf("the git-ai note on commit %s (%s) is not readable (%v); it is ignored", provenance.ShortID(commit), ref, err)}
	}
	e := Entry{Commit: commit, Ref: ref, Log: log}
	for _, w := range log.Warnings() {
		e.Warnings = append(e.Warnings, fmt.Sprintf("the git-ai note on commit %s: %s", provenance.ShortID(commit), w))
	}
	return e
}
