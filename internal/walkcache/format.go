package walkcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// An entry is one file: a fixed header, then four sections, each its own
// gob stream except the events:
//
//	header  magic (8 bytes), format version (uint32), four section
//	        lengths (uint64 each), SHA-256 of everything after the header
//	events  frames: a uint32 length and the frame's events (codec.go)
//	ids     the commits walked, in order (savedIDs: raw ids end to end)
//	state   the end tree (savedTree)
//	meta    what the entry is valid for (meta)
//
// All integers are little-endian.
const (
	magic      = "GAISWALK"
	headerSize = 8 + 4 + 4*8 + sha256.Size
)

// FormatVersion changes whenever what an entry holds or means changes
// (the walk's rules, the events, this layout); an entry of another version
// is rebuilt. 4: the events are in the frame codec's form, not gob's.
const FormatVersion = 4

// meta says what an entry was computed from.
type meta struct {
	Version int
	Key     Key
	// End is the commit the walk ended at; NotesTip the commit of the
	// notes ref it read ("" when there was none).
	End, NotesTip string
	// Commits, Births, Paths, Events and Frames count what the events
	// section holds.
	Commits, Births, Paths, Events, Frames int
}

// savedTree is linemap.TreeState with births by number (-1: background)
// and runs as parallel slices.
type savedTree struct {
	Outside  bool
	Paths    []string
	Files    []int
	Versions []savedVersion
}

type savedVersion struct {
	Births        []int32
	Offsets, Lens []int
	Known         bool
	Lines         []linemap.Line
}

func saveTree(ts *linemap.TreeState) (*savedTree, error) {
	s := &savedTree{Outside: ts.Outside, Paths: ts.Paths, Files: ts.Files, Versions: make([]savedVersion, len(ts.Versions))}
	for i, v := range ts.Versions {
		sv := savedVersion{Births: make([]int32, len(v.Runs)), Offsets: make([]int, len(v.Runs)), Lens: make([]int, len(v.Runs)), Known: v.Known, Lines: v.Lines}
		for j, r := range v.Runs {
			sv.Births[j] = -1
			if r.Birth != nil {
				n, ok := r.Birth.Seq()
				if !ok {
					return nil, fmt.Errorf("the end tree holds lines of a birth the walk never gave (%s, %s)", r.Birth.Path, r.Birth.Commit.ID)
				}
				sv.Births[j] = int32(n)
			}
			sv.Offsets[j], sv.Lens[j] = r.Offset, r.N
		}
		s.Versions[i] = sv
	}
	return s, nil
}

func (s *savedTree) state(births []*linemap.Birth) (*linemap.TreeState, error) {
	ts := &linemap.TreeState{Outside: s.Outside, Paths: s.Paths, Files: s.Files, Versions: make([]linemap.VersionState, len(s.Versions))}
	for i, v := range s.Versions {
		if len(v.Offsets) != len(v.Births) || len(v.Lens) != len(v.Births) {
			return nil, fmt.Errorf("saved tree: version %d is malformed", i)
		}
		vs := linemap.VersionState{Runs: make([]linemap.RunState, len(v.Births)), Known: v.Known, Lines: v.Lines}
		for j, b := range v.Births {
			r := linemap.RunState{Offset: v.Offsets[j], N: v.Lens[j]}
			if b >= 0 {
				if int(b) >= len(births) {
					return nil, fmt.Errorf("saved tree: birth %d of %d", b, len(births))
				}
				r.Birth = births[b]
			}
			vs.Runs[j] = r
		}
		ts.Versions[i] = vs
	}
	return ts, nil
}

// header is an entry's fixed header.
type header struct {
	version  uint32
	sections [4]uint64 // events, ids, state, meta
	sum      [sha256.Size]byte
}

func (h *header) bytes() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, h.version)
	for _, n := range h.sections {
		b = binary.LittleEndian.AppendUint64(b, n)
	}
	return append(b, h.sum[:]...)
}

// errCorrupt marks an entry that is not what it says it is.
var errCorrupt = errors.New("corrupt")

func readHeader(r io.Reader) (*header, error) {
	b := make([]byte, headerSize)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errCorrupt, err)
	}
	if string(b[:8]) != magic {
		return nil, fmt.Errorf("%w: not a walk cache entry", errCorrupt)
	}
	h := &header{version: binary.LittleEndian.Uint32(b[8:])}
	for i := range h.sections {
		h.sections[i] = binary.LittleEndian.Uint64(b[12+8*i:])
	}
	copy(h.sum[:], b[12+8*4:])
	return h, nil
}

// entry is an open entry whose checksum has been verified.
type entry struct {
	f    *os.File
	h    *header
	meta meta
}

// section returns a reader of section i.
func (e *entry) section(i int) *io.SectionReader {
	off := int64(headerSize)
	for k := 0; k < i; k++ {
		off += int64(e.h.sections[k])
	}
	return io.NewSectionReader(e.f, off, int64(e.h.sections[i]))
}

// errVersion marks an entry of another format version.
var errVersion = errors.New("written by another version")

// openEntry opens path, checks its size and checksum (one pass over the
// file) and reads its meta. A missing file is os.ErrNotExist; any other
// problem wraps errCorrupt or errVersion.
func openEntry(path string) (*entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := checkEntry(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

func checkEntry(f *os.File) (*entry, error) {
	h, err := readHeader(f)
	if err != nil {
		return nil, err
	}
	if h.version != FormatVersion {
		return nil, errVersion
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var total uint64
	for _, n := range h.sections {
		total += n
	}
	if total != uint64(st.Size()-headerSize) || st.Size() < headerSize {
		return nil, fmt.Errorf("%w: %d bytes where the header says %d", errCorrupt, st.Size()-headerSize, total)
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, io.NewSectionReader(f, headerSize, int64(total))); err != nil {
		return nil, err
	}
	if !bytes.Equal(sum.Sum(nil), h.sum[:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	e := &entry{f: f, h: h}
	if err := gob.NewDecoder(e.section(3)).Decode(&e.meta); err != nil {
		return nil, fmt.Errorf("%w: meta: %v", errCorrupt, err)
	}
	if e.meta.Version != FormatVersion {
		return nil, errVersion
	}
	return e, nil
}

func (e *entry) close() { e.f.Close() }

// ids reads the commits the entry's walk walked.
func (e *entry) ids() (*idList, error) {
	var saved savedIDs
	if err := gob.NewDecoder(bufio.NewReader(e.section(1))).Decode(&saved); err != nil {
		return nil, fmt.Errorf("%w: commit list: %v", errCorrupt, err)
	}
	ids, err := saved.list()
	if err != nil {
		return nil, fmt.Errorf("%w: commit list: %v", errCorrupt, err)
	}
	return ids, nil
}

// frames calls fn with each frame of the events section.
func (e *entry) frames(fn func([]byte) error) error {
	r := bufio.NewReaderSize(e.section(0), 1<<16)
	var buf []byte
	for k := 0; k < e.meta.Frames; k++ {
		var n [4]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return fmt.Errorf("%w: frame %d: %v", errCorrupt, k, err)
		}
		size := binary.LittleEndian.Uint32(n[:])
		if uint64(size) > e.h.sections[0] {
			return fmt.Errorf("%w: frame %d: length %d", errCorrupt, k, size)
		}
		if cap(buf) < int(size) {
			buf = make([]byte, size)
		}
		buf = buf[:size]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("%w: frame %d: %v", errCorrupt, k, err)
		}
		if err := fn(buf); err != nil {
			return err
		}
	}
	return nil
}

// state reads the entry's end tree.
func (e *entry) state() (*savedTree, error) {
	var s savedTree
	if err := gob.NewDecoder(bufio.NewReaderSize(e.section(2), 1<<16)).Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: end tree: %v", errCorrupt, err)
	}
	return &s, nil
}

// writer writes an entry to a temporary file next to where it goes.
type writer struct {
	f      *os.File
	sum    hash.Hash
	counts [4]uint64
	cur    int
	out    *countWriter
}

type countWriter struct {
	w io.Writer
	n *uint64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += uint64(n)
	return n, err
}

func newWriter(dir string) (*writer, error) {
	f, err := os.CreateTemp(dir, "tmp-*.walk")
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(make([]byte, headerSize)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w := &writer{f: f, sum: sha256.New()}
	w.out = &countWriter{w: io.MultiWriter(f, w.sum), n: &w.counts[0]}
	return w, nil
}

// next starts the next section.
func (w *writer) next() {
	w.cur++
	w.out.n = &w.counts[w.cur]
}

// gob writes v as the current section.
func (w *writer) gob(v any) error {
	bw := bufio.NewWriterSize(w.out, 1<<16)
	if err := gob.NewEncoder(bw).Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// commit writes the header and moves the entry to path.
func (w *writer) commit(path string) error {
	h := header{version: FormatVersion, sections: w.counts}
	copy(h.sum[:], w.sum.Sum(nil))
	if _, err := w.f.WriteAt(h.bytes(), 0); err != nil {
		w.abort()
		return err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.f.Name())
		return err
	}
	if err := os.Rename(w.f.Name(), path); err != nil {
		os.Remove(w.f.Name())
		return err
	}
	return nil
}

func (w *writer) abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}
