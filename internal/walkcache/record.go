package walkcache

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// Event kinds.
const (
	evCommit uint8 = iota + 1
	evBirth
	evDeath
	evMove
	// evDefine numbers a birth first met in a death, without OnBirth.
	evDefine
)

// event is one callback of the walk. Commits, births and paths are
// numbered in the order the stream first meets them; a birth or a path is
// spelled out (Birth, NewPath) where it first appears. Birth and Death
// are linemap's own values with their pointers and path cleared. The frame
// codec (codec.go) writes every field by hand: a field added to event or
// to a type it holds must be added there too (TestCodecFields says so).
type event struct {
	K uint8
	// Commit: evCommit.
	Commit *linemap.Commit
	// Birth, with its commit (C) and path (P): evBirth and evDefine.
	Birth *linemap.Birth
	// Death, of birth B at commit C and path P: evDeath and evMove (a
	// value, not a pointer: deaths are most events, and each pointer is
	// an allocation when they are read).
	Death linemap.Death
	B, C  int
	// P is a path's number; NewPath its text when the event is the first
	// to use it.
	P       int
	NewPath string
}

// frameEvents is how many events are encoded together.
const frameEvents = 4096

// recorder numbers and encodes the events of a walk, as they happen, into
// frames: each frame is a uint32 length and its events (see codec.go), so
// that the frames of an earlier walk can be copied unread.
type recorder struct {
	w   *bufio.Writer
	err error

	// Commits are numbered by their Index in the walk (checked against
	// ids), births by their Seq: maps of pointers would keep every commit
	// and birth of the history alive to the end.
	births int
	paths  map[string]int
	ids    idList

	frame  []event
	buf    []byte
	events int
	frames int
}

func newRecorder(w io.Writer) *recorder {
	return &recorder{
		w:     bufio.NewWriterSize(w, 1<<16),
		paths: map[string]int{},
	}
}

// wrap returns opts with its callbacks recording the events before
// passing them on.
func (r *recorder) wrap(opts walk.Options) walk.Options {
	onCommit, onBirth, onDeath, onMove := opts.OnCommit, opts.OnBirth, opts.OnDeath, opts.OnMove
	opts.OnCommit = func(c *linemap.Commit) {
		r.commit(c)
		if onCommit != nil {
			onCommit(c)
		}
	}
	opts.OnBirth = func(b *linemap.Birth) {
		r.birth(b, evBirth)
		if onBirth != nil {
			onBirth(b)
		}
	}
	opts.OnDeath = func(d linemap.Death) {
		r.death(d, evDeath)
		if onDeath != nil {
			onDeath(d)
		}
	}
	if opts.Moves {
		opts.OnMove = func(d linemap.Death) {
			r.death(d, evMove)
			if onMove != nil {
				onMove(d)
			}
		}
	}
	return opts
}

func (r *recorder) commit(c *linemap.Commit) {
	if c.Index != r.ids.len() {
		r.fail(fmt.Errorf("commit %s is commit %d of the walk, given as %d", c.ID, c.Index, r.ids.len()))
	}
	if err := r.ids.add(c.ID); err != nil {
		r.fail(err)
	}
	// A copy, encoded with its frame: the walk trims its commits once
	// they are applied.
	saved := *c
	r.add(event{K: evCommit, Commit: &saved})
}

func (r *recorder) path(p string, ev *event) {
	n, ok := r.paths[p]
	if !ok {
		n = len(r.paths)
		r.paths[p] = n
		ev.NewPath = p
	}
	ev.P = n
}

// birth records b (evBirth: its OnBirth; evDefine: it is first met
// elsewhere).
func (r *recorder) birth(b *linemap.Birth, kind uint8) {
	if n, ok := b.Seq(); ok && kind == evBirth {
		// Defined already: only the callback is new.
		r.add(event{K: evBirth, B: n})
		return
	}
	ev := event{K: kind, B: r.births}
	b.SetSeq(r.births)
	r.births++
	ev.C = r.commitOf(b.Commit)
	r.path(b.Path, &ev)
	saved := *b
	saved.Commit, saved.Path = nil, ""
	ev.Birth = &saved
	r.add(ev)
}

func (r *recorder) commitOf(c *linemap.Commit) int {
	if c == nil {
		return -1
	}
	n := c.Index
	if !r.ids.is(n, c.ID) {
		r.fail(fmt.Errorf("an event refers to commit %s before the walk gave it", c.ID))
		return -1
	}
	return n
}

func (r *recorder) death(d linemap.Death, kind uint8) {
	if _, ok := d.Birth.Seq(); !ok {
		r.birth(d.Birth, evDefine)
	}
	n, _ := d.Birth.Seq()
	ev := event{K: kind, B: n, C: r.commitOf(d.Commit)}
	r.path(d.Path, &ev)
	d.Birth, d.Commit, d.Path = nil, nil, ""
	ev.Death = d
	r.add(ev)
}

func (r *recorder) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *recorder) add(ev event) {
	r.frame = append(r.frame, ev)
	r.events++
	if len(r.frame) == frameEvents {
		r.flush()
	}
}

// flush encodes the events held as one frame.
func (r *recorder) flush() {
	if len(r.frame) == 0 || r.err != nil {
		r.frame = r.frame[:0]
		return
	}
	var err error
	if r.buf, err = appendFrame(r.buf[:0], r.frame); err != nil {
		r.fail(fmt.Errorf("encoding the walk's events: %w", err))
		return
	}
	r.writeFrame(r.buf)
	clear(r.frame)
	r.frame = r.frame[:0]
}

func (r *recorder) writeFrame(data []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(data)))
	if _, err := r.w.Write(n[:]); err != nil {
		r.fail(err)
		return
	}
	if _, err := r.w.Write(data); err != nil {
		r.fail(err)
	}
	r.frames++
}

// replayer reads an entry's frames and calls the walk's callbacks, making
// each commit and birth once so that every event about it carries the same
// pointer. It gives the recorder the objects it makes, numbered as the
// entry numbers them, so that the new entry can copy the frames unread.
type replayer struct {
	opts    walk.Options
	rec     *recorder
	commits []*linemap.Commit
	births  []*linemap.Birth
	paths   []string
	r       frameReader
}

// frame replays the events of one frame as it decodes them.
func (p *replayer) frame(data []byte) error {
	if err := p.r.reset(data); err != nil {
		return err
	}
	var ev event
	for p.r.more() {
		if err := p.r.next(&ev); err != nil {
			return err
		}
		if err := p.event(&ev); err != nil {
			return err
		}
	}
	return nil
}

func (p *replayer) path(ev *event) (string, error) {
	switch {
	case ev.P == len(p.paths) && ev.NewPath != "":
		p.paths = append(p.paths, ev.NewPath)
		p.rec.paths[ev.NewPath] = ev.P
	case ev.P < 0 || ev.P >= len(p.paths):
		return "", fmt.Errorf("path %d of %d", ev.P, len(p.paths))
	}
	return p.paths[ev.P], nil
}

func (p *replayer) commit(n int) (*linemap.Commit, error) {
	if n == -1 {
		return nil, nil
	}
	if n < 0 || n >= len(p.commits) {
		return nil, fmt.Errorf("commit %d of %d", n, len(p.commits))
	}
	return p.commits[n], nil
}

func (p *replayer) event(ev *event) error {
	switch ev.K {
	case evCommit:
		if ev.Commit == nil {
			return fmt.Errorf("a commit without its record")
		}
		c := ev.Commit
		c.Index = len(p.commits) // the recorder numbers commits by it
		if err := p.rec.ids.add(c.ID); err != nil {
			return err
		}
		p.commits = append(p.commits, c)
		if p.opts.OnCommit != nil {
			p.opts.OnCommit(c)
		}
	case evBirth, evDefine:
		var b *linemap.Birth
		if ev.Birth == nil {
			if ev.K != evBirth || ev.B < 0 || ev.B >= len(p.births) {
				return fmt.Errorf("birth %d of %d", ev.B, len(p.births))
			}
			b = p.births[ev.B]
		} else {
			if ev.B != len(p.births) {
				return fmt.Errorf("birth %d defined as %d", len(p.births), ev.B)
			}
			path, err := p.path(ev)
			if err != nil {
				return err
			}
			c, err := p.commit(ev.C)
			if err != nil {
				return err
			}
			b = ev.Birth
			b.Commit, b.Path = c, path
			b.SetSeq(len(p.births))
			p.rec.births++
			p.births = append(p.births, b)
		}
		if ev.K == evBirth && p.opts.OnBirth != nil {
			p.opts.OnBirth(b)
		}
	case evDeath, evMove:
		if ev.B < 0 || ev.B >= len(p.births) {
			return fmt.Errorf("a death of birth %d of %d", ev.B, len(p.births))
		}
		path, err := p.path(ev)
		if err != nil {
			return err
		}
		c, err := p.commit(ev.C)
		if err != nil {
			return err
		}
		d := ev.Death
		d.Birth, d.Commit, d.Path = p.births[ev.B], c, path
		if ev.K == evDeath && p.opts.OnDeath != nil {
			p.opts.OnDeath(d)
		}
		if ev.K == evMove && p.opts.OnMove != nil {
			p.opts.OnMove(d)
		}
	default:
		return fmt.Errorf("event of unknown kind %d", ev.K)
	}
	return nil
}
