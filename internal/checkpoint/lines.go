package checkpoint

import (
	"bytes"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// noAgent is the tag of a line no agent wrote as it stands: a person's,
// or one that was there before any checkpoint saw the file.
const noAgent int32 = -1

// unproven is the tag of a line that changed in an agent's edit the
// checkpoint could not reconstruct exactly, and that the edit's text does
// not show the agent wrote: neither the agent's nor a person's. The
// commit's other evidence (trailer, rules) decides it.
const unproven int32 = -2

// fresh tags the lines one edit changed until they are sorted into the
// agent's and unproven ones; it is never saved.
const fresh int32 = -3

// diffTimeout bounds one line diff; past it the diff is coarser (more lines
// count as changed), never wrong about lines it reports unchanged.
const diffTimeout = 250 * time.Millisecond

// countLines is the number of lines in b as git counts them: a last line
// without a newline is a line.
func countLines(b []byte) int {
	n := bytes.Count(b, []byte{'\n'})
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// retag carries the tags of prev's lines over to next: a line of next that
// the line diff pairs with a line of prev keeps that line's tag; every other
// line of next (inserted or changed) gets tag. prevTags has one entry per
// line of prev (missing entries count as noAgent).
func retag(prev []byte, prevTags []int32, next []byte, tag int32) []int32 {
	out := make([]int32, 0, countLines(next))
	if bytes.Equal(prev, next) {
		out = append(out, prevTags...)
		for len(out) < countLines(next) {
			out = append(out, noAgent)
		}
		return out[:countLines(next)]
	}
	old := func(i int) int32 {
		if i < len(prevTags) {
			return prevTags[i]
		}
		return noAgent
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	a, b, _ := dmp.DiffLinesToRunes(string(prev), string(next))
	i := 0 // line of prev
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		n := len([]rune(d.Text))
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for k := 0; k < n; k++ {
				out = append(out, old(i))
				i++
			}
		case diffmatchpatch.DiffDelete:
			i += n
		case diffmatchpatch.DiffInsert:
			for k := 0; k < n; k++ {
				out = append(out, tag)
			}
		}
	}
	return out
}

// hasAgent reports whether any tag is an agent's.
func hasAgent(tags []int32) bool {
	for _, t := range tags {
		if t >= 0 {
			return true
		}
	}
	return false
}

// runs encodes tags as (count, tag) pairs.
func runs(tags []int32) [][2]int32 {
	var out [][2]int32
	for _, t := range tags {
		if k := len(out) - 1; k >= 0 && out[k][1] == t {
			out[k][0]++
			continue
		}
		out = append(out, [2]int32{1, t})
	}
	return out
}

// unruns decodes runs, checking that they cover exactly n lines and name
// authors below nAuthors; ok is false otherwise.
func unruns(rs [][2]int32, n, nAuthors int) ([]int32, bool) {
	out := make([]int32, 0, n)
	for _, r := range rs {
		if r[0] < 0 || len(out)+int(r[0]) > n || r[1] < unproven || int(r[1]) >= nAuthors {
			return nil, false
		}
		for k := int32(0); k < r[0]; k++ {
			out = append(out, r[1])
		}
	}
	return out, len(out) == n
}

// isBinary applies git's test: a NUL byte in the first 8000 bytes.
func isBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}
