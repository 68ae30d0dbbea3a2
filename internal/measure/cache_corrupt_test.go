package measure_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestCacheCorruptEverySection flips one byte of a real cache entry in
// every part of it (each section length and the checksum in the header,
// the first, middle and last byte of each of the four sections): every
// time the entry is refused with one warning and the report's figures are
// those of a walk without the cache.
func TestCacheCorruptEverySection(t *testing.T) {
	t.Parallel()
	e, g := newEnv(t, 23, 12, true)
	e.check("first", "", true)
	path := entryFile(t, e)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The header: magic (8), version (4), four section lengths (8 each),
	// SHA-256 (32).
	const headerSize = 8 + 4 + 4*8 + 32
	if len(data) < headerSize || string(data[:8]) != "GAISWALK" {
		t.Fatalf("not an entry: %q", data[:min(len(data), 8)])
	}
	type spot struct {
		name string
		at   int
	}
	spots := []spot{{"checksum", headerSize - 1}}
	off := headerSize
	for i, name := range []string{"events", "commits", "end tree", "meta"} {
		n := int(binary.LittleEndian.Uint64(data[12+8*i:]))
		if i == 0 || !testing.Short() { // -short flips one section length; make test-slow each of them
			spots = append(spots, spot{name + " length", 12 + 8*i})
		}
		if n == 0 {
			continue
		}
		spots = append(spots, spot{name + " middle byte", off + n/2})
		if !testing.Short() { // make test-slow flips both ends of every section too
			spots = append(spots, spot{name + " first byte", off}, spot{name + " last byte", off + n - 1})
		}
		off += n
	}
	if off != len(data) {
		t.Fatalf("sections end at %d of %d bytes", off, len(data))
	}
	for _, s := range spots {
		name := fmt.Sprintf("%s (byte %d)", s.name, s.at)
		g.commit("")
		if err := os.WriteFile(path, flip(data, s.at), 0o644); err != nil {
			t.Fatal(err)
		}
		e.warn = nil
		st := e.check(name, "", true) // the figures equal a walk without the cache
		if st.Resumed || st.Rebuilt != "corrupt" || !st.Saved {
			t.Errorf("%s: %+v, want the entry refused as corrupt and rebuilt", name, st)
		}
		if len(e.warn) != 1 || !strings.Contains(e.warn[0], "is corrupt") {
			t.Errorf("%s: warnings %q, want one about a corrupt cache", name, e.warn)
		}
	}
}
