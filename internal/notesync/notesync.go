// Package notesync makes provenance notes travel: it fetches a remote's
// refs/notes/ai-survival into a tracking ref (refs/notes/remotes/<remote>/
// ai-survival, never on top of the local notes), merges tracking refs into
// the local notes ref without losing a note (see Merge), and pushes the
// local notes ref with bounded retries and never with force: when the
// remote's notes moved on, it fetches, merges and pushes again.
//
// Every git process it starts for the network carries SyncEnv, and pushes
// run with --no-verify, so that a pre-push hook never re-enters itself.
package notesync

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// SyncEnv is set in the environment of the git processes notesync starts;
// the pre-push hook does nothing when it sees it.
const SyncEnv = "GIT_AI_SURVIVAL_SYNC"

// TrackingPrefix is where fetched notes land, one ref per remote.
const TrackingPrefix = "refs/notes/remotes/"

// MaxAttempts bounds the push → fetch → merge → push loop.
const MaxAttempts = 3

// TrackingRef is the ref that holds remote's notes as last fetched. A
// remote given as a URL (not a configured name) gets a name derived from
// the URL.
func TrackingRef(remote string) string {
	if !validRemoteName(remote) {
		sum := sha1.Sum([]byte(remote))
		remote = "url-" + hex.EncodeToString(sum[:6])
	}
	return TrackingPrefix + remote + "/ai-survival"
}

func validRemoteName(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.", c)) {
			return false
		}
	}
	return true
}

// withSyncEnv is repo's git runner with SyncEnv set.
func withSyncEnv(repo *gitx.Repo) *gitx.Git {
	g := *repo.Git
	g.Env = append(append([]string{}, g.Env...), SyncEnv+"=1")
	return &g
}

// FetchResult says what Fetch found.
type FetchResult struct {
	// Tip is the remote's notes commit, now in Tracking; "" when the
	// remote has no notes ref.
	Tip      string
	Tracking string
}

// GitAITrackingRefspec fetches git-ai's notes (refs/notes/ai) of remote
// next to its git-ai-survival notes: into refs/notes/remotes/<remote>/ai,
// never onto the local refs/notes/ai. A pattern, so that a remote without
// git-ai notes is no error.
func GitAITrackingRefspec(remote string) string {
	return "+refs/notes/ai*:" + strings.TrimSuffix(TrackingRef(remote), "-survival") + "*"
}

// Fetch brings remote's notes ref into its tracking ref, and git-ai's
// notes (refs/notes/ai), when the remote has them, into theirs. A remote
// without notes is not an error (Tip is then ""). FETCH_HEAD is left
// alone.
func Fetch(ctx context.Context, repo *gitx.Repo, remote string) (FetchResult, error) {
	res := FetchResult{Tracking: TrackingRef(remote)}
	fetch := func(refspecs ...string) error {
		args := append([]string{"fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
			"--no-recurse-submodules", "--end-of-options", remote}, refspecs...)
		_, err := withSyncEnv(repo).Output(ctx, args...)
		return err
	}
	err := fetch("+"+provenance.NotesRef+":"+res.Tracking, GitAITrackingRefspec(remote))
	var ge *gitx.Error
	if errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref") {
		// No notes of ours there: git-ai's may still be.
		if err := fetch(GitAITrackingRefspec(remote)); err != nil {
			return res, fmt.Errorf("fetching git-ai notes from %s: %w", remote, networkError(ctx, err))
		}
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("fetching notes from %s: %w", remote, networkError(ctx, err))
	}
	res.Tip = revParse(ctx, repo, res.Tracking)
	return res, nil
}

// networkError says "timed out" rather than "signal: killed".
func networkError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("timed out: %w", ctx.Err())
	}
	return err
}

// MergeFetched merges every tracking ref that moved since it was last
// merged into the local notes ref: what a plain `git fetch` brought (with
// the refspec install adds) becomes visible to readers. It is cheap when
// nothing moved: one `git for-each-ref` and a small state file.
func MergeFetched(ctx context.Context, repo *gitx.Repo) ([]MergeResult, error) {
	out, err := repo.Output(ctx, "for-each-ref", "--format=%(refname) %(objectname)", TrackingPrefix)
	if err != nil {
		return nil, fmt.Errorf("listing fetched notes: %w", err)
	}
	var tips [][2]string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ref, tip, ok := strings.Cut(line, " ")
		if ok && strings.HasSuffix(ref, "/ai-survival") {
			tips = append(tips, [2]string{ref, tip})
		}
	}
	if len(tips) == 0 {
		return nil, nil
	}
	st, err := openState(ctx, repo)
	if err != nil {
		return nil, err
	}
	var results []MergeResult
	var errs []error
	for _, t := range tips {
		if st.merged[t[0]] == t[1] {
			continue
		}
		res, err := Merge(ctx, repo, t[1])
		results = append(results, res)
		if err != nil && !errors.Is(err, ErrForeign) {
			errs = append(errs, fmt.Errorf("merging %s: %w", t[0], err))
			continue
		}
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v; not merged", t[0], err))
			results[len(results)-1] = res
		}
		st.merged[t[0]] = t[1]
	}
	if err := st.save(); err != nil {
		errs = append(errs, err)
	}
	return results, errors.Join(errs...)
}

// state records, per tracking ref, the tip last merged (or skipped), in
// <git common dir>/ai-survival/notes-merged.
type state struct {
	path   string
	merged map[string]string
}

func openState(ctx context.Context, repo *gitx.Repo) (*state, error) {
	dir := repo.CommonDir
	if dir == "" {
		var err error
		if dir, err = repo.Line(ctx, "rev-parse", "--path-format=absolute", "--git-common-dir"); err != nil {
			return nil, err
		}
	}
	st := &state{path: filepath.Join(dir, "ai-survival", "notes-merged"), merged: map[string]string{}}
	f, err := os.Open(st.path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if ref, tip, ok := strings.Cut(sc.Text(), " "); ok {
			st.merged[ref] = tip
		}
	}
	return st, sc.Err()
}

func (s *state) save() error {
	var b strings.Builder
	for ref, tip := range s.merged {
		fmt.Fprintf(&b, "%s %s\n", ref, tip)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// RejectedError is a push the remote refused for a reason a retry cannot
// fix (permissions, a server hook, a protected ref).
type RejectedError struct {
	Remote, Reason string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%s refused the notes push (%s)", e.Remote, e.Reason)
}

// PushResult says what Push did.
type PushResult struct {
	Remote string
	// Status is "pushed", "up to date" or "nothing to push".
	Status   string
	Attempts int
	Merges   []MergeResult
}

// Push pushes the local notes ref to the same ref on remote, never with
// force. When the remote's notes moved on, it fetches them, merges and
// pushes again, at most MaxAttempts times in all.
func Push(ctx context.Context, repo *gitx.Repo, remote string) (PushResult, error) {
	res := PushResult{Remote: remote}
	for res.Attempts < MaxAttempts {
		local := revParse(ctx, repo, provenance.NotesRef)
		if local == "" {
			res.Status = "nothing to push"
			return res, nil
		}
		res.Attempts++
		status, reason, err := push(ctx, repo, remote)
		if err != nil {
			return res, err
		}
		switch status {
		case "=", " ", "*", "+":
			res.Status = "pushed"
			if status == "=" {
				res.Status = "up to date"
			}
			_, _ = repo.Output(ctx, "update-ref", "-m", "git-ai-survival: pushed", TrackingRef(remote), local)
			return res, nil
		}
		if !retryable(reason) {
			return res, &RejectedError{Remote: remote, Reason: reason}
		}
		fr, err := Fetch(ctx, repo, remote)
		if err != nil {
			return res, err
		}
		mr, err := Merge(ctx, repo, fr.Tip)
		res.Merges = append(res.Merges, mr)
		if err != nil {
			return res, fmt.Errorf("merging the notes of %s: %w", remote, err)
		}
	}
	return res, fmt.Errorf("the notes of %s kept moving; gave up after %d attempts", remote, MaxAttempts)
}

func retryable(reason string) bool {
	for _, r := range []string{"fetch first", "non-fast-forward", "stale info"} {
		if strings.Contains(reason, r) {
			return true
		}
	}
	return false
}

// push runs one `git push --porcelain` of the notes ref and returns the
// ref's status flag and git's reason.
func push(ctx context.Context, repo *gitx.Repo, remote string) (flag, reason string, err error) {
	spec := provenance.NotesRef + ":" + provenance.NotesRef
	out, err := withSyncEnv(repo).Output(ctx, "push", "--porcelain", "--no-verify", "--end-of-options", remote, spec)
	flag, reason, ok := parsePorcelain(out, spec)
	if ok {
		return flag, reason, nil
	}
	if err != nil {
		return "", "", fmt.Errorf("pushing notes to %s: %w", remote, networkError(ctx, err))
	}
	return "", "", fmt.Errorf("pushing notes to %s: git push printed no status for %s", remote, provenance.NotesRef)
}

// parsePorcelain finds spec's line in `git push --porcelain` output:
// "<flag>\t<from>:<to>\t<summary> (<reason>)".
func parsePorcelain(out []byte, spec string) (flag, reason string, ok bool) {
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 3 || f[1] != spec || len(f[0]) != 1 {
			continue
		}
		summary := f[2]
		if i := strings.Index(summary, " ("); i >= 0 && strings.HasSuffix(summary, ")") {
			reason = summary[i+2 : len(summary)-1]
		}
		if reason == "" {
			reason = strings.Trim(summary, "[]")
		}
		return f[0], reason, true
	}
	return "", "", false
}

// SyncResult says what Sync did.
type SyncResult struct {
	Fetch FetchResult
	Merge MergeResult
	Push  PushResult
}

// Sync fetches remote's notes, merges them into the local ref and pushes
// the result back. Local notes are never lost: a failure at any step
// leaves the local ref as it was or merged, never rewound.
func Sync(ctx context.Context, repo *gitx.Repo, remote string) (SyncResult, error) {
	var res SyncResult
	var err error
	if res.Fetch, err = Fetch(ctx, repo, remote); err != nil {
		return res, err
	}
	res.Merge, err = Merge(ctx, repo, res.Fetch.Tip)
	if err != nil {
		return res, fmt.Errorf("merging the notes of %s: %w", remote, err)
	}
	res.Push, err = Push(ctx, repo, remote)
	return res, err
}

// PushLine is one line of the pre-push hook's stdin.
type PushLine struct {
	LocalRef, LocalOID, RemoteRef, RemoteOID string
}

// ParsePrePush reads what git passes the pre-push hook on stdin:
// "<local ref> <local oid> <remote ref> <remote oid>" lines, the ids full
// and lowercase (all zeros for a ref that does not exist on that side).
func ParsePrePush(r io.Reader) ([]PushLine, error) {
	var lines []PushLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 || !provenance.IsObjectID(f[1]) || !provenance.IsObjectID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: %q is not \"<local ref> <local oid> <remote ref> <remote oid>\"", n, sc.Text())
		}
		lines = append(lines, PushLine{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading pre-push input: %w", err)
	}
	return lines, nil
}

// PushesNotes reports whether the user's push already carries the notes
// ref (then the hook leaves it to them).
func PushesNotes(lines []PushLine) bool {
	for _, l := range lines {
		if l.LocalRef == provenance.NotesRef || l.RemoteRef == provenance.NotesRef {
			return true
		}
	}
	return false
}
