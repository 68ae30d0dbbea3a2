package linemap

import (
	"sort"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// How lines die: while a commit is applied, every hunk that removes
// measured lines notes them (with whether it added lines in their place,
// and the attribution of the first measured one); a death during the same
// commit reads its kind from there. With Options.OnMove, lines the commit
// carried from elsewhere are noted too, and those it also removed are
// reported as moved once the commit is applied. Both notes are dropped at
// the end of Apply; deaths outside it (a branch given up) are deletions.

// removal is lines off..off+n-1 of a birth, removed by one hunk.
type removal struct {
	off, n int
	kind   DeathKind
	by     provenance.Attribution
}

// carriedRun is lines of a birth carried to path.
type carriedRun struct {
	run
	path string
}

// noteRemoved records the lines one hunk removed (gone); the last added
// lines of out are those it put in their place.
func (m *Map) noteRemoved(gone runs, out runs, added int) {
	if m.opts.OnDeath == nil && m.opts.OnMove == nil {
		return
	}
	measured := false
	for _, r := range gone {
		if r.b != nil {
			measured = true
			break
		}
	}
	if !measured {
		return
	}
	rm := removal{kind: DeathDeleted}
	if added > 0 {
		rm.kind = DeathModified
		left := added
		for i := len(out) - 1; i >= 0 && left > 0; i-- {
			if out[i].b != nil {
				rm.by = out[i].b.Attribution
			}
			left -= out[i].n
		}
	}
	if m.gone == nil {
		m.gone = map[*Birth][]removal{}
	}
	for _, r := range gone {
		if r.b != nil {
			x := rm
			x.off, x.n = r.off, r.n
			m.gone[r.b] = append(m.gone[r.b], x)
		}
	}
}

// noteCarried records the last n lines of out, carried from elsewhere.
func (m *Map) noteCarried(out runs, path string, n int) {
	if m.opts.OnMove == nil {
		return
	}
	for i := len(out) - 1; i >= 0 && n > 0; i-- {
		r := out[i]
		if r.n > n { // the run began before the carried lines
			r.off += r.n - n
			r.n = n
		}
		if r.b != nil {
			m.carried = append(m.carried, carriedRun{run: r, path: path})
		}
		n -= r.n
	}
}

// reportMoves reports the carried lines the commit also removed.
func (m *Map) reportMoves() {
	if m.opts.OnMove != nil {
		for _, c := range m.carried {
			for _, rm := range m.gone[c.b] {
				lo, hi := max(c.off, rm.off), min(c.off+c.n, rm.off+rm.n)
				if lo < hi {
					m.opts.OnMove(Death{Birth: c.b, Offset: lo, Lines: hi - lo, Commit: m.cur, Path: c.path})
				}
			}
		}
	}
	m.carried = m.carried[:0]
}

// howDied emits d split by how the current commit removed its lines.
func (m *Map) howDied(d Death, emit func(Death)) {
	spans := m.gone[d.Birth]
	if len(spans) == 0 {
		emit(d)
		return
	}
	var hit []removal
	for _, s := range spans {
		if s.off < d.Offset+d.Lines && d.Offset < s.off+s.n {
			hit = append(hit, s)
		}
	}
	if len(hit) == 0 {
		emit(d)
		return
	}
	sort.Slice(hit, func(i, j int) bool { return hit[i].off < hit[j].off })
	end := d.Offset + d.Lines
	pos := d.Offset
	part := func(to int, kind DeathKind, by provenance.Attribution) {
		if to > pos {
			p := d
			p.Offset, p.Lines, p.Kind, p.By = pos, to-pos, kind, by
			emit(p)
			pos = to
		}
	}
	for _, s := range hit {
		part(min(max(s.off, pos), end), DeathDeleted, provenance.Attribution{})
		part(min(s.off+s.n, end), s.kind, s.by)
	}
	part(end, DeathDeleted, provenance.Attribution{})
}
