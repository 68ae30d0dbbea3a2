package rewrite

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// parseEntry reads a note blob as the notes package does.
func parseEntry(commit string, data []byte) notes.Entry {
	n, warn, err := provenance.Parse(data)
	if err != nil {
		err = fmt.Errorf("the note on commit %s is not a valid git-ai-survival note (%w); it is ignored", commit[:12], err)
	}
	return notes.Entry{Commit: commit, Note: n, Err: err, Warnings: warn}
}

// catBlobs feeds req (object ids, one per line) to `git cat-file --batch`
// and hands each object's content to fn.
func catBlobs(ctx context.Context, repo *gitx.Repo, req string, fn func(id string, data []byte)) error {
	return repo.Stream(ctx, strings.NewReader(req), func(r io.Reader) error {
		br := bufio.NewReader(r)
		for {
			header, err := br.ReadString('\n')
			if err == io.EOF && header == "" {
				return nil
			}
			if err != nil {
				return err
			}
			f := strings.Fields(header)
			if len(f) == 2 && f[1] == "missing" {
				return fmt.Errorf("object %s is missing from the repository", f[0])
			}
			if len(f) != 3 {
				return fmt.Errorf("unexpected cat-file output %q", header)
			}
			size, err := strconv.Atoi(f[2])
			if err != nil {
				return fmt.Errorf("unexpected cat-file output %q", header)
			}
			data := make([]byte, size+1)
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("reading object %s: %w", f[0], err)
			}
			fn(f[0], data[:size])
		}
	}, "cat-file", "--batch")
}
