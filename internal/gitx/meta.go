package gitx

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// MetaFormat is the `git log --format` of a commit's metadata that
// ParseMeta reads: id, parents, author, author date, committer, committer
// date, message, separated by US (0x1f); with -z, records end with NUL,
// which git never prints inside a name or a message.
const MetaFormat = "%H%x1f%P%x1f%an <%ae>%x1f%at%x1f%cn <%ce>%x1f%ct%x1f%B"

// MetaFormatNoDates is MetaFormat without the two dates. The post-commit
// hook's git command prints it: that command is written into the hooks
// already installed, so its text does not change.
const MetaFormatNoDates = "%H%x1f%P%x1f%an <%ae>%x1f%cn <%ce>%x1f%B"

// ParseMeta parses one record of MetaFormat (of MetaFormatNoDates when
// dates is false), without its NUL. The times are UTC.
func ParseMeta(rec string, dates bool) (provenance.Meta, error) {
	n := 5
	if dates {
		n = 7
	}
	f := strings.SplitN(rec, "\x1f", n)
	if len(f) != n {
		first, _, _ := strings.Cut(rec, "\n")
		return provenance.Meta{}, fmt.Errorf("unexpected commit record %q", first)
	}
	m := provenance.Meta{ID: f[0], Parents: strings.Fields(f[1]), Author: f[2]}
	if !dates {
		m.Committer, m.Message = f[3], f[4]
		return m, nil
	}
	at, err1 := strconv.ParseInt(f[3], 10, 64)
	ct, err2 := strconv.ParseInt(f[5], 10, 64)
	if err1 != nil || err2 != nil {
		return provenance.Meta{}, fmt.Errorf("commit %s: unreadable dates %q, %q", f[0], f[3], f[5])
	}
	m.AuthorTime, m.Committer, m.CommitTime, m.Message = time.Unix(at, 0).UTC(), f[4], time.Unix(ct, 0).UTC(), f[6]
	return m, nil
}

// StreamMeta runs `git log -z --format=MetaFormat` with args (options
// and revisions; "--" is added) and calls fn with each commit's metadata,
// in git's order, as git prints it.
func (g *Git) StreamMeta(ctx context.Context, fn func(provenance.Meta) error, args ...string) error {
	args = append(append([]string{"log", "-z", "--format=" + MetaFormat}, args...), "--")
	return g.Stream(ctx, nil, func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 1<<16)
		for {
			rec, err := br.ReadString(0)
			if err != nil && err != io.EOF {
				return err
			}
			if rec = strings.TrimSuffix(rec, "\x00"); rec != "" {
				m, perr := ParseMeta(rec, true)
				if perr != nil {
					return perr
				}
				if ferr := fn(m); ferr != nil {
					return ferr
				}
			}
			if err == io.EOF {
				return nil
			}
		}
	}, args...)
}

// ReadMeta returns the metadata of the commits git log selects with revs
// (e.g. ["--no-walk", id] or ["A..B"]), in one git process.
func (g *Git) ReadMeta(ctx context.Context, revs ...string) ([]provenance.Meta, error) {
	var metas []provenance.Meta
	err := g.StreamMeta(ctx, func(m provenance.Meta) error {
		metas = append(metas, m)
		return nil
	}, revs...)
	if err != nil {
		return nil, fmt.Errorf("reading commits: %w", err)
	}
	return metas, nil
}
