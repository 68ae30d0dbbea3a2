package walk

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// boundary reads, for a walk with Moves, the trees of commits outside the
// range (A of A..B, and where older branches join): their lines are
// background, but moves and copies can come from them, as git blame -M -C
// -C A..B gives such lines to the boundary. Blobs are read once with one
// git cat-file --batch per boundary commit, and shared between them.
type boundary struct {
	repo  *gitx.Repo
	blobs map[string][]linemap.Line
	trees map[string]map[string][]linemap.Line
}

// binarySniff is how much of a blob git looks at for a NUL byte to call
// it binary.
const binarySniff = 8000

// content returns the text of every file of commit id, by path (nil for
// a binary file).
func (b *boundary) content(ctx context.Context, id string) (map[string][]linemap.Line, error) {
	if c, ok := b.trees[id]; ok {
		return c, nil
	}
	out, err := b.repo.Output(ctx, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", id)
	if err != nil {
		return nil, fmt.Errorf("reading the files of %s (before the range): %w", id, err)
	}
	files := map[string][]linemap.Line{}
	blobOf := map[string]string{}
	var want []string
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" {
			continue // submodules are not followed
		}
		blobOf[path] = f[2]
		if _, seen := b.blobs[f[2]]; !seen {
			want = append(want, f[2])
			b.blobs[f[2]] = nil
		}
	}
	err = b.repo.CatBatch(ctx, want, func(oid string, data []byte) {
		b.blobs[oid] = linesOf(data)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the files of %s (before the range): %w", id, err)
	}
	for path, oid := range blobOf {
		files[path] = b.blobs[oid]
	}
	b.trees[id] = files
	return files, nil
}

// linesOf hashes a blob's lines as the walk hashes a diff's (nil: binary).
func linesOf(data []byte) []linemap.Line {
	if bytes.IndexByte(data[:min(len(data), binarySniff)], 0) >= 0 {
		return nil
	}
	lines := make([]linemap.Line, 0, bytes.Count(data, []byte("\n"))+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, linemap.LineOf(string(data), false))
			break
		}
		lines = append(lines, linemap.LineOf(string(data[:i]), true))
		data = data[i+1:]
	}
	return lines
}
