package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Without a post-commit hook (`install --lazy`), a commit's note is written
// later, by CatchUp: the next agent checkpoint, push, rewrite or command
// reads HEAD's reflog from where the last one stopped, and writes the
// notes of the commits made there since (by `git commit`, cherry-pick and
// revert: the commands that run post-commit) that have none, oldest first,
// each from its evidence and the agent checkpoints still pending, as the
// post-commit hook would have. Rebased commits are post-rewrite's (it
// calls CatchUp first, so the originals have their notes to carry).
const (
	// CaughtUpFile, in the worktree's git directory, is where the last
	// CatchUp stopped in HEAD's reflog: "<offset> <new id of the entry
	// that ends there>".
	CaughtUpFile = "ai-survival/caught-up"
	// maxReflogRead bounds what CatchUp reads of a reflog it has no
	// position in: its last entries.
	maxReflogRead = 4 << 20
)

// CatchUp writes the notes owed by commits made since the last CatchUp,
// and since, in HEAD's reflog of repo's worktree. It stops at deadline
// (zero: none), leaving the rest to the next call. classifier is called
// only when a note is owed.
func CatchUp(ctx context.Context, repo *gitx.Repo, classifier func() resolve.Classifier, since, deadline time.Time) (CatchUpResult, error) {
	gd, err := repo.OwnGitDir(ctx)
	if err != nil {
		return CatchUpResult{}, nil // no worktree of its own: nothing owed
	}
	log := newReflogTail(gd)
	entries, end, exact, err := log.read()
	if err != nil || len(entries) == 0 {
		return CatchUpResult{}, err
	}
	if exact {
		since = time.Time{} // every entry after the position is new
	}
	var ids []string
	reflog := map[string]string{}
	for _, e := range entries {
		if _, seen := reflog[e.id]; !seen && e.tagged() && !e.when.Before(since.Truncate(time.Second)) {
			reflog[e.id] = e.msg
			ids = append(ids, e.id)
		}
	}
	var missing []string
	if len(ids) > 0 {
		has, err := notes.New(repo).Has(ctx, ids...)
		if err != nil {
			return CatchUpResult{}, fmt.Errorf("looking for the notes of new commits: %w", err)
		}
		for i, id := range ids {
			if !has[i] {
				missing = append(missing, id)
			}
		}
	}
	res := CatchUpResult{Reflog: map[string]string{}}
	all := true
	if len(missing) > 0 {
		res.BackfillResult, all, err = fill(ctx, repo, classifier(), missing, deadline)
	}
	for _, id := range res.Filled {
		res.Reflog[id] = reflog[id]
	}
	if err == nil && all {
		err = log.save(end)
	}
	return res, err
}

// CatchUpResult says what CatchUp wrote.
type CatchUpResult struct {
	BackfillResult
	// Reflog is the message of each filled commit's reflog entry
	// ("commit: ...", "cherry-pick: ...").
	Reflog map[string]string
}

// reflogEntry is one line of a reflog: the id HEAD moved to, when, and
// git's message.
type reflogEntry struct {
	id   string
	when time.Time
	msg  string
	end  int // offset just past the entry's line in what was parsed
}

// tagged says whether the entry is a commit the post-commit hook would
// have tagged: made by `git commit` (also an amend, a merge's conclusion
// and the first commit), cherry-pick or revert.
func (e reflogEntry) tagged() bool {
	for _, p := range []string{"commit:", "commit (", "cherry-pick", "revert:"} {
		if strings.HasPrefix(e.msg, p) {
			return true
		}
	}
	return false
}

// parseReflog reads reflog lines ("<old> <new> <ident> <time> <tz>\t<msg>"),
// skipping any it cannot read.
func parseReflog(b []byte) []reflogEntry {
	var out []reflogEntry
	for at := 0; at < len(b); {
		line := b[at:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			at += i + 1
		} else {
			at = len(b)
		}
		head, msg, _ := bytes.Cut(line, []byte{'\t'})
		f := strings.Fields(string(head))
		if len(f) < 5 || !provenance.IsObjectID(f[1]) || strings.Trim(f[1], "0") == "" {
			continue
		}
		secs, err := strconv.ParseInt(f[len(f)-2], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, reflogEntry{id: f[1], when: time.Unix(secs, 0), msg: string(msg), end: at})
	}
	return out
}

// reflogTail reads a reflog from the position saved in pos.
type reflogTail struct {
	path, pos string
}

// newReflogTail is the tail of HEAD's reflog in git directory gd.
func newReflogTail(gd string) reflogTail {
	return reflogTail{path: filepath.Join(gd, "logs", "HEAD"), pos: filepath.Join(gd, CaughtUpFile)}
}

// mark is a position in the reflog: the offset of the end of an entry,
// and the id that entry moved to ("" at the start).
type mark struct {
	off int64
	id  string
}

// read returns the entries after the saved position (exact) and the
// position of the end. Without a position that still fits the file (none
// saved, the reflog expired or rewritten), it reads the last entries (at
// most maxReflogRead bytes); a missing reflog has none.
func (t reflogTail) read() (entries []reflogEntry, end mark, exact bool, err error) {
	f, err := os.Open(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, mark{}, false, nil
	}
	if err != nil {
		return nil, mark{}, false, fmt.Errorf("reading HEAD's reflog: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, mark{}, false, fmt.Errorf("reading HEAD's reflog: %w", err)
	}
	size := fi.Size()
	from, exact := t.start(f, size)
	if from == size {
		return nil, mark{}, exact, nil // nothing new: nothing to save either
	}
	b := make([]byte, size-from)
	if _, err := f.ReadAt(b, from); err != nil && !errors.Is(err, io.EOF) {
		return nil, mark{}, false, fmt.Errorf("reading HEAD's reflog: %w", err)
	}
	if !exact && from > 0 { // a cut in the middle of an entry
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b, from = b[i+1:], from+int64(i+1)
		}
	}
	// An entry being written has no end yet: leave it to the next call.
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	} else {
		return nil, mark{}, exact, nil
	}
	entries = parseReflog(b)
	end = mark{off: from + int64(len(b))}
	if len(entries) > 0 { // the position is the end of an entry read: its id checks it
		last := entries[len(entries)-1]
		end = mark{off: from + int64(last.end), id: last.id}
	}
	return entries, end, exact, nil
}

// start is where reading begins: the saved position (exact) when the
// entry that ends there still moved HEAD to the saved id, else near the
// end.
func (t reflogTail) start(f *os.File, size int64) (from int64, exact bool) {
	if at := t.savedAt(f); at >= 0 && at <= size {
		return at, true
	}
	return max(0, size-maxReflogRead), false
}

// savedAt is the saved position when it still fits the reflog, or -1.
func (t reflogTail) savedAt(f *os.File) int64 {
	b, err := os.ReadFile(t.pos)
	if err != nil || len(b) > 256 {
		return -1
	}
	offs, id, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	if offs == "0" && id == "" {
		return 0 // from the start: there was no reflog
	}
	off, err := strconv.ParseInt(offs, 10, 64)
	if err != nil || off <= 0 || !provenance.IsObjectID(id) {
		return -1
	}
	// The entry that ends at off: read the 512 bytes before it.
	from := max(0, off-512)
	buf := make([]byte, off-from)
	if n, err := f.ReadAt(buf, from); err != nil || int64(n) != off-from || buf[len(buf)-1] != '\n' {
		return -1
	}
	last := buf[:len(buf)-1]
	if i := bytes.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	if e := parseReflog(last); len(e) != 1 || e[0].id != id {
		return -1
	}
	return off
}

// save records m as the position the next read starts from.
func (t reflogTail) save(m mark) error {
	if m.off <= 0 || m.id == "" {
		return nil
	}
	return t.write(fmt.Sprintf("%d %s\n", m.off, m.id))
}

// write replaces the saved position with text.
func (t reflogTail) write(text string) error {
	if err := os.MkdirAll(filepath.Dir(t.pos), 0o755); err != nil {
		return fmt.Errorf("saving where the notes caught up: %w", err)
	}
	if err := fsx.WriteFileAtomic(t.pos, []byte(text), 0o644); err != nil {
		return fmt.Errorf("saving where the notes caught up: %w", err)
	}
	return nil
}

// StartCatchUp makes CatchUp in repo's worktree start from the end of
// HEAD's reflog as it is now: the commits made before are not owed a note.
func StartCatchUp(ctx context.Context, repo *gitx.Repo) error {
	gd, err := repo.OwnGitDir(ctx)
	if err != nil {
		return nil
	}
	log := newReflogTail(gd)
	if err := os.Remove(log.pos); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("starting the notes' catch-up: %w", err)
	}
	_, end, _, err := log.read()
	if err != nil {
		return err
	}
	if end.off == 0 { // no reflog yet: every entry it gets is new
		return log.write("0\n")
	}
	return log.save(end)
}
