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
		return ReadBatch(r, len(ids), func(_ int, o BatchObject) error {
			switch {
			case o.Type == "missing":
				return fmt.Errorf("object %s is missing from the repository (a partial or damaged clone?)", o.ID)
			case o.Unresolved:
				return fmt.Errorf("unexpected cat-file output %q", o.ID+" "+o.Type)
			}
			fn(o.ID, o.Data)
			return nil
		})
	}, "cat-file", "--batch")
}

// BatchObject is one object of `git cat-file --batch` output.
type BatchObject struct {
	ID, Type string
	Data     []byte
	// Unresolved is set when git could not resolve the name asked for:
	// ID is then that name and Type git's word for why ("missing",
	// "ambiguous"), with no Data.
	Unresolved bool
}

// ReadBatch parses the output of `git cat-file --batch` for n names asked
// for, calling fn with each one's position in the request and its object,
// in order. It stops at the first error fn returns.
func ReadBatch(r io.Reader, n int, fn func(i int, o BatchObject) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	for i := 0; i < n; i++ {
		header, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reading cat-file output: %w", err)
		}
		// "<id> <type> <size>", or "<name> missing" (and "ambiguous")
		// where the name, as asked for, may hold spaces.
		line := strings.TrimSuffix(header, "\n")
		rest, word := "", line
		if k := strings.LastIndexByte(line, ' '); k >= 0 {
			rest, word = line[:k], line[k+1:]
		}
		var o BatchObject
		size, err := strconv.Atoi(word)
		id, typ, found := strings.Cut(rest, " ")
		switch {
		case err != nil && rest != "":
			o = BatchObject{ID: rest, Type: word, Unresolved: true}
		case err != nil || size < 0 || !found || id == "" || strings.Contains(typ, " "):
			return fmt.Errorf("unexpected cat-file output %q", header)
		default:
			data := make([]byte, size+1)
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("reading object %s: %w", id, err)
			}
			o = BatchObject{ID: id, Type: typ, Data: data[:size]}
		}
		if err := fn(i, o); err != nil {
			return err
		}
	}
	return nil
}
