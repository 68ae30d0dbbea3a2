package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// ReadCommit reads one commit's metadata and the lines it added with a
// single `git log` process (the post-commit hook's hot path). The metadata
// is fenced by a random marker line, so no commit message, however crafted,
// can be mistaken for diff output or end the metadata early. Reading the
// diff stops at deadline as in added.Stream (Lines.Partial is then set and
// the error wraps added.ErrBudget).
func ReadCommit(ctx context.Context, repo *gitx.Repo, rev string, deadline time.Time) (provenance.Meta, added.Lines, error) {
	fence, err := newFence()
	if err != nil {
		return provenance.Meta{}, added.Lines{}, err
	}
	var cancel context.CancelFunc = func() {}
	if !deadline.IsZero() {
		ctx, cancel = context.WithDeadline(ctx, deadline)
	}
	defer cancel()
	return readCommit(rev, fence, deadline, func(fn func(io.Reader) error) error {
		return repo.Stream(ctx, nil, fn, commitArgs(fence, rev)...)
	})
}

// FeedArgs is the git command line (options, then "log" and its own) whose
// output ReadFeed reads: the post-commit hook's script runs it and pipes it
// into the binary, so that git reads the commit while the binary starts.
// Its marker names a digest of the command line, so a binary reading the
// output of another version's command notices (ErrFeedVersion).
func FeedArgs() []string {
	return append(gitx.SafeConfig(), commitArgs(feedFence(), "HEAD")...)
}

// ErrFeedVersion means the hook's git command is not the one FeedArgs
// gives now: the hooks come from another version of the binary.
var ErrFeedVersion = errors.New("the post-commit hook is from another version of git-ai-survival (run 'git ai-survival install' to update it)")

// ReadFeed is ReadCommit reading the output of FeedArgs from r. Reading
// stops at deadline (r's reads fail once it passes). Output that is not
// FeedArgs' (git failed and printed nothing, or the hook is from another
// version) is ErrFeedVersion or an error naming what was wrong, with
// nothing read: the caller can then run ReadCommit.
func ReadFeed(r io.Reader, deadline time.Time) (provenance.Meta, added.Lines, error) {
	fence := feedFence()
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(len(fence) + 1)
	if err != nil {
		if len(head) == 0 {
			return provenance.Meta{}, added.Lines{}, fmt.Errorf("git printed nothing: %w", err)
		}
	}
	if string(head) != fence+"\n" {
		if bytes.HasPrefix(head, []byte(feedPrefix)) {
			return provenance.Meta{}, added.Lines{}, ErrFeedVersion
		}
		return provenance.Meta{}, added.Lines{}, fmt.Errorf("unexpected output %q", provenance.Abbreviate(string(head), 40))
	}
	return readCommit("HEAD", fence, deadline, func(fn func(io.Reader) error) error { return fn(br) })
}

// feedPrefix starts the marker of every version's feed.
const feedPrefix = "\x1dais-feed-"

// feedFence is the marker of the feed: fixed (the hook's script is written
// once), which is as safe as a random one because the metadata ends with a
// NUL, which git never prints inside a commit message or a name.
func feedFence() string {
	sum := sha256.Sum256([]byte(strings.Join(append(gitx.SafeConfig(), commitArgs("", "")...), "\x00")))
	return feedPrefix + hex.EncodeToString(sum[:6])
}

// commitArgs is the `git log` that prints rev's metadata between fence
// lines, then its diff.
func commitArgs(fence, rev string) []string {
	gitFence := strings.ReplaceAll(fence, "\x1d", "%x1d")
	format := "--format=" + gitFence + "%n" + gitx.MetaFormatNoDates + "%x00" + gitFence + "%n%x1e%H %P"
	args := append([]string{"log", "-m", "--root", format}, added.DiffArgs...)
	return append(args, "--no-walk", "--end-of-options", rev, "--")
}

// readCommit parses one commit's output of commitArgs, which stream hands
// to its function, up to deadline.
func readCommit(rev, fence string, deadline time.Time, stream func(func(io.Reader) error) error) (provenance.Meta, added.Lines, error) {
	var meta provenance.Meta
	var add *added.Lines
	acc := added.NewAccumulator(func(a added.Lines) error { add = &a; return nil })
	p := &diff.Parser{CommitPrefix: "\x1e", OnCommit: acc.Commit, OnFile: acc.File}
	err := stream(func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 1<<16)
		block, err := firstBlock(br, fence)
		if err != nil {
			return err
		}
		if meta, err = gitx.ParseMeta(block, false); err != nil {
			return err
		}
		if len(meta.Parents) <= 1 {
			return p.Parse(br) // the rest is plain diff output
		}
		// A merge repeats the fenced header before each parent's diff:
		// filter the repeats out on the way to the parser.
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- p.Parse(pr) }()
		ferr := unfence(br, pw, fence, func(string) error { return nil })
		pw.CloseWithError(ferr)
		return errors.Join(ferr, <-done)
	})
	if err != nil && !deadline.IsZero() && !time.Now().Before(deadline) {
		if ferr := acc.FlushPartial(); ferr != nil {
			return meta, added.Lines{}, ferr
		}
		if add == nil {
			add = &added.Lines{Commit: meta.ID, Partial: true}
		}
		if meta.ID == "" {
			return meta, *add, fmt.Errorf("reading commit %s: %w", rev, added.ErrBudget)
		}
		return meta, *add, fmt.Errorf("reading the diff of %s: %w", rev, added.ErrBudget)
	}
	if err != nil {
		return meta, added.Lines{}, fmt.Errorf("reading commit %s: %w", rev, err)
	}
	if err := acc.Flush(); err != nil {
		return meta, added.Lines{}, err
	}
	if meta.ID == "" || add == nil {
		return meta, added.Lines{}, fmt.Errorf("reading commit %s: git printed no commit", rev)
	}
	return meta, *add, nil
}

func newFence() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a marker: %w", err)
	}
	return "\x1dais-" + hex.EncodeToString(b), nil
}

// firstBlock reads the fenced block git prints first.
func firstBlock(br *bufio.Reader, fence string) (string, error) {
	open, err := br.ReadString('\n')
	if err != nil || open != fence+"\n" {
		return "", fmt.Errorf("unexpected git log output %q", provenance.Abbreviate(open, 40))
	}
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if rest, ok := strings.CutSuffix(line, "\x00"+fence+"\n"); ok {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(line)
		if err != nil {
			return "", fmt.Errorf("git log output ended inside the commit's metadata: %w", err)
		}
	}
}

// unfence copies r to w, except blocks that start with a line equal to
// fence and end with a line ending in "\x00"+fence: those go to onBlock.
func unfence(r io.Reader, w io.Writer, fence string, onBlock func(string) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	open, closing := []byte(fence+"\n"), []byte("\x00"+fence+"\n")
	var block *bytes.Buffer
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			full := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				full = append(full, line...)
			}
			line = full
		}
		if len(line) > 0 {
			switch {
			case block == nil && bytes.Equal(line, open):
				block = &bytes.Buffer{}
			case block != nil && bytes.HasSuffix(line, closing):
				block.Write(line[:len(line)-len(closing)])
				if berr := onBlock(block.String()); berr != nil {
					return berr
				}
				block = nil
			case block != nil:
				block.Write(line)
			default:
				if _, werr := w.Write(line); werr != nil {
					return werr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
