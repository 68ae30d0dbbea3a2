package checkpoint

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// BlobReader reads objects by name (see readBlobs).
type BlobReader func(names []string) (map[string][]byte, error)

// StartBlobReader starts `git cat-file --batch` now, so that its start-up
// overlaps the caller's work; the reader it returns may be called once.
// abort stops the process when the reader is not called.
func StartBlobReader(ctx context.Context, g *gitx.Git) (read BlobReader, abort func(), err error) {
	proc, err := g.Start(ctx, "cat-file", "--batch")
	if err != nil {
		return nil, nil, err
	}
	used := false
	read = func(names []string) (map[string][]byte, error) {
		used = true
		var in strings.Builder
		var sent []string
		for _, n := range names {
			if !strings.ContainsAny(n, "\n") {
				in.WriteString(n + "\n")
				sent = append(sent, n)
			}
		}
		out, err := proc.Finish([]byte(in.String()))
		if err != nil {
			return nil, err
		}
		return parseBatch(bytes.NewReader(out), sent)
	}
	abort = func() {
		if !used {
			proc.Abort()
		}
	}
	return read, abort, nil
}

// parseBatch reads `git cat-file --batch` output for names: the blobs
// among them (names git does not find are absent from the map).
func parseBatch(r io.Reader, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := gitx.ReadBatch(r, len(names), func(i int, o gitx.BatchObject) error {
		if o.Type == "blob" && !o.Unresolved {
			out[names[i]] = o.Data
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("git cat-file: %w", err)
	}
	return out, nil
}

// readBlobs reads objects named like "HEAD:path" or ":path" with one
// `git cat-file --batch`; names git does not find are absent from the map.
func readBlobs(ctx context.Context, g *gitx.Git, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(names) == 0 {
		return out, nil
	}
	var in strings.Builder
	for _, n := range names {
		if strings.ContainsAny(n, "\n") {
			continue
		}
		in.WriteString(n)
		in.WriteByte('\n')
	}
	var sent []string
	for _, n := range names {
		if !strings.ContainsAny(n, "\n") {
			sent = append(sent, n)
		}
	}
	err := g.Stream(ctx, strings.NewReader(in.String()), func(r io.Reader) error {
		var err error
		out, err = parseBatch(r, sent)
		return err
	}, "cat-file", "--batch")
	return out, err
}

// dirtyFiles lists the files `git status` shows changed (staged, unstaged
// or untracked, not ignored), relative to the top of the working tree.
func dirtyFiles(ctx context.Context, g *gitx.Git) ([]string, error) {
	b, err := g.Output(ctx, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--ignore-submodules=all")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range bytes.Split(b, []byte{0}) {
		if len(e) < 4 {
			continue
		}
		out = append(out, string(e[3:]))
	}
	return out, nil
}
