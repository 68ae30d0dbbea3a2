package provenance

import (
	"container/heap"
	"slices"
	"sort"
)

// Span is a run of lines of one file with one attribution.
type Span struct {
	Range
	Attribution
}

// Commit is the resolved provenance of one commit: for every file the spans
// of added lines with their attribution, and the attribution of any added
// line no span covers.
type Commit struct {
	ID      string
	Default Attribution
	// HasDefault is false when the note had no commit record for ID.
	HasDefault bool
	Partial    bool
	// Sources are the commits a restored note names (see Record.Sources).
	Sources []string
	Files   map[string][]Span
}

// Resolve returns the provenance the note gives for commit, using only the
// records that describe it. Where records overlap (notes merged from two
// clones), the stronger evidence wins; ties go to the record that sorts
// last, so the answer never depends on record order.
func (n Note) Resolve(commit string) Commit {
	c := Commit{ID: commit, Files: map[string][]Span{}}
	var own []Record
	for _, r := range n.Records {
		if r.Commit == commit {
			own = append(own, r)
		}
	}
	sortWeakestFirst(own)
	byFile := map[string][]Record{}
	for _, r := range own {
		if r.File == "" {
			c.Default, c.HasDefault = r.Attribution, true
			c.Partial = c.Partial || r.Partial
			c.Sources = appendNew(c.Sources, r.Sources...)
			continue
		}
		byFile[r.File] = append(byFile[r.File], r)
	}
	for file, recs := range byFile {
		var layers []Span
		for _, r := range recs {
			for _, rg := range r.Lines.Ranges() {
				layers = append(layers, Span{Range: rg, Attribution: r.Attribution})
			}
		}
		c.Files[file] = PaintAll(layers)
	}
	if !c.HasDefault {
		c.Default = majority(c.Files)
	}
	return c
}

// appendNew appends the ids of add that list lacks.
func appendNew(list []string, add ...string) []string {
	for _, id := range add {
		found := false
		for _, have := range list {
			found = found || have == id
		}
		if !found {
			list = append(list, id)
		}
	}
	return list
}

// sortWeakestFirst sorts recs by evidence rank, weakest first, then by
// their text, each record's text computed once (a note may hold a hundred
// thousand records).
func sortWeakestFirst(recs []Record) {
	type keyed struct {
		rank int
		line string
		rec  Record
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		ks[i] = keyed{int(r.Evidence.Rank()), string(r.line()), r}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if ks[i].rank != ks[j].rank {
			return ks[i].rank < ks[j].rank
		}
		return ks[i].line < ks[j].line
	})
	for i := range ks {
		recs[i] = ks[i].rec
	}
}

// PaintAll lays each of layers over those before it, as Paint applied to
// them in turn would, and returns the spans, sorted and disjoint. It takes
// O(n log n) where painting one at a time takes O(n²).
func PaintAll(layers []Span) []Span {
	if len(layers) == 0 {
		return nil
	}
	byStart := make([]int, len(layers))
	points := make([]int, 0, 2*len(layers))
	for i, l := range layers {
		byStart[i] = i
		points = append(points, l.Start, l.End+1)
	}
	sort.SliceStable(byStart, func(i, j int) bool { return layers[byStart[i]].Start < layers[byStart[j]].Start })
	sort.Ints(points)
	points = slices.Compact(points)
	var active layerHeap // the layers covering the current point, latest on top
	var out []Span
	last := -1 // the layer out's last span comes from
	next := 0
	for k := 0; k+1 < len(points); k++ {
		x := points[k]
		for next < len(byStart) && layers[byStart[next]].Start <= x {
			heap.Push(&active, byStart[next])
			next++
		}
		for active.Len() > 0 && layers[active[0]].End < x {
			heap.Pop(&active)
		}
		if active.Len() == 0 {
			last = -1
			continue
		}
		top, end := active[0], points[k+1]-1
		if top == last && out[len(out)-1].End == x-1 {
			out[len(out)-1].End = end
			continue
		}
		out = append(out, Span{Range: Range{Start: x, End: end}, Attribution: layers[top].Attribution})
		last = top
	}
	return out
}

// layerHeap is a max-heap of layer indices.
type layerHeap []int

func (h layerHeap) Len() int           { return len(h) }
func (h layerHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h layerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *layerHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *layerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Paint lays s over spans (sorted, disjoint), replacing what it covers, and
// returns the spans, still sorted and disjoint.
func Paint(spans []Span, s Span) []Span {
	out := make([]Span, 0, len(spans)+2)
	placed := false
	for _, old := range spans {
		if old.End < s.Start || old.Start > s.End {
			if !placed && old.Start > s.End {
				out = append(out, s)
				placed = true
			}
			out = append(out, old)
			continue
		}
		if old.Start < s.Start {
			left := old
			left.End = s.Start - 1
			out = append(out, left)
		}
		if !placed {
			out = append(out, s)
			placed = true
		}
		if old.End > s.End {
			right := old
			right.Start = s.End + 1
			out = append(out, right)
		}
	}
	if !placed {
		out = append(out, s)
	}
	return out
}

func majority(files map[string][]Span) Attribution {
	counts := map[Attribution]int{}
	best, bestN := HumanAttribution(), -1
	for _, spans := range files {
		for _, s := range spans {
			counts[s.Attribution] += s.Len()
		}
	}
	for a, n := range counts {
		if n > bestN || n == bestN && a.Label() < best.Label() {
			best, bestN = a, n
		}
	}
	return best
}

// At returns the attribution of line n of file in this commit.
func (c Commit) At(file string, n int) Attribution {
	spans := c.Files[file]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End >= n })
	if i < len(spans) && spans[i].Start <= n {
		return spans[i].Attribution
	}
	return c.Default
}

// Builder assembles the note of one commit.
type Builder struct {
	commit  string
	def     Attribution
	partial bool
	sources []string
	files   map[string]map[Attribution]*LineSet
}

// NewBuilder starts a note for commit whose commit record is def.
func NewBuilder(commit string, def Attribution) *Builder {
	return &Builder{commit: commit, def: def, files: map[string]map[Attribution]*LineSet{}}
}

// Add attributes lines start..end of file to a.
func (b *Builder) Add(file string, start, end int, a Attribution) {
	m := b.files[file]
	if m == nil {
		m = map[Attribution]*LineSet{}
		b.files[file] = m
	}
	s := m[a]
	if s == nil {
		s = &LineSet{}
		m[a] = s
	}
	s.Add(start, end)
}

// SetPartial marks the note as covering only some files.
func (b *Builder) SetPartial() { b.partial = true }

// SetSources names the commits a restored note took attribution from.
func (b *Builder) SetSources(ids []string) { b.sources = append([]string(nil), ids...) }

// Note returns the records built so far.
func (b *Builder) Note() Note {
	n := Note{Records: []Record{{Version: SchemaVersion, Commit: b.commit, Attribution: b.def, Partial: b.partial, Sources: b.sources}}}
	for file, m := range b.files {
		for a, s := range m {
			if s.Empty() {
				continue
			}
			n.Records = append(n.Records, Record{Version: SchemaVersion, Commit: b.commit, File: file, Lines: *s, Attribution: a})
		}
	}
	return n
}
