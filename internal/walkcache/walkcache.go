// Package walkcache keeps the survival walk under the git directory, so
// that a report after one new commit reads only that commit.
//
// An entry is the record of one walk (walk.Run) of a range: the events its
// callbacks received, in order (commits with their metadata and
// attribution, births, deaths, moves), the commits it walked, and its end
// state (the end commit's line-origin tree, linemap.Tree.Export, with the
// content hashes of its lines when moves were traced). A later walk of the
// same range with a new end that descends from the cached end replays the
// events into the new walk's callbacks, which is far cheaper than reading
// the diffs again, then continues the walk from the saved tree over the
// commits after the cached end (walk.Options.Resume). The cache knows
// nothing of what the callbacks compute: every collector sees the same
// events, in the same order, as in a walk from scratch. Births and commits
// are made once per entry, so every event about one carries the same
// pointer, as in a walk.
//
// # Key and validity
//
// An entry's file name is a hash of its Key: the range's start (A of
// A..B, resolved; "" for a whole history), whether moves are traced, and
// a fingerprint of every other setting that changes the figures (the path
// filter, the evidence rules, inference, the program's build). The range's
// end is not part of the key: the entry says which end it holds. It is
// used only when
//
//   - its checksum (SHA-256 of everything after the header) and size match
//     and its format version is FormatVersion; otherwise it is rebuilt
//     with a warning (a corrupt file) or without (another version);
//   - the new end is the cached end or descends from it (a rewritten
//     history, where the cached end is no longer an ancestor, rebuilds);
//   - every commit after the cached end has parents, all of them the cached
//     end or commits after it: a merge that brings in a branch forked
//     before the cached end would need trees the entry does not hold (and
//     changes when lines of the old history die), so it rebuilds;
//   - the notes ref changed only for commits the cached walk has not
//     walked (git diff-tree between the notes commits names the notes that
//     changed): a note added, replaced or removed for a walked commit
//     rebuilds.
//
// Entries are written only after a successful walk, to a temporary file
// renamed into place, so a reader sees a whole entry or none. At most
// MaxEntries entries are kept (the least recently used go first).
//
// Memory: the events are read a frame at a time and replayed one by one
// as they are decoded; what stays is what the walk itself would hold (the
// commits and births the end tree still refers to, and that tree).
package walkcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// MaxEntries is the number of entries kept.
const MaxEntries = 4

// Key is what an entry is for, besides the range's end.
type Key struct {
	// Start is the resolved start of the range (A of A..B), "" when the
	// range reaches the root.
	Start string
	// Moves says whether moved and copied lines were traced, and
	// Thresholds with which scores (git's defaults when zero).
	Moves      bool
	Thresholds walk.Thresholds
	// Settings fingerprints every other setting that changes the
	// figures (see measure).
	Settings string
}

func (k Key) name() string {
	th := ""
	if k.Moves {
		t := k.Thresholds.Or()
		th = fmt.Sprintf("\x00%d,%d", t.Within, t.Across)
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%d\x00%s\x00%t\x00%s%s", FormatVersion, k.Start, k.Moves, k.Settings, th))
	return hex.EncodeToString(h[:12]) + ".walk"
}

// Options configure a cached walk.
type Options struct {
	// Dir is where entries are kept; Dir returns the usual one.
	Dir string
	// Settings fingerprints the settings that change the figures besides
	// the range and moves (Key.Settings).
	Settings string
	// NotesRef is the ref the walk's attributions read notes from.
	NotesRef string
	// Attributor makes the walk's attributor, given the commits it will
	// attribute (nil: any commit of the range).
	Attributor func(commits []string) (walk.Attributor, error)
	// Warn receives warnings (a corrupt entry).
	Warn func(string)
}

// Stats say what a cached walk did.
type Stats struct {
	// Resumed is set when an entry was used: Replayed commits came from
	// it and Walked were read from git.
	Resumed          bool
	Replayed, Walked int
	// Rebuilt says why an entry was not used ("" when none existed or
	// one was used).
	Rebuilt string
	// Saved is set when the walk was saved.
	Saved bool
}

// Dir returns <git-common-dir>/ai-survival/cache.
func Dir(repo *gitx.Repo) string {
	return filepath.Join(repo.CommonDir, "ai-survival", "cache")
}

// Run walks opts.Range as walk.Run does (opts.Attributor is set from
// c.Attributor), continuing from a valid cached walk of the same range when
// there is one, and saves the walk for the next run.
func Run(ctx context.Context, repo *gitx.Repo, opts walk.Options, c Options) (*walk.Result, Stats, error) {
	var st Stats
	key, end, err := resolve(ctx, repo, opts)
	if err != nil {
		// Let the walk say what is wrong with the range.
		return plain(ctx, repo, opts, c)
	}
	key.Settings = c.Settings
	notesTip := ""
	if c.NotesRef != "" {
		notesTip, _ = repo.Line(ctx, "rev-parse", "--verify", "--quiet", c.NotesRef+"^{commit}")
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return plain(ctx, repo, opts, c)
	}
	path := filepath.Join(c.Dir, key.name())

	var p *plan
	e, err := openEntry(path)
	switch {
	case err == nil:
		defer e.close()
		p, st.Rebuilt, err = check(ctx, repo, e, key, end, notesTip)
		if err != nil {
			return nil, st, err
		}
	case errors.Is(err, errCorrupt):
		c.warn(fmt.Sprintf("warning: the report cache %s is corrupt (%v); measuring the whole history again", path, err))
		st.Rebuilt = "corrupt"
	case errors.Is(err, errVersion):
		st.Rebuilt = "format version"
	case !errors.Is(err, os.ErrNotExist):
		st.Rebuilt = err.Error()
	}

	var w *writer
	if p != nil && len(p.commits) == 0 && notesTip == e.meta.NotesTip {
		// Nothing new: replay without writing the same entry again.
		now := time.Now()
		os.Chtimes(path, now, now) // most recently used
	} else if w, err = newWriter(c.Dir); err != nil {
		w = nil
	}
	saved := false
	defer func() {
		if w != nil && !saved {
			w.abort()
		}
	}()
	// The recorder sees the new walk's events; the replayed ones are
	// copied as they are saved.
	var rec *recorder
	if w != nil {
		rec = newRecorder(w.out)
	} else {
		rec = newRecorder(discard{})
	}
	callbacks := opts
	opts = rec.wrap(opts)

	var commits []string
	if p != nil {
		commits = p.commits
	}
	attr, err := c.Attributor(commits)
	if err != nil {
		return nil, st, err
	}
	opts.Attributor = attr

	if p != nil {
		resume, err := replay(e, callbacks, rec)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				return nil, st, err
			}
			// A checksum that matches a malformed entry: not ours to
			// trust. The callbacks have seen events; start over.
			return nil, st, fmt.Errorf("the report cache %s is malformed (%v): remove it, or run with --no-cache", path, err)
		}
		resume.Children = p.children
		opts.Resume = resume
		st.Resumed, st.Replayed = true, resume.Walked
	}
	res, err := walk.Run(ctx, repo, opts)
	if err != nil {
		return nil, st, err
	}
	st.Walked = res.Commits
	if w == nil || res.Tree == nil {
		return res, st, nil
	}
	if err := save(w, rec, res, meta{Version: FormatVersion, Key: key, End: res.End, NotesTip: notesTip}, path); err == nil {
		saved, st.Saved = true, true
		prune(c.Dir, MaxEntries)
	}
	return res, st, nil
}

func (c Options) warn(msg string) {
	if c.Warn != nil {
		c.Warn(msg)
	}
}

// plain walks without the cache.
func plain(ctx context.Context, repo *gitx.Repo, opts walk.Options, c Options) (*walk.Result, Stats, error) {
	attr, err := c.Attributor(nil)
	if err != nil {
		return nil, Stats{}, err
	}
	opts.Attributor = attr
	res, err := walk.Run(ctx, repo, opts)
	return res, Stats{Walked: resCommits(res)}, err
}

func resCommits(res *walk.Result) int {
	if res == nil {
		return 0
	}
	return res.Commits
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// resolve returns the key and the resolved end of opts.Range.
func resolve(ctx context.Context, repo *gitx.Repo, opts walk.Options) (Key, string, error) {
	startRev, endRev, err := walk.SplitRange(opts.Range)
	if err != nil {
		return Key{}, "", err
	}
	key := Key{Moves: opts.Moves, Thresholds: opts.MoveThresholds}
	end, err := repo.ResolveCommit(ctx, endRev)
	if err != nil {
		return Key{}, "", err
	}
	if startRev != "" {
		if key.Start, err = repo.ResolveCommit(ctx, startRev); err != nil {
			return Key{}, "", err
		}
	}
	return key, end, nil
}

// plan is how to continue a cached walk.
type plan struct {
	// commits are the commits after the cached end; children the number
	// of them that have the cached end as a parent.
	commits  []string
	children int
}

// check says whether e can be continued to end, and how; when it cannot,
// why.
func check(ctx context.Context, repo *gitx.Repo, e *entry, key Key, end, notesTip string) (*plan, string, error) {
	m := &e.meta
	if m.Key != key {
		return nil, "key", nil
	}
	if m.End != end {
		if _, err := repo.Output(ctx, "merge-base", "--is-ancestor", m.End, end); err != nil {
			var ge *gitx.Error
			if errors.As(err, &ge) {
				return nil, "history rewritten", nil
			}
			return nil, "", err
		}
	}
	p := &plan{}
	if m.End != end {
		args := []string{"rev-list", "--parents", "^" + m.End}
		if key.Start != "" {
			args = append(args, "^"+key.Start)
		}
		out, err := repo.Output(ctx, append(args, end, "--")...)
		if err != nil {
			return nil, "", err
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		set := make(map[string]bool, len(lines))
		var rows [][]string
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) == 0 {
				continue
			}
			set[f[0]] = true
			rows = append(rows, f)
		}
		for _, f := range rows {
			if len(f) == 1 {
				return nil, "a new root commit", nil
			}
			for _, parent := range f[1:] {
				switch {
				case parent == m.End:
					p.children++
				case !set[parent]:
					return nil, "a merge of history from before the cached end", nil
				}
			}
			p.commits = append(p.commits, f[0])
		}
	}
	if notesTip != m.NotesTip {
		changed, err := changedNotes(ctx, repo, m.NotesTip, notesTip)
		if err != nil {
			return nil, "notes history unreadable", nil
		}
		if len(changed) > 0 {
			ids, err := e.ids()
			if err != nil {
				return nil, "", err
			}
			walked := false
			ids.each(func(id string) bool {
				walked = changed[id]
				return !walked
			})
			if walked {
				return nil, "notes changed for walked commits", nil
			}
		}
	}
	return p, "", nil
}

// changedNotes returns the commits whose notes differ between two commits
// of the notes ref ("" for none).
func changedNotes(ctx context.Context, repo *gitx.Repo, from, to string) (map[string]bool, error) {
	var args []string
	switch {
	case from == "":
		args = []string{"ls-tree", "-r", "--name-only", to}
	case to == "":
		args = []string{"ls-tree", "-r", "--name-only", from}
	default:
		args = []string{"diff-tree", "-r", "--name-only", "--no-renames", from, to}
	}
	out, err := repo.Output(ctx, args...)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.ReplaceAll(strings.TrimSpace(l), "/", ""); l != "" {
			set[l] = true
		}
	}
	return set, nil
}

// replay feeds e's events to opts' callbacks (recording them in rec, whose
// frames are e's own) and returns how to resume from e's end.
func replay(e *entry, opts walk.Options, rec *recorder) (*walk.Resume, error) {
	p := &replayer{opts: opts, rec: rec}
	err := e.frames(func(data []byte) error {
		if err := p.frame(data); err != nil {
			return fmt.Errorf("%w: events: %v", errCorrupt, err)
		}
		rec.writeFrame(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m := &e.meta
	if len(p.commits) != m.Commits || len(p.births) != m.Births {
		return nil, fmt.Errorf("%w: %d commits and %d births where %d and %d were saved", errCorrupt, len(p.commits), len(p.births), m.Commits, m.Births)
	}
	rec.events = m.Events
	saved, err := e.state()
	if err != nil {
		return nil, err
	}
	ts, err := saved.state(p.births)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	tree, err := linemap.Import(ts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return &walk.Resume{Commit: m.End, Tree: tree, Walked: len(p.commits)}, nil
}

// save finishes the entry w holds and moves it to path.
func save(w *writer, rec *recorder, res *walk.Result, m meta, path string) error {
	rec.flush()
	if rec.err == nil {
		rec.err = rec.w.Flush()
	}
	if rec.err != nil {
		return rec.err
	}
	st, err := saveTree(res.Tree.Export())
	if err != nil {
		return err
	}
	m.Commits, m.Births, m.Paths, m.Events, m.Frames = rec.ids.len(), rec.births, len(rec.paths), rec.events, rec.frames
	w.next()
	if err := w.gob(rec.ids.saved()); err != nil {
		return err
	}
	w.next()
	if err := w.gob(st); err != nil {
		return err
	}
	w.next()
	if err := w.gob(m); err != nil {
		return err
	}
	return w.commit(path)
}

// prune keeps the n most recently used entries of dir, and removes
// temporary files left by runs that were killed.
func prune(dir string, n int) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type ent struct {
		path string
		mod  int64
	}
	var ents []ent
	for _, de := range des {
		name := de.Name()
		if !strings.HasSuffix(name, ".walk") {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(dir, name)
		if strings.HasPrefix(name, "tmp-") {
			if time.Since(info.ModTime()) > 24*time.Hour {
				os.Remove(p)
			}
			continue
		}
		ents = append(ents, ent{p, info.ModTime().UnixNano()})
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].mod > ents[j].mod })
	for _, e := range ents[min(n, len(ents)):] {
		os.Remove(e.path)
	}
}
