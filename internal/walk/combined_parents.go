package walk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// With moves, blame's search for copies of a merge's own lines looks in
// the files the merge changed relative to each parent. The combined diff
// names only the paths changed relative to every parent, so the others,
// relative to a parent after the first, are listed when a search needs
// them: by one git diff-tree --stdin for the whole walk, asked merge by
// merge, rather than one process each (the start of a git costs about
// what listing one merge's changes does).

// changedLister asks a running git diff-tree --stdin for the changes of
// one commit relative to another.
type changedLister struct {
	req  chan [2]string
	resp chan []linemap.Change
	done chan error
	stop context.CancelFunc
	err  error
}

// changedListArgs list a merge's changes relative to one parent as
// rawArgs list them relative to the first; --always prints the header of
// an empty diff, which ends each answer (see list).
var changedListArgs = []string{"diff-tree", "--stdin", "--always", "-r", "--raw", "--no-abbrev", "-M",
	"--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all", "--no-relative"}

func startChangedLister(ctx context.Context, repo *gitx.Repo) *changedLister {
	ctx, stop := context.WithCancel(ctx)
	l := &changedLister{req: make(chan [2]string), resp: make(chan []linemap.Change), done: make(chan error, 1), stop: stop}
	pr, pw := io.Pipe()
	go func() {
		l.done <- repo.Stream(ctx, pr, func(r io.Reader) error {
			defer pw.Close()
			br := bufio.NewReaderSize(r, 1<<16)
			for q := range l.req {
				commit, parent := q[0], q[1]
				// The commit against the parent, then against itself: an
				// empty diff whose header ends the answer.
				if _, err := fmt.Fprintf(pw, "%s %s\n%s %s\n", commit, parent, commit, commit); err != nil {
					return err
				}
				changes, err := readChangedAnswer(br, commit)
				if err != nil {
					return err
				}
				select {
				case l.resp <- changes:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}, changedListArgs...)
		pr.Close()
	}()
	return l
}

// readChangedAnswer reads "<commit>", the raw lines of its diff, and the
// "<commit>" of the empty diff after it.
func readChangedAnswer(br *bufio.Reader, commit string) ([]linemap.Change, error) {
	var out []linemap.Change
	headers := 0
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, ":"):
			if headers != 1 {
				return nil, fmt.Errorf("raw diff line %q out of place", line)
			}
			ch, err := rawChange(line)
			if err != nil {
				return nil, err
			}
			out = append(out, ch)
		case strings.HasPrefix(line, commit):
			headers++
			if headers == 2 {
				return out, nil
			}
		default:
			return nil, fmt.Errorf("unexpected line %q", line)
		}
	}
}

// list returns commit's changes relative to parent.
func (l *changedLister) list(commit, parent string) ([]linemap.Change, error) {
	if l.err != nil {
		return nil, l.err
	}
	select {
	case l.req <- [2]string{commit, parent}:
	case err := <-l.done:
		l.err = errOr(err)
		return nil, l.err
	}
	select {
	case out := <-l.resp:
		return out, nil
	case err := <-l.done:
		l.err = errOr(err)
		return nil, l.err
	}
}

// close ends the git process.
func (l *changedLister) close() error {
	if l.err != nil {
		l.stop()
		return nil
	}
	close(l.req)
	err := <-l.done
	l.stop()
	return err
}

func errOr(err error) error {
	if err == nil {
		return errors.New("git diff-tree --stdin ended early")
	}
	return err
}
