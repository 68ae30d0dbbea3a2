package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"
)

// epoch is the date of the first generated commit; each later one is ten
// minutes on, so every run makes the same history with the same ids.
const epoch = 1735689600 // 2025-01-01T00:00:00Z

// The trailer that marks an AI commit (Claude Code's), recognised by the
// built-in evidence rules.
const aiTrailer = "Co-Authored-By: Claude <noreply@anthropic.com>"

// Origins as the generator knows them, named as the report names them.
const (
	originAI      = "ai"
	originHuman   = "human"
	originUnknown = "unknown"
)

// genOptions shape the generated history.
type genOptions struct {
	commits int   // at least this many commits (merges and side commits included)
	files   int   // files in the first commit
	seed    int64 // everything follows from it

	// The merge-heavy shape (scale.go), when mergeEvery > 0: long-lived
	// branches, a merge every mergeEvery-th commit, and bigFiles files of
	// about bigLines lines edited over and over.
	mergeEvery int
	branches   int
	bigFiles   int
	bigLines   int
}

// origin is what the generator knows of a commit: the origin and agent
// the report must give it once the notes are written (see segments).
type origin struct {
	origin, agent string
}

// genResult is the history as the generator made it.
// releases is how many release tags (v1.N.0) the history gets.
const releases = 80

type genResult struct {
	tags    int // release tags written
	commits int // commits written
	merges  int
	// byMark is each commit's origin, by fast-import mark.
	byMark map[int]origin
	// Marks of the main line commits that bound the annotated segments:
	// cursorFrom..cursorTo is tagged `--agent cursor`, notesFrom..main is
	// backfilled from evidence and the rest tagged `--human`.
	cursorFrom, cursorTo int
	// Counts of what the edits did, for the results.
	renames, moves, copies, inFileMoves, newFiles, deletedFiles, evilMerges int
	aiCommits                                                               int
}

// The history has three segments, as a repository that adopted the tool
// part-way would:
//
//  1. the oldest 30%: no notes; AI commits carry the trailer (inferred as
//     ai, claude-code), the others have no evidence (unknown);
//  2. the next 4%: tagged by hand, `annotate A..B --agent cursor` (ai,
//     cursor, whatever the trailer says);
//  3. the rest: notes backfilled by `annotate B..main` from the trailers
//     (ai, claude-code) and then `annotate B..main --human` for the
//     commits that had no evidence (human).
const (
	cursorStart = 0.30
	cursorEnd   = 0.34
)

// generator keeps the main line's tree and writes the fast-import stream.
type generator struct {
	o    genOptions
	rnd  *rand.Rand
	w    *bufio.Writer
	res  *genResult
	next int // for unique tokens in lines

	tree  map[string][]string // main line: path -> lines
	paths []string            // the paths of tree, in a deterministic order
	mark  int
	head  int // mark of main's head
	when  int
	dirs  int
	count int // files ever created, for new names

	segment int // 1, 2, 3 (see above)
}

var words = strings.Fields(`ctx err ok id name path line lines file files commit note notes
	origin agent model value count total index offset size buf out in next prev head tail
	range start end key keys val vals rec record records state opts cfg repo tree blob
	reader writer parse flush cache entry hash span batch queue owner limit retry`)

var common = []string{"", "}", "\t}", "\treturn nil", "\t\treturn err", "\tif err != nil {", "// ---", "\t\t}"}

// line is a plausible line of code: a few common ones (blank lines,
// braces), the rest varied enough to be mostly unique, as code is.
func (g *generator) line() string {
	r := g.rnd
	if r.Intn(100) < 12 {
		return common[r.Intn(len(common))]
	}
	g.next++
	a, b, c := words[r.Intn(len(words))], words[r.Intn(len(words))], words[r.Intn(len(words))]
	switch r.Intn(6) {
	case 0:
		return fmt.Sprintf("\t%s%d := %s(%s, %d)", a, g.next%97, b, c, r.Intn(10000))
	case 1:
		return fmt.Sprintf("\tif %s.%s != %s {", a, b, c)
	case 2:
		return fmt.Sprintf("\t%s.%s = append(%s.%s, %s%d)", a, b, a, b, c, g.next%1000)
	case 3:
		return fmt.Sprintf("\t// %s updates the %s of %s before %s is read (%d).", a, b, c, a, g.next)
	case 4:
		return fmt.Sprintf("\tfor _, %s := range %s.%s%d {", a, b, c, r.Intn(100))
	default:
		return fmt.Sprintf("\t%s += len(%s) * %d // %s", a, b, r.Intn(4096), c)
	}
}

func (g *generator) lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.line()
	}
	return out
}

// newPath names a new file in one of the top-level directories (the
// report's by_directory rows, which the blame check compares).
func (g *generator) newPath() string {
	return g.newPathIn(fmt.Sprintf("pkg%02d", g.rnd.Intn(g.dirs)))
}

// newPathIn names a new file under the top-level directory dir. Renames
// stay in their top-level directory: the report's by_directory counts a
// line where it was added, blame where it is now.
func (g *generator) newPathIn(dir string) string {
	g.count++
	return fmt.Sprintf("%s/sub%d/file%04d.go", dir, g.rnd.Intn(4), g.count)
}

// replace returns lines with [pos, pos+del) replaced by ins, as a new
// slice (trees of other branches may share the old one).
func replace(lines []string, pos, del int, ins []string) []string {
	out := make([]string, 0, len(lines)-del+len(ins))
	out = append(out, lines[:pos]...)
	out = append(out, ins...)
	return append(out, lines[pos+del:]...)
}

// edit makes 1 to 3 random hunks in a file's lines: modified lines,
// inserted blocks, deleted blocks, with a drift towards files of 100 to
// 400 lines.
func (g *generator) edit(lines []string) []string {
	r := g.rnd
	for range 1 + r.Intn(3) {
		n := len(lines)
		pos := r.Intn(n + 1)
		switch k := r.Intn(10); {
		case k < 4 && n > 0: // modify 1-5 lines
			if pos == n {
				pos--
			}
			del := min(1+r.Intn(5), n-pos)
			ins := del + r.Intn(3) - 1
			lines = replace(lines, pos, del, g.lines(max(ins, 1)))
		case k < 7 || n < 60: // insert a block
			lines = replace(lines, pos, 0, g.lines(1+r.Intn(min(12, 4+n/20))))
		default: // delete a block
			del := min(1+r.Intn(10), n-pos)
			if n > 400 {
				del = min(5+r.Intn(30), n-pos)
			}
			lines = replace(lines, pos, del, nil)
		}
	}
	return lines
}

func (g *generator) add(path string, lines []string) {
	if _, ok := g.tree[path]; !ok {
		g.paths = append(g.paths, path)
	}
	g.tree[path] = lines
}

func (g *generator) remove(path string) {
	delete(g.tree, path)
	for i, p := range g.paths {
		if p == path {
			g.paths = append(g.paths[:i], g.paths[i+1:]...)
			return
		}
	}
}

func (g *generator) pick() string { return g.paths[g.rnd.Intn(len(g.paths))] }

// change is one commit's effect on the tree: new content per path and
// deleted paths.
type change struct {
	set map[string][]string
	del []string
}

func newChange() *change { return &change{set: map[string][]string{}} }

func (c *change) put(path string, lines []string) { c.set[path] = lines }

// emit writes one commit. from and merge are marks (0: none).
func (g *generator) emit(ref, msg string, from, merge int, c *change, org origin) int {
	g.mark++
	g.when += 600
	g.res.commits++
	g.res.byMark[g.mark] = org
	author := authors[g.rnd.Intn(len(authors))]
	w := g.w
	fmt.Fprintf(w, "commit %s\nmark :%d\n", ref, g.mark)
	fmt.Fprintf(w, "author %s %d +0000\ncommitter %s %d +0000\n", author, g.when, author, g.when)
	fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	if from > 0 {
		fmt.Fprintf(w, "from :%d\n", from)
	}
	if merge > 0 {
		fmt.Fprintf(w, "merge :%d\n", merge)
	}
	for _, p := range c.del {
		fmt.Fprintf(w, "D %s\n", p)
	}
	paths := make([]string, 0, len(c.set))
	for p := range c.set {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data := strings.Join(c.set[p], "\n")
		if len(c.set[p]) > 0 {
			data += "\n"
		}
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(data), data)
	}
	return g.mark
}

var authors = []string{
	"Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>",
	"Linus Pauling <linus@example.com>", "Barbara Liskov <barbara@example.com>",
	"Ken Thompson <ken@example.com>", "Frances Allen <fran@example.com>",
}

var subjects = []string{"Fix", "Refactor", "Add", "Simplify", "Handle", "Speed up", "Document", "Clean up", "Rework", "Test"}

// message and origin of a new commit: about 45% of commits are an
// agent's, which the origin each segment gives them follows.
func (g *generator) message(kind string) (string, origin) {
	ai := g.rnd.Intn(100) < 45
	subject := fmt.Sprintf("%s %s %s (%s)", subjects[g.rnd.Intn(len(subjects))], words[g.rnd.Intn(len(words))], words[g.rnd.Intn(len(words))], kind)
	msg := subject + "\n\nGenerated for the report benchmark.\n"
	if ai {
		msg += "\n" + aiTrailer + "\n"
		g.res.aiCommits++
	}
	switch {
	case g.segment == 2:
		return msg, origin{originAI, "cursor"}
	case ai:
		return msg, origin{originAI, "claude-code"}
	case g.segment == 3:
		return msg, origin{originHuman, ""}
	}
	return msg, origin{originUnknown, ""}
}

// generate writes the fast-import stream of the whole history to w.
func generate(o genOptions, out io.Writer) (*genResult, error) {
	g := &generator{
		o: o, rnd: rand.New(rand.NewSource(o.seed)), w: bufio.NewWriterSize(out, 1<<20),
		res:  &genResult{byMark: map[int]origin{}},
		tree: map[string][]string{}, when: epoch, dirs: 20, segment: 1,
	}
	if o.mergeEvery > 0 {
		return g.generateScale()
	}
	first := g.firstFiles()
	msg, org := g.message("initial import")
	g.head = g.emit("refs/heads/main", msg, 0, 0, first, org)

	for g.res.commits < o.commits {
		// Segment boundaries fall between main line commits, never inside
		// a side branch, so that A..B ranges hold exactly the segment.
		switch {
		case g.segment == 1 && g.res.commits >= int(cursorStart*float64(o.commits)):
			g.segment, g.res.cursorFrom = 2, g.head
		case g.segment == 2 && g.res.commits >= int(cursorEnd*float64(o.commits)):
			g.segment, g.res.cursorTo = 3, g.head
		}
		if g.rnd.Intn(100) < 4 {
			g.branch()
			continue
		}
		c, kind := g.step()
		msg, org := g.message(kind)
		g.head = g.emit("refs/heads/main", msg, g.head, 0, c, org)
		// 80 release tags along the main line, for the release table.
		if every := max(o.commits/releases, 1); g.res.commits%every == 0 && g.res.tags < releases {
			g.tag()
		}
	}
	return g.finish()
}

// step makes one ordinary commit on the main line and applies it to the
// tree.
func (g *generator) step() (*change, string) {
	r := g.rnd
	c := newChange()
	k := r.Intn(1000)
	switch {
	case k < 12 && len(g.paths) > 50: // rename, sometimes with an edit
		old := g.pick()
		top, _, _ := strings.Cut(old, "/")
		p := g.newPathIn(top)
		lines := g.tree[old]
		if r.Intn(2) == 0 && len(lines) > 20 {
			lines = g.edit(lines)
		}
		g.remove(old)
		g.add(p, lines)
		c.del = append(c.del, old)
		c.put(p, lines)
		g.res.renames++
		return c, "rename"
	case k < 27: // move a block from one file to another
		src, dst := g.pick(), g.pick()
		if src == dst || len(g.tree[src]) < 30 {
			break
		}
		s := g.tree[src]
		n := 5 + r.Intn(20)
		pos := r.Intn(len(s) - n)
		block := append([]string(nil), s[pos:pos+n]...)
		g.tree[src] = replace(s, pos, n, nil)
		d := g.tree[dst]
		g.tree[dst] = replace(d, r.Intn(len(d)+1), 0, block)
		c.put(src, g.tree[src])
		c.put(dst, g.tree[dst])
		g.res.moves++
		return c, "move"
	case k < 35: // copy a block into a new file (found by -C -C)
		src := g.pick()
		s := g.tree[src]
		if len(s) < 30 {
			break
		}
		n := 8 + r.Intn(20)
		pos := r.Intn(len(s) - n)
		lines := append(g.lines(3+r.Intn(10)), s[pos:pos+n]...)
		lines = append(lines, g.lines(r.Intn(10))...)
		p := g.newPath()
		g.add(p, lines)
		c.put(p, lines)
		g.res.copies++
		return c, "copy"
	case k < 50: // move a block within a file
		p := g.pick()
		s := g.tree[p]
		if len(s) < 40 {
			break
		}
		n := 5 + r.Intn(15)
		pos := r.Intn(len(s) - n)
		block := append([]string(nil), s[pos:pos+n]...)
		rest := replace(s, pos, n, nil)
		to := r.Intn(len(rest) + 1)
		if to >= pos-2 && to <= pos+2 {
			break
		}
		g.tree[p] = replace(rest, to, 0, block)
		c.put(p, g.tree[p])
		g.res.inFileMoves++
		return c, "reorder"
	case k < 60: // a new file
		p := g.newPath()
		lines := g.lines(20 + r.Intn(150))
		g.add(p, lines)
		c.put(p, lines)
		g.res.newFiles++
		return c, "new file"
	case k < 66 && len(g.paths) > g.o.files/2: // delete a file
		p := g.pick()
		g.remove(p)
		c.del = append(c.del, p)
		g.res.deletedFiles++
		return c, "delete file"
	}
	// An ordinary change: one to three files, now and then a dozen.
	n := 1 + r.Intn(3)
	if r.Intn(10) == 0 {
		n = 5 + r.Intn(10)
	}
	for range n {
		p := g.pick()
		g.tree[p] = g.edit(g.tree[p])
		c.put(p, g.tree[p])
	}
	return c, "edit"
}

// branch makes a side branch of 1 to 4 commits off main's head while main
// gets 0 to 3 commits of its own on other files, then merges it into main
// (no conflicts: the two sides edit different files). One merge in ten
// also adds lines of its own, which only the merge can be blamed for.
func (g *generator) branch() {
	r := g.rnd
	fork := g.head
	own := map[string]bool{}
	var sideFiles []string
	for range 1 + r.Intn(4) {
		p := g.pick()
		if !own[p] {
			own[p] = true
			sideFiles = append(sideFiles, p)
		}
	}
	side := map[string][]string{}
	for _, p := range sideFiles {
		side[p] = g.tree[p]
	}
	sideHead := fork
	for range 1 + r.Intn(4) {
		c := newChange()
		for _, p := range sideFiles {
			if r.Intn(2) == 0 || len(c.set) == 0 {
				side[p] = g.edit(side[p])
				c.put(p, side[p])
			}
		}
		msg, org := g.message("side branch")
		sideHead = g.emit("refs/heads/side", msg, sideHead, 0, c, org)
	}
	for range r.Intn(4) {
		c := newChange()
		for range 1 + r.Intn(2) {
			p := g.pick()
			if own[p] {
				continue
			}
			g.tree[p] = g.edit(g.tree[p])
			c.put(p, g.tree[p])
		}
		if len(c.set) == 0 {
			continue
		}
		msg, org := g.message("edit")
		g.head = g.emit("refs/heads/main", msg, g.head, 0, c, org)
	}
	// With nothing on main meanwhile it is still a true merge commit, as
	// with --no-ff.
	c := newChange()
	for _, p := range sideFiles {
		g.tree[p] = side[p]
		c.put(p, side[p])
	}
	if r.Intn(10) == 0 {
		p := g.pick()
		s := g.tree[p]
		g.tree[p] = replace(s, r.Intn(len(s)+1), 0, g.lines(1+r.Intn(4)))
		c.put(p, g.tree[p])
		g.res.evilMerges++
	}
	msg, org := g.message("merge")
	g.head = g.emit("refs/heads/main", msg, g.head, sideHead, c, org)
	g.res.merges++
}

// tag puts the next release tag at main's head.
func (g *generator) tag() {
	g.res.tags++
	fmt.Fprintf(g.w, "reset refs/tags/v1.%d.0\nfrom :%d\n\n", g.res.tags, g.head)
}

// finish tags the range the cursor agent's commits span and ends the
// fast-import stream.
func (g *generator) finish() (*genResult, error) {
	fmt.Fprintf(g.w, "reset refs/tags/bench/cursor-from\nfrom :%d\n\n", g.res.cursorFrom)
	fmt.Fprintf(g.w, "reset refs/tags/bench/cursor-to\nfrom :%d\n\n", g.res.cursorTo)
	g.w.WriteString("done\n")
	return g.res, g.w.Flush()
}

// firstFiles adds the first commit's files, of 40 to 200 lines each.
func (g *generator) firstFiles() *change {
	first := newChange()
	for range g.o.files {
		p := g.newPath()
		lines := g.lines(40 + g.rnd.Intn(160))
		g.add(p, lines)
		first.put(p, lines)
	}
	return first
}
