package measure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// Generated is what the .gitattributes files at the end of the range left
// out of the counts: files marked linguist-generated or linguist-vendored,
// and the text lines they hold there.
type Generated struct {
	Files, Lines int
}

// generated is the .gitattributes filter of one end revision.
type generated struct {
	attrs *config.Attributes
	// fingerprint identifies the attributes files (for the cache key).
	fingerprint string
	left        Generated
}

// readGenerated reads the .gitattributes files of the end of rng; nil when
// none marks a file. A range or end that does not resolve is left for the
// walk to report.
func readGenerated(ctx context.Context, repo *gitx.Repo, rng string, warn func(string)) (*generated, error) {
	_, end, err := walk.SplitRange(rng)
	if err != nil {
		return nil, nil
	}
	id, err := repo.ResolveCommit(ctx, end)
	if err != nil {
		return nil, nil
	}
	out, err := repo.Output(ctx, "ls-tree", "-r", "-z", "--full-tree", id)
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s for .gitattributes: %w", end, err)
	}
	type entry struct{ path, blob string }
	var blobs, attrFiles []entry
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" {
			continue
		}
		e := entry{p, f[2]}
		blobs = append(blobs, e)
		if path.Base(p) == config.AttributesFile && f[0] != "120000" {
			attrFiles = append(attrFiles, e)
		}
	}
	if len(attrFiles) == 0 {
		return nil, nil
	}
	ids := make([]string, len(attrFiles))
	for i, e := range attrFiles {
		ids[i] = e.blob
	}
	files := map[string][]byte{}
	i := 0
	if err := repo.CatBatch(ctx, ids, func(_ string, data []byte) {
		files[attrFiles[i].path] = data
		i++
	}); err != nil {
		return nil, fmt.Errorf("reading .gitattributes: %w", err)
	}
	attrs, warnings := config.ParseAttributes(files)
	for _, w := range warnings {
		if warn != nil {
			warn(w)
		}
	}
	if attrs.Empty() {
		return nil, nil
	}
	g := &generated{attrs: attrs}
	h := sha256.New()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "%q %d\n%s\n", p, len(files[p]), files[p])
	}
	g.fingerprint = hex.EncodeToString(h.Sum(nil))

	// What is left out at the end: the text lines of the marked files.
	var left []string
	for _, e := range blobs {
		if attrs.Generated(e.path) {
			left = append(left, e.blob)
		}
	}
	if err := repo.CatBatch(ctx, left, func(_ string, data []byte) {
		g.left.Files++
		if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
			return // binary: no lines to count
		}
		g.left.Lines += bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			g.left.Lines++
		}
	}); err != nil {
		return nil, fmt.Errorf("reading generated files: %w", err)
	}
	return g, nil
}

// key is the part of the cache key the attributes make ("" without them).
func (g *generated) key() string {
	if g == nil {
		return ""
	}
	return " gitattributes " + g.fingerprint
}
