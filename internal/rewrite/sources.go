package rewrite

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Kind says how a commit was made from other commits.
type Kind string

// The kinds of copies the post-commit hook recognises. (Amend and rebase
// reach the post-rewrite hook instead.)
const (
	CherryPick  Kind = "cherry-pick"
	SquashMerge Kind = "merge --squash"
)

// SquashState is where the post-merge hook keeps the commits a
// `git merge --squash` staged, for the commit that follows (relative to
// the git directory).
const SquashState = "ai-survival/squash-sources"

var (
	pickedFrom = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\(cherry picked from commit ([0-9a-f]{40}|[0-9a-f]{64})\)$`)
	})
	recordedHead = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^head ([0-9a-f]+)$`) })
	squashList   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^commit ([0-9a-f]{40}|[0-9a-f]{64})$`) })
)

// SourcesInput is what git leaves behind when the post-commit hook runs.
type SourcesInput struct {
	// Head is the commit just made, Parent its first parent and Message
	// its message.
	Head, Parent, Message string
	// Reflog is the subject of HEAD's newest reflog entry
	// ("cherry-pick: ...", "commit (cherry-pick): ...", "rebase (pick): ...").
	Reflog string
	// CherryPickHead is the content of CHERRY_PICK_HEAD ("" when absent).
	CherryPickHead string
	// Rebasing is set while a rebase is in progress (the post-rewrite hook
	// then does the work).
	Rebasing bool
	// Squashed lists the commits a `git merge --squash` staged, as the
	// post-merge hook recorded them ("" when absent).
	Squashed string
}

// Sources says which commits the new commit copies: the picked commit of a
// cherry-pick (CHERRY_PICK_HEAD, or the "(cherry picked from commit ...)"
// line of -x), the commits of a merge --squash (listed by the default
// message "Squashed commit of the following:", or recorded by the
// post-merge hook), oldest first. It is a pure function of its input.
func Sources(in SourcesInput) (Kind, []string) {
	if in.Rebasing || strings.HasPrefix(in.Reflog, "rebase") {
		return "", nil
	}
	if strings.HasPrefix(in.Reflog, "cherry-pick") || strings.HasPrefix(in.Reflog, "commit (cherry-pick)") {
		if id := strings.TrimSpace(in.CherryPickHead); provenance.IsObjectID(id) {
			return CherryPick, []string{id}
		}
		if m := pickedFrom().FindAllStringSubmatch(in.Message, -1); len(m) > 0 {
			return CherryPick, []string{m[len(m)-1][1]}
		}
		return "", nil
	}
	list := in.Squashed
	if m := recordedHead().FindStringSubmatch(list); m != nil && m[1] != in.Parent {
		list = "" // recorded for another commit (the squash was abandoned)
	}
	if list == "" && strings.Contains(in.Message, "Squashed commit of the following:") {
		list = in.Message
	}
	if list == "" {
		return "", nil
	}
	var ids []string
	for _, m := range squashList().FindAllStringSubmatch(list, -1) {
		if m[1] != in.Head {
			ids = append(ids, m[1])
		}
	}
	if len(ids) == 0 {
		return "", nil
	}
	// git lists them newest first; later commits must win.
	for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
		ids[i], ids[j] = ids[j], ids[i]
	}
	return SquashMerge, ids
}

// Detect finds the commits head (just made) copies, for the post-commit hook. It costs no git process unless git's
// traces say HEAD is a copy: it reads HEAD's newest reflog entry,
// CHERRY_PICK_HEAD and the post-merge hook's record from the git
// directory. The recorded squash list is consumed: it applies to one
// commit only.
func Detect(ctx context.Context, repo *gitx.Repo, head string) (Kind, []string, error) {
	dir, err := repo.OwnGitDir(ctx)
	if err != nil {
		return "", nil, err
	}
	in := SourcesInput{Head: head, Reflog: lastReflog(dir, head)}
	if b, err := os.ReadFile(filepath.Join(dir, "CHERRY_PICK_HEAD")); err == nil {
		in.CherryPickHead = strings.TrimSpace(string(b))
	}
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err == nil {
			in.Rebasing = true
		}
	}
	return detect(ctx, repo, dir, in, false)
}

// DetectLater is Detect for a commit made earlier, whose reflog entry's
// message is reflog: git's traces of the copy in progress are gone by
// then, so a cherry-pick is found only by its "(cherry picked from
// commit ...)" line (-x), a merge --squash by its message or the
// post-merge hook's record.
func DetectLater(ctx context.Context, repo *gitx.Repo, head, reflog string) (Kind, []string, error) {
	dir, err := repo.OwnGitDir(ctx)
	if err != nil {
		return "", nil, err
	}
	return detect(ctx, repo, dir, SourcesInput{Head: head, Reflog: reflog}, true)
}

// detect completes in with the squash record and head's message when
// git's traces say head is a copy, and names its sources. The squash
// record is consumed; with keepOthers, only when it was recorded on
// head's parent (a later commit may be the squash's).
func detect(ctx context.Context, repo *gitx.Repo, dir string, in SourcesInput, keepOthers bool) (Kind, []string, error) {
	head := in.Head
	state := filepath.Join(dir, SquashState)
	if b, err := os.ReadFile(state); err == nil {
		in.Squashed = string(b)
		in.Parent, _ = repo.Line(ctx, "rev-parse", "--verify", "--quiet", head+"^1")
		if m := recordedHead().FindStringSubmatch(in.Squashed); keepOthers && m != nil && m[1] != in.Parent {
			in.Squashed = ""
		} else {
			_ = os.Remove(state)
		}
	}
	copied := strings.HasPrefix(in.Reflog, "cherry-pick") || strings.HasPrefix(in.Reflog, "commit (cherry-pick)") ||
		strings.Contains(in.Reflog, "Squashed commit of the following") || in.Squashed != ""
	if !copied || in.Rebasing {
		return "", nil, nil
	}
	msg, err := repo.Output(ctx, "log", "-1", "--format=%B", head, "--")
	if err != nil {
		return "", nil, fmt.Errorf("reading the message of %s: %w", head, err)
	}
	in.Message = string(msg)
	kind, ids := Sources(in)
	return kind, ids, nil
}

// lastReflog returns the message of HEAD's newest reflog entry if that
// entry moved HEAD to head.
func lastReflog(dir, head string) string {
	f, err := os.Open(filepath.Join(dir, "logs", "HEAD"))
	if err != nil {
		return ""
	}
	defer f.Close()
	const tail = 8192
	if fi, err := f.Stat(); err == nil && fi.Size() > tail {
		_, _ = f.Seek(fi.Size()-tail, io.SeekStart)
	}
	b, err := io.ReadAll(io.LimitReader(f, tail))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	last := lines[len(lines)-1]
	f1 := strings.Fields(last)
	if len(f1) < 2 || f1[1] != head {
		return ""
	}
	_, msg, _ := strings.Cut(last, "\t")
	return msg
}

// RecordSquash keeps the commits `git merge --squash` staged (read from
// SQUASH_MSG) for the commit that follows; the post-merge hook calls it.
func RecordSquash(ctx context.Context, repo *gitx.Repo) error {
	dir, err := repo.OwnGitDir(ctx)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(dir, "SQUASH_MSG"))
	if err != nil {
		return err
	}
	head, err := repo.Line(ctx, "rev-parse", "--verify", "--quiet", "HEAD")
	if err != nil {
		return err
	}
	var list strings.Builder
	list.WriteString("head " + head + "\n")
	for _, m := range squashList().FindAllStringSubmatch(string(b), -1) {
		list.WriteString("commit " + m[1] + "\n")
	}
	state := filepath.Join(dir, SquashState)
	if err := os.MkdirAll(filepath.Dir(state), 0o755); err != nil {
		return err
	}
	return os.WriteFile(state, []byte(list.String()), 0o644)
}
