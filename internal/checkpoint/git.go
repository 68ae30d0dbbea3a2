package checkpoint

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
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
		return parseBatch(bufio.NewReader(bytes.NewReader(out)), sent)
	}
	abort = func() {
		if !used {
			proc.Abort()
		}
	}
	return read, abort, nil
}

// parseBatch reads `git cat-file --batch` output for names.
func parseBatch(br *bufio.Reader, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range names {
		head, err := br.ReadString('\n')
		if err != nil {
			return out, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			continue // "<name> missing", "ambiguous"
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return out, fmt.Errorf("git cat-file: unexpected %q", head)
		}
		b := make([]byte, size+1)
		if _, err := io.ReadFull(br, b); err != nil {
			return out, fmt.Errorf("git cat-file: %w", err)
		}
		if f[1] == "blob" {
			out[name] = b[:size]
		}
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
		out, err = parseBatch(bufio.NewReaderSize(r, 1<<16), sent)
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
