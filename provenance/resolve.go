package provenance

import (
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
	sort.SliceStable(own, func(i, j int) bool { return weaker(own[i], own[j]) })
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
		var spans []Span
		for _, r := range recs {
			for _, rg := range r.Lines.Ranges() {
				spans = Paint(spans, Span{Range: rg, Attribution: r.Attribution})
			}
		}
		c.Files[file] = spans
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

func weaker(a, b Record) bool {
	if ra, rb := a.Evidence.Rank(), b.Evidence.Rank(); ra != rb {
		return ra < rb
	}
	return string(a.line()) < string(b.line())
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
