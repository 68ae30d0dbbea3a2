package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// Limits that keep a checkpoint quick whatever the working tree holds.
const (
	// MaxFileSize: larger files are not tracked.
	MaxFileSize = 8 << 20
	// MaxFiles: a shell command's checkpoint looks at most this many
	// changed files.
	MaxFiles = 500
)

// Recorder records checkpoints in one working tree.
type Recorder struct {
	Repo *gitx.Repo
	// Warn receives one line per problem (without "warning: ").
	Warn func(string)
	// Prove, when set, is used for an agent's edit whose content before
	// cannot be told (BaseFunc says no): of the lines changed since the
	// last snapshot, only those Prove accepts are the agent's; the others
	// are unproven, and one warning says so. Without it, every changed
	// line is the agent's.
	Prove func(changed [][]byte) []bool
	store *store
}

// NewRecorder returns a recorder for repo's working tree.
func NewRecorder(repo *gitx.Repo, warn func(string)) *Recorder {
	if warn == nil {
		warn = func(string) {}
	}
	return &Recorder{Repo: repo, Warn: warn, store: newStore(repo.GitDir)}
}

func (r *Recorder) warnf(format string, args ...any) { r.Warn(fmt.Sprintf(format, args...)) }

// Path turns a path an agent named (absolute, or relative to dir) into one
// relative to the top of the working tree, with slashes. ok is false (and
// a warning given) for paths outside the working tree or inside .git.
func (r *Recorder) Path(dir, p string) (string, bool) {
	if p == "" {
		r.warnf("no file path given")
		return "", false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	p = filepath.Clean(p)
	// Resolve symbolic links as git's top is resolved: the file itself
	// when it exists, else its directory.
	if rp, err := filepath.EvalSymlinks(p); err == nil {
		p = rp
	} else if rd, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(rd, filepath.Base(p))
	}
	top := r.Repo.Top
	if rt, err := filepath.EvalSymlinks(top); err == nil {
		top = rt
	}
	rel, err := filepath.Rel(top, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		r.warnf("%s is outside the repository %s; not recorded", p, r.Repo.Top)
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".git" || strings.HasPrefix(rel, ".git/") {
		r.warnf("%s is inside the git directory; not recorded", p)
		return "", false
	}
	return rel, true
}

// Before records paths as they are before an agent writes: lines changed
// since the last checkpoint are a person's.
func (r *Recorder) Before(ctx context.Context, paths []string) error {
	return r.observeAll(ctx, paths, nil, nil, false)
}

// BaseFunc gives the content a file had before an agent's edit when no
// checkpoint holds it (cur is the content after the edit); ok false when
// it cannot tell.
type BaseFunc func(path string, cur []byte) (base []byte, ok bool)

// After records the lines of paths that changed since the last checkpoint
// as written by a. For a file no checkpoint holds, the content before the
// edit is base's when base can tell, else its staged version, else its
// committed one, else empty (a new file). With trustBase, base is used even
// for files a checkpoint holds (agents with no event before an edit):
// lines that changed between the last checkpoint and base are a person's.
func (r *Recorder) After(ctx context.Context, a Author, paths []string, base BaseFunc, trustBase bool) error {
	return r.observeAll(ctx, paths, &a, base, trustBase)
}

// observeAll observes each of paths under the pending state's lock.
func (r *Recorder) observeAll(ctx context.Context, paths []string, a *Author, base BaseFunc, trustBase bool) error {
	unlock, err := r.store.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.observe(ctx, p, a, base, trustBase)
	}
	return nil
}

// BeforeCommand records, before a shell command runs, every file the
// working tree shows changed, and forgets the state of files that are back
// to their committed content.
func (r *Recorder) BeforeCommand(ctx context.Context) error {
	unlock, err := r.store.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	dirty, err := r.sweep(ctx)
	if err != nil {
		return err
	}
	for _, p := range dirty {
		r.observe(ctx, p, nil, nil, false)
	}
	return nil
}

// AfterCommand records, after a shell command ran, the lines of every
// changed file that differ from the last checkpoint as written by a.
func (r *Recorder) AfterCommand(ctx context.Context, a Author) error {
	unlock, err := r.store.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	dirty, err := r.sweep(ctx)
	if err != nil {
		return err
	}
	// Files no checkpoint holds were clean before the command (else the
	// checkpoint before it would hold them): their staged version is the
	// content before.
	var fresh []string
	isFresh := map[string]bool{}
	for _, p := range dirty {
		if !r.store.has(p) {
			fresh = append(fresh, ":"+p)
			isFresh[p] = true
		}
	}
	staged, err := readBlobs(ctx, r.Repo.Git, fresh)
	if err != nil {
		return err
	}
	base := func(p string, _ []byte) ([]byte, bool) { return staged[":"+p], isFresh[p] }
	for _, p := range dirty {
		r.observe(ctx, p, &a, base, false)
	}
	return nil
}

// sweep lists the changed files of the working tree (at most MaxFiles) and
// drops the state of every file not among them: it is back to its
// committed content (reset, checked out, stashed, committed), so nothing
// in it is pending.
func (r *Recorder) sweep(ctx context.Context) ([]string, error) {
	dirty, err := dirtyFiles(ctx, r.Repo.Git)
	if err != nil {
		return nil, err
	}
	isDirty := make(map[string]bool, len(dirty))
	for _, p := range dirty {
		isDirty[p] = true
	}
	states, _ := r.store.all()
	for _, st := range states {
		if !isDirty[st.Path] {
			_ = r.store.drop(st.Path)
		}
	}
	sort.Strings(dirty)
	if len(dirty) > MaxFiles {
		r.warnf("%d changed files; only the first %d are recorded", len(dirty), MaxFiles)
		dirty = dirty[:MaxFiles]
	}
	return dirty, nil
}

// observe brings the state of path up to date with the file: changed lines
// get a's tag, or noAgent when a is nil. Problems are warnings: a
// checkpoint records what it can and never fails the agent.
func (r *Recorder) observe(ctx context.Context, path string, a *Author, base BaseFunc, trustBase bool) {
	// Only a regular file inside the work tree, size-bounded before it is
	// read: never a symbolic link's target, a FIFO or a device.
	cur, err := fsx.ReadWorkFile(r.Repo.Top, path, MaxFileSize)
	st, lerr := r.store.load(path)
	if lerr != nil {
		r.Warn(lerr.Error())
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if a != nil && st != nil {
			r.warnf("%s was deleted before the agent's checkpoint; nothing recorded for it", path)
		}
		_ = r.store.drop(path)
		return
	case errors.Is(err, syscall.EISDIR):
		return // a directory (e.g. a submodule): not a file to track
	case errors.Is(err, fsx.ErrNotRegular) || errors.Is(err, fsx.ErrOutside):
		// A directory, a symbolic link, a FIFO, a device: not a file whose
		// lines an agent writes.
		_ = r.store.drop(path)
		return
	case errors.Is(err, fsx.ErrTooLarge) || len(cur) > MaxFileSize:
		r.warnf("%s is larger than %d MiB; not recorded", path, MaxFileSize>>20)
		_ = r.store.drop(path)
		return
	case err != nil:
		r.warnf("reading %s: %v; not recorded", path, err)
		_ = r.store.drop(path)
		return
	case isBinary(cur):
		if st != nil || a != nil {
			r.warnf("%s is a binary file; not recorded", path)
		}
		_ = r.store.drop(path)
		return
	}
	if st != nil && hasAgent(st.tags) && !bytes.Equal(cur, st.content) && r.store.resetSince(st.Reflog) {
		st.tags = make([]int32, len(st.tags)) // a reset: nothing pending
		for i := range st.tags {
			st.tags[i] = noAgent
		}
	}
	if st != nil && hasAgent(st.tags) && !bytes.Equal(cur, st.content) && a == nil && r.atHead(ctx, path, cur) {
		st = nil // back to the committed content: checked out or reset
	}
	if a == nil {
		if st == nil {
			st = &fileState{Path: path, content: cur, tags: untagged(countLines(cur))}
		} else if bytes.Equal(cur, st.content) {
			return
		} else {
			st.tags, st.content = retag(st.content, st.tags, cur, noAgent), cur
		}
		if err := r.store.save(st); err != nil {
			r.warnf("saving the checkpoint of %s: %v", path, err)
		}
		return
	}
	// After an agent's edit: first the content before it.
	proven := true
	if base != nil && (st == nil || trustBase) {
		before, ok := base(path, cur)
		proven = ok || r.Prove == nil
		if ok {
			if st == nil {
				st = &fileState{Path: path, content: before, tags: untagged(countLines(before))}
			} else if !bytes.Equal(before, st.content) {
				st.tags, st.content = retag(st.content, st.tags, before, noAgent), before
			}
		}
	}
	if st == nil {
		before := r.committed(ctx, path)
		st = &fileState{Path: path, content: before, tags: untagged(countLines(before))}
	}
	if bytes.Equal(cur, st.content) {
		return // the edit changed nothing
	}
	tag := st.author(*a)
	if proven {
		st.tags, st.content = retag(st.content, st.tags, cur, tag), cur
	} else {
		tags, lines, left := retag(st.content, st.tags, cur, fresh), splitLines(cur), 0
		var at []int
		var changed [][]byte
		for i, t := range tags {
			if t == fresh {
				tags[i] = unproven
				if i < len(lines) {
					at, changed = append(at, i), append(changed, lines[i])
				}
			}
		}
		left = len(changed)
		for k, ok := range r.Prove(changed) {
			if ok && k < len(at) {
				tags[at[k]] = tag
				left--
			}
		}
		st.tags, st.content = tags, cur
		if left > 0 {
			r.warnf("the file before %s's edit of %s cannot be rebuilt exactly; %d changed line(s) not in its edit are left to the commit's other evidence", a.Agent, path, left)
		}
	}
	if !hasAgent(st.tags) {
		// Only deletions: nothing of the agent's is left to commit, but
		// the snapshot still says what a person changes next.
		st.compact()
	}
	if err := r.store.save(st); err != nil {
		r.warnf("saving the checkpoint of %s: %v", path, err)
	}
}

func untagged(n int) []int32 {
	t := make([]int32, n)
	for i := range t {
		t[i] = noAgent
	}
	return t
}

// atHead reports whether cur is path's content in HEAD.
func (r *Recorder) atHead(ctx context.Context, path string, cur []byte) bool {
	b, err := readBlobs(ctx, r.Repo.Git, []string{"HEAD:" + path})
	if err != nil {
		return false
	}
	head, ok := b["HEAD:"+path]
	return ok && bytes.Equal(head, cur)
}

// committed is path's staged content, else its content in HEAD, else empty.
func (r *Recorder) committed(ctx context.Context, path string) []byte {
	b, err := readBlobs(ctx, r.Repo.Git, []string{":" + path, "HEAD:" + path})
	if err != nil {
		return nil
	}
	if c, ok := b[":"+path]; ok {
		return c
	}
	return b["HEAD:"+path]
}

// Forget drops the pending state of every file of the working tree at top
// that is back to its committed content: the post-checkout hook calls it
// after git checkout -- <file>, git restore and branch switches, so that
// lines a person types again afterwards are never credited to an agent.
// Without pending state it costs one stat and runs nothing.
func Forget(ctx context.Context, top string, warn func(string)) error {
	gitDir, ok := gitx.GitDirAt(top)
	if !ok || OpenPending(top) == nil {
		return nil
	}
	r := NewRecorder(&gitx.Repo{Git: gitx.New(top), Top: top, GitDir: gitDir}, warn)
	unlock, err := r.store.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = r.sweep(ctx)
	return err
}
