package walkcache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// The frame codec: the events of one frame in a compact form of their own,
// read without reflection (gob spent most of a replay's time reading them).
// A frame is a uvarint count of events, then each event:
//
//	K        byte
//	flags    byte: which of the parts below follow
//	B, C, P  varints
//	NewPath  string                                   (hasNewPath)
//	Death    Offset, Lines varints, Kind byte, By attribution (hasDeath)
//	Birth    Attribution, Lines varint                (hasBirth)
//	Commit   see frameEncoder.commit                  (hasCommit)
//
// A varint is encoding/binary's (zig-zag), a string a uvarint length and
// its bytes. The strings of commits and attributions, which repeat (an
// author, a parent that is the commit before), are references instead: a
// uvarint index into the frame's table of strings, where the table's
// length says a new string follows, which joins the table. Attributions
// are references of the same kind into a table of attributions, a new one
// spelled out as six string references. A frame so stands alone: the
// frames of an earlier walk are copied into a new entry unread.
//
// Only exported fields are saved, as gob saved them; a field added to any
// type written here must be added here too (TestCodecFields fails until it
// is), with FormatVersion bumped. Empty slices and maps and zero times
// read back as nil and zero values, as they did from gob.
//
// Reading trusts nothing: every count and length is checked against the
// bytes left, so a corrupt frame is an error, never a panic, and what is
// allocated is in proportion to the frame's length.

// Event flags.
const (
	hasNewPath = 1 << iota
	hasDeath
	hasBirth
	hasCommit
	allFlags = hasNewPath | hasDeath | hasBirth | hasCommit
)

// minEventSize is the fewest bytes an event takes (K, flags, B, C, P).
const minEventSize = 5

// frameEncoder appends events to b.
type frameEncoder struct {
	b     []byte
	strs  map[string]int
	attrs map[provenance.Attribution]int
	// tmp and names are scratch space.
	tmp   []byte
	names []string
}

// appendFrame appends the frame of evs to b.
func appendFrame(b []byte, evs []event) ([]byte, error) {
	e := frameEncoder{b: binary.AppendUvarint(b, uint64(len(evs))), strs: map[string]int{}, attrs: map[provenance.Attribution]int{}}
	for i := range evs {
		if err := e.event(&evs[i]); err != nil {
			return b, fmt.Errorf("event %d of %d (kind %d): %w", i, len(evs), evs[i].K, err)
		}
	}
	return e.b, nil
}

func (e *frameEncoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *frameEncoder) int(v int)        { e.b = binary.AppendVarint(e.b, int64(v)) }

func (e *frameEncoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// index writes k's number in the frame's table t, giving it the next
// number when it is new; it reports whether it was, so that the caller
// spells it out.
func index[K comparable](e *frameEncoder, t map[K]int, k K) bool {
	n, ok := t[k]
	if !ok {
		n = len(t)
		t[k] = n
	}
	e.uvarint(uint64(n))
	return !ok
}

// ref writes s as a reference into the frame's table of strings.
func (e *frameEncoder) ref(s string) {
	if index(e, e.strs, s) {
		e.str(s)
	}
}

func (e *frameEncoder) refs(list []string) {
	e.uvarint(uint64(len(list)))
	for _, s := range list {
		e.ref(s)
	}
}

// attr writes a as a reference into the frame's table of attributions.
func (e *frameEncoder) attr(a provenance.Attribution) {
	if !index(e, e.attrs, a) {
		return
	}
	for _, s := range [...]string{string(a.Origin), a.Agent, a.Model, string(a.Agents), a.Session, string(a.Evidence)} {
		e.ref(s)
	}
}

// time writes t in its binary form (Time.AppendBinary, which gob used:
// the instant and the zone's offset), with a uvarint length; the zero time
// as length 0.
func (e *frameEncoder) time(t time.Time) error {
	if t == (time.Time{}) {
		e.uvarint(0)
		return nil
	}
	var err error
	if e.tmp, err = t.AppendBinary(e.tmp[:0]); err != nil {
		return err
	}
	e.uvarint(uint64(len(e.tmp)))
	e.b = append(e.b, e.tmp...)
	return nil
}

var errNotCleared = errors.New("its pointers and path are not cleared")

// event writes ev; see the layout above.
func (e *frameEncoder) event(ev *event) error {
	flags := byte(0)
	if ev.NewPath != "" {
		flags |= hasNewPath
	}
	if ev.Death != (linemap.Death{}) {
		flags |= hasDeath
	}
	if ev.Birth != nil {
		flags |= hasBirth
	}
	if ev.Commit != nil {
		flags |= hasCommit
	}
	e.b = append(e.b, ev.K, flags)
	e.int(ev.B)
	e.int(ev.C)
	e.int(ev.P)
	if flags&hasNewPath != 0 {
		e.str(ev.NewPath)
	}
	return e.parts(ev, flags)
}

// parts writes an event's death, birth and commit.
func (e *frameEncoder) parts(ev *event, flags byte) error {
	if flags&hasDeath != 0 {
		d := &ev.Death
		if d.Birth != nil || d.Commit != nil || d.Path != "" {
			return fmt.Errorf("death: %w", errNotCleared)
		}
		e.int(d.Offset)
		e.int(d.Lines)
		e.b = append(e.b, byte(d.Kind))
		e.attr(d.By)
	}
	if flags&hasBirth != 0 {
		b := ev.Birth
		if b.Commit != nil || b.Path != "" {
			return fmt.Errorf("birth: %w", errNotCleared)
		}
		e.attr(b.Attribution)
		e.int(b.Lines)
	}
	if flags&hasCommit != 0 {
		return e.commit(ev.Commit)
	}
	return nil
}

// commit writes c: its Meta (ID, Parents, Author, Committer, AuthorTime,
// CommitTime, Message, Branch), Index, Provenance (ID, Default, a byte of
// HasDefault and Partial, Sources, Files by name) and Source.
func (e *frameEncoder) commit(c *linemap.Commit) error {
	e.ref(c.ID)
	e.refs(c.Parents)
	e.ref(c.Author)
	e.ref(c.Committer)
	if err := e.time(c.AuthorTime); err != nil {
		return fmt.Errorf("commit %s: author time: %w", c.ID, err)
	}
	if err := e.time(c.CommitTime); err != nil {
		return fmt.Errorf("commit %s: commit time: %w", c.ID, err)
	}
	e.ref(c.Message)
	e.ref(c.Branch)
	e.int(c.Index)
	p := &c.Provenance
	e.ref(p.ID)
	e.attr(p.Default)
	e.b = append(e.b, boolBit(p.HasDefault, 1)|boolBit(p.Partial, 2))
	e.refs(p.Sources)
	e.files(p.Files)
	e.ref(string(c.Source))
	return nil
}

func boolBit(b bool, bit byte) byte {
	if b {
		return bit
	}
	return 0
}

// files writes a note's spans, file by file in order of name.
func (e *frameEncoder) files(files map[string][]provenance.Span) {
	e.uvarint(uint64(len(files)))
	e.names = e.names[:0]
	for name := range files {
		e.names = append(e.names, name)
	}
	slices.Sort(e.names)
	for _, name := range e.names {
		e.ref(name)
		spans := files[name]
		e.uvarint(uint64(len(spans)))
		for _, s := range spans {
			e.int(s.Start)
			e.int(s.End)
			e.attr(s.Attribution)
		}
	}
}

// frameDecoder reads events from b, at off. The first problem is kept in
// err and takes off to the end, so that every later read fails at once.
// (An offset, not b resliced: a replay's decoder is on the heap, where
// every pointer written costs a write barrier while the GC runs.)
type frameDecoder struct {
	b     []byte
	off   int
	err   error
	strs  []string
	attrs []provenance.Attribution
}

// frameReader reads the events of a frame one at a time, so that a replay
// holds one event, not a frame of them.
type frameReader struct {
	d       frameDecoder
	n, left int
}

// reset starts reading data, keeping the storage of the tables.
func (r *frameReader) reset(data []byte) error {
	r.d = frameDecoder{b: data, strs: r.d.strs[:0], attrs: r.d.attrs[:0]}
	r.n = r.d.count(minEventSize)
	r.left = r.n
	return r.end()
}

// more reports whether events are left to read.
func (r *frameReader) more() bool { return r.left > 0 }

// next reads the next event into ev.
func (r *frameReader) next(ev *event) error {
	if r.left == 0 {
		return errors.New("no event left")
	}
	r.left--
	r.d.event(ev)
	if r.d.err != nil {
		return fmt.Errorf("event %d of %d: %w", r.n-r.left-1, r.n, r.d.err)
	}
	return r.end()
}

// end checks, once every event is read, that nothing follows them.
func (r *frameReader) end() error {
	switch {
	case r.d.err != nil:
		return r.d.err
	case r.left == 0 && r.d.off != len(r.d.b):
		return fmt.Errorf("%d bytes after the last event", len(r.d.b)-r.d.off)
	}
	return nil
}

func (d *frameDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.off = len(d.b)
}

var errShort = errors.New("the frame ends too soon")

func (d *frameDecoder) byte() byte {
	if d.off < len(d.b) {
		d.off++
		return d.b[d.off-1]
	}
	d.fail(errShort)
	return 0
}

// uvarint reads a uvarint: one byte inline, longer ones in uvarintLong.
func (d *frameDecoder) uvarint() uint64 {
	if b, off := d.b, d.off; off < len(b) && b[off] < 0x80 {
		d.off++
		return uint64(b[off])
	}
	return d.uvarintLong()
}

func (d *frameDecoder) uvarintLong() uint64 {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail(errMalformed)
		return 0
	}
	d.off += n
	return v
}

var errMalformed = errors.New("a malformed number")

// int reads a varint (zig-zag).
func (d *frameDecoder) int() int {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	if int64(int(v)) != v { // where int is 32 bits wide
		d.fail(errRange)
		return 0
	}
	return int(v)
}

var errRange = errors.New("a number out of range")

// count reads the length of a list whose items take at least size bytes
// each, and checks that the bytes left can hold it.
func (d *frameDecoder) count(size int) int {
	n := d.uvarint()
	if left := len(d.b) - d.off; n > uint64(left/size) {
		d.fail(fmt.Errorf("%d items where %d bytes remain", n, left))
		return 0
	}
	return int(n)
}

// raw reads a string's bytes, which stay d's.
func (d *frameDecoder) raw() []byte {
	n := d.count(1)
	d.off += n
	return d.b[d.off-n : d.off : d.off]
}

func (d *frameDecoder) str() string { return string(d.raw()) }

// ref reads what frameEncoder.ref writes.
func (d *frameDecoder) ref() string {
	n := d.uvarint()
	switch {
	case n < uint64(len(d.strs)):
		return d.strs[n]
	case n > uint64(len(d.strs)):
		d.fail(fmt.Errorf("string %d of %d", n, len(d.strs)))
		return ""
	}
	s := d.str()
	if d.err == nil {
		d.strs = append(d.strs, s)
	}
	return s
}

func (d *frameDecoder) refs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = d.ref()
	}
	return list
}

// attr reads what frameEncoder.attr writes.
func (d *frameDecoder) attr() provenance.Attribution {
	n := d.uvarint()
	switch {
	case n < uint64(len(d.attrs)):
		return d.attrs[n]
	case n > uint64(len(d.attrs)):
		d.fail(fmt.Errorf("attribution %d of %d", n, len(d.attrs)))
		return provenance.Attribution{}
	}
	a := provenance.Attribution{Origin: provenance.Origin(d.ref()), Agent: d.ref(), Model: d.ref(),
		Agents: provenance.Agents(d.ref()), Session: d.ref(), Evidence: provenance.Evidence(d.ref())}
	if d.err == nil {
		d.attrs = append(d.attrs, a)
	}
	return a
}

// time reads what frameEncoder.time writes.
func (d *frameDecoder) time() time.Time {
	var t time.Time
	b := d.raw()
	if len(b) == 0 {
		return t
	}
	if err := t.UnmarshalBinary(b); err != nil {
		d.fail(fmt.Errorf("a time: %w", err))
		return time.Time{}
	}
	// Only the form the encoder writes: another (a zone offset git
	// cannot give, the zero time spelled out) would not read back alike.
	if again, err := t.AppendBinary(nil); err != nil || t == (time.Time{}) || !bytes.Equal(again, b) {
		d.fail(errors.New("a time in a form never written"))
		return time.Time{}
	}
	return t
}

// event reads what frameEncoder.event writes into ev.
func (d *frameDecoder) event(ev *event) {
	*ev = event{K: d.byte()}
	flags := d.byte()
	if flags&^allFlags != 0 {
		d.fail(fmt.Errorf("flags %#x", flags))
		return
	}
	ev.B, ev.C, ev.P = d.int(), d.int(), d.int()
	if flags&hasNewPath != 0 {
		ev.NewPath = d.str()
	}
	if flags&hasDeath != 0 {
		ev.Death = linemap.Death{Offset: d.int(), Lines: d.int(), Kind: linemap.DeathKind(d.byte()), By: d.attr()}
	}
	if flags&hasBirth != 0 {
		ev.Birth = &linemap.Birth{Attribution: d.attr(), Lines: d.int()}
	}
	if flags&hasCommit != 0 {
		ev.Commit = d.commit()
	}
}

// commit reads what frameEncoder.commit writes.
func (d *frameDecoder) commit() *linemap.Commit {
	c := &linemap.Commit{}
	c.ID = d.ref()
	c.Parents = d.refs()
	c.Author = d.ref()
	c.Committer = d.ref()
	c.AuthorTime = d.time()
	c.CommitTime = d.time()
	c.Message = d.ref()
	c.Branch = d.ref()
	c.Index = d.int()
	p := &c.Provenance
	p.ID = d.ref()
	p.Default = d.attr()
	bits := d.byte()
	if bits&^3 != 0 {
		d.fail(fmt.Errorf("provenance bits %#x", bits))
	}
	p.HasDefault, p.Partial = bits&1 != 0, bits&2 != 0
	p.Sources = d.refs()
	p.Files = d.files()
	c.Source = provenance.Source(d.ref())
	return c
}

// files reads a note's spans; names must come in order, each once.
func (d *frameDecoder) files() map[string][]provenance.Span {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	files := make(map[string][]provenance.Span, n)
	prev := ""
	for i := 0; i < n && d.err == nil; i++ {
		name := d.ref()
		if i > 0 && name <= prev {
			d.fail(errors.New("file names out of order"))
		}
		files[name], prev = d.spans(), name
	}
	return files
}

func (d *frameDecoder) spans() []provenance.Span {
	n := d.count(3)
	if n == 0 {
		return nil
	}
	spans := make([]provenance.Span, n)
	for i := range spans {
		spans[i] = provenance.Span{Range: provenance.Range{Start: d.int(), End: d.int()}, Attribution: d.attr()}
	}
	return spans
}
