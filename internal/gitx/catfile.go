package gitx

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CatBatch reads the objects named by ids with one `git cat-file --batch`
// and hands each one's content to fn, in order. A missing object is an
// error naming it.
func (g *Git) CatBatch(ctx context.Context, ids []string, fn func(id string, data []byte)) error {
	if len(ids) == 0 {
		return nil
	}
	req := strings.Join(ids, "\n") + "\n"
	return g.Stream(ctx, strings.NewReader(req), func(r io.Reader) error {
		return readBatch(r, fn)
	}, "cat-file", "--batch")
}

// readBatch parses `git cat-file --batch` output.
func readBatch(r io.Reader, fn func(id string, data []byte)) error {
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
			return fmt.Errorf("object %s is missing from the repository (a partial or damaged clone?)", f[0])
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
}
