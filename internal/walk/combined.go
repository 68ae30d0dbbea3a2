package walk

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
)

// A merge's diff against its second parent is, in a history of long-lived
// branches, everything the first parent's side did since they last met,
// and its diff against the first parent everything the branch did, which
// its own commits' diffs already hold: asking git for both
// (--diff-merges=separate) cost several times every other diff of the
// history together. The walk needs hunks only for the paths a merge
// changes relative to every parent (a path unchanged relative to some
// parent is that parent's version): exactly the paths of git's combined
// diff (-c), which diffs the contents of those paths alone. So, without
// moves, the main stream has no diffs for merges (--diff-merges=off, as a
// plain git log -p), and two more streams give, merge by merge in the
// same order, the paths it changed relative to its first parent (git log
// --raw, no contents read) and the combined diff, read back into one -U0
// diff per parent from its columns: for parent i, a line with '-' in
// column i is a line of parent i the merge removed, '+' a line of the
// merge not in parent i, ' ' a line in both. The stream has one line of
// context: lines a parent lost hang before the line of the merge that
// follows them, and git prints that line only as context when the merge
// has it from every parent (with none, it is skipped silently and the
// lines after it would be read one line too early). With moves, the
// hunks keep the lines they add (their content is in the combined diff),
// and blame's search for copies, which looks in every path a merge
// changed relative to each parent, gets those of a later parent when it
// needs them (combined_parents.go).
//
// A merge of three or more parents (rare) cannot say from the combined
// diff which parent a path unchanged relative to some of them comes from;
// its diffs against each parent are read with git diff-tree.

// combinedArgs read the combined diffs of the merges, in the walk's order.
var combinedArgs = []string{"log", "--reverse", "--topo-order", "--merges",
	"--format=commit %H %P", "--no-notes", "--diff-merges=combined", "--combined-all-paths",
	"-p", "-U1", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
	"--diff-algorithm=myers", "--indent-heuristic", "--inter-hunk-context=0",
	"--ignore-submodules=all", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative"}

// mergeDiffs is one merge's diffs against its parents for the paths it
// changes relative to every parent: parents[k] is the diff against parent
// k+1.
type mergeDiffs struct {
	id      string
	parents [][]linemap.Change
	// ends are, with content kept, the files whose last line the merge
	// has from no parent: whether it ends with a newline is read from the
	// merge's file (endCheck).
	ends []endCheck
}

// endCheck is a file whose last line is added relative to some parent:
// git's combined diff does not always say when that line has no final
// newline, which blame tells apart, so the merge's file says.
type endCheck struct {
	path  string
	text  string
	slots []*linemap.Line // the line in each parent's diff that adds it
}

// mergeRaw is one merge's changes relative to its first parent, paths
// alone (git log --raw): a change of content carries changedContent as
// its hunks until the combined diff gives the real ones.
type mergeRaw struct {
	id      string
	changes []linemap.Change
}

// changedContent stands for the hunks of a path whose content a merge
// changed relative to its first parent and which, being some other
// parent's version, needs none; it fits no file.
var changedContent = []linemap.Hunk{{OldStart: -1, OldLines: 1, NewStart: -1, NewLines: 1}}

// rawArgs list the merges' changes relative to their first parent.
var rawArgs = []string{"log", "--reverse", "--topo-order", "--merges",
	"--format=commit %H %P", "--no-notes", "--diff-merges=first-parent", "--raw", "--no-abbrev",
	"-M", "--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all", "--no-relative"}

// readRaw streams the merges' changes relative to their first parent.
func readRaw(ctx context.Context, repo *gitx.Repo, revs []string, out chan<- *mergeRaw) error {
	return streamTo(ctx, repo, rawArgs, revs, parseRaw, out)
}

// streamTo runs git with args and revs, parses its output with parse and
// sends what it reads to out, which it closes.
func streamTo[T any](ctx context.Context, repo *gitx.Repo, args, revs []string, parse func(io.Reader, func(T) error) error, out chan<- T) error {
	defer close(out)
	args = append(append(append([]string{}, args...), revs...), "--")
	return repo.Stream(ctx, nil, func(r io.Reader) error {
		return parse(r, func(m T) error {
			select {
			case out <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}, args...)
}

// parseRaw reads `git log --format="commit %H %P" --raw --no-abbrev`.
func parseRaw(r io.Reader, emit func(*mergeRaw) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var cur *mergeRaw
	for {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "commit "):
			if cur != nil {
				if eerr := emit(cur); eerr != nil {
					return eerr
				}
			}
			ids := strings.Fields(strings.TrimPrefix(line, "commit "))
			if len(ids) == 0 {
				return fmt.Errorf("unexpected line %q", line)
			}
			cur = &mergeRaw{id: ids[0]}
		case strings.HasPrefix(line, ":"):
			if cur == nil {
				return fmt.Errorf("raw diff line before any commit: %q", line)
			}
			ch, perr := rawChange(line)
			if perr != nil {
				return fmt.Errorf("commit %s: %w", cur.id, perr)
			}
			cur.changes = append(cur.changes, ch)
		}
		if err == io.EOF {
			if cur != nil {
				return emit(cur)
			}
			return nil
		}
	}
}

// rawChange reads ":<mode> <mode> <id> <id> <status>\t<path>[\t<path>]".
func rawChange(line string) (linemap.Change, error) {
	meta, paths, ok := strings.Cut(line, "\t")
	f := strings.Fields(meta)
	if !ok || len(f) != 5 || f[4] == "" {
		return linemap.Change{}, fmt.Errorf("unreadable raw diff line %q", line)
	}
	names := strings.Split(paths, "\t")
	for i, n := range names {
		u, err := unquotePath(n)
		if err != nil {
			return linemap.Change{}, err
		}
		names[i] = u
	}
	var ch linemap.Change
	switch status := f[4][0]; {
	case status == 'A' && len(names) == 1:
		ch.NewPath = names[0]
	case status == 'D' && len(names) == 1:
		ch.OldPath = names[0]
	case (status == 'R' || status == 'C') && len(names) == 2:
		ch.OldPath, ch.NewPath = names[0], names[1]
	case len(names) == 1:
		ch.OldPath, ch.NewPath = names[0], names[0]
	default:
		return linemap.Change{}, fmt.Errorf("unreadable raw diff line %q", line)
	}
	if ch.NewPath != "" && f[2] != f[3] {
		ch.Hunks = changedContent
	}
	return ch, nil
}

// readCombined streams the merges' combined diffs to out; with content,
// the hunks hold the lines they add (for moves).
func readCombined(ctx context.Context, repo *gitx.Repo, revs []string, content bool, out chan<- *mergeDiffs) error {
	parse := parseCombined
	if content {
		parse = parseCombinedContent
	}
	return streamTo(ctx, repo, combinedArgs, revs, parse, out)
}

// combinedFile is one path of a combined diff being read.
type combinedFile struct {
	header  string   // the path of the "diff --combined" line
	paths   []string // each parent's path ("" none)
	newPath string   // the merge's ("" deleted)
	hasNew  bool
	binary  bool
	hunks   [][]linemap.Hunk // per parent
	pending []pendingHunk    // per parent, the change being read
	old     []int            // per parent, the next line of the parent
	new     int              // the next line of the merge
	// With content: whether the last line of the merge read was added
	// relative to some parent (lastCols its columns), and its text.
	keep     bool
	lastPlus bool
	lastCols string
	lastText string
}

type pendingHunk struct {
	open              bool
	oldStart, removed int
	newStart, added   int
	lines             []linemap.Line // with content, the lines added
}

// parseCombined reads `git log --format="commit %H" -c -p -U1
// --combined-all-paths` and calls emit with each merge.
func parseCombined(r io.Reader, emit func(*mergeDiffs) error) error {
	return readCombinedStream(r, false, emit)
}

// parseCombinedContent is parseCombined keeping the lines each parent's
// hunks add.
func parseCombinedContent(r io.Reader, emit func(*mergeDiffs) error) error {
	return readCombinedStream(r, true, emit)
}

func readCombinedStream(r io.Reader, keep bool, emit func(*mergeDiffs) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var cur *mergeDiffs
	var f *combinedFile
	inHunk := false
	n := 0 // parents of the current merge
	flushFile := func() error {
		if f == nil {
			return nil
		}
		ff := f
		f = nil
		inHunk = false
		newPath := ff.newPath
		if !ff.hasNew {
			newPath = ff.header // binary: no ---/+++ lines
			ff.paths = nil
			for range n {
				ff.paths = append(ff.paths, ff.header)
			}
		}
		if newPath == "" {
			return nil // deleted by the merge: the first parent's diff says so
		}
		if len(ff.paths) != n {
			return fmt.Errorf("commit %s, %q: %d parents' paths for %d parents", cur.id, newPath, len(ff.paths), n)
		}
		for i := range ff.pending {
			ff.close(i)
		}
		if ff.keep && ff.lastPlus && !ff.binary {
			// The last line printed is the merge's last line (with one
			// line of context, a line after it would be printed too).
			e := endCheck{path: newPath, text: ff.lastText}
			for i := 0; i < n; i++ {
				if ff.lastCols[i] != '+' || len(ff.hunks[i]) == 0 {
					continue
				}
				h := ff.hunks[i][len(ff.hunks[i])-1]
				if len(h.Added) > 0 {
					e.slots = append(e.slots, &h.Added[len(h.Added)-1])
				}
			}
			cur.ends = append(cur.ends, e)
		}
		if len(cur.parents) < n {
			grown := make([][]linemap.Change, n)
			copy(grown, cur.parents)
			cur.parents = grown
		}
		for i := 0; i < n; i++ {
			cur.parents[i] = append(cur.parents[i], linemap.Change{
				OldPath: ff.paths[i], NewPath: newPath, Binary: ff.binary, Hunks: ff.hunks[i]})
		}
		return nil
	}
	flush := func() error {
		if err := flushFile(); err != nil {
			return err
		}
		if cur != nil {
			m := cur
			cur = nil
			return emit(m)
		}
		return nil
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		if line == "" && err == io.EOF {
			return flush()
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "commit "):
			if err := flush(); err != nil {
				return err
			}
			ids := strings.Fields(strings.TrimPrefix(line, "commit "))
			if len(ids) < 3 {
				return fmt.Errorf("not a merge in the combined diffs: %q", line)
			}
			cur = &mergeDiffs{id: ids[0]}
			n = len(ids) - 1
		case strings.HasPrefix(line, "diff --combined ") || strings.HasPrefix(line, "diff --cc "):
			if cur == nil {
				return fmt.Errorf("combined diff before any commit")
			}
			if err := flushFile(); err != nil {
				return err
			}
			h := strings.TrimPrefix(strings.TrimPrefix(line, "diff --combined "), "diff --cc ")
			p, perr := unquotePath(h)
			if perr != nil {
				return perr
			}
			f = &combinedFile{header: p, hunks: make([][]linemap.Hunk, n), pending: make([]pendingHunk, n), old: make([]int, n), keep: keep}
		case f == nil || line == "" || line[0] == '\\':
		case strings.HasPrefix(line, "@@@"):
			if err := f.hunk(line, n); err != nil {
				return fmt.Errorf("commit %s: %w", cur.id, err)
			}
			inHunk = true
		case inHunk:
			if len(line) < n {
				return fmt.Errorf("commit %s: short line in a combined diff: %q", cur.id, line)
			}
			f.body(line[:n], line[n:])
		case strings.HasPrefix(line, "--- "):
			p, perr := sidePath(strings.TrimPrefix(line, "--- "), "a/")
			if perr != nil {
				return perr
			}
			f.paths = append(f.paths, p)
		case strings.HasPrefix(line, "+++ "):
			p, perr := sidePath(strings.TrimPrefix(line, "+++ "), "b/")
			if perr != nil {
				return perr
			}
			f.newPath, f.hasNew = p, true
		case strings.HasPrefix(line, "Binary files "):
			f.binary = true
			// no ---/+++ lines: the paths are the merge's
		}
		if err == io.EOF {
			return flush()
		}
	}
}

// hunk starts "@@@ -a,b -c,d +e,f @@@". Unlike a unified diff's, each
// start is the number of the hunk's first line on that side, or of the
// line after it when the side has none.
func (f *combinedFile) hunk(line string, n int) error {
	if len(f.old) != n || n < 2 {
		return fmt.Errorf("combined hunk without the paths of its parents: %q", line)
	}
	fields := strings.Fields(line)
	if len(fields) < n+2 {
		return fmt.Errorf("unreadable combined hunk header %q", line)
	}
	for i := range n {
		f.close(i)
		s, err := start(fields[1+i], '-')
		if err != nil {
			return fmt.Errorf("unreadable combined hunk header %q", line)
		}
		f.old[i] = s
	}
	s, err := start(fields[1+n], '+')
	if err != nil {
		return fmt.Errorf("unreadable combined hunk header %q", line)
	}
	f.new = s
	return nil
}

// start reads the start of a hunk header's span ("-a,b" or "+a,b"); the
// count is not needed (and git may print it wrapped below zero).
func start(s string, sign byte) (int, error) {
	if len(s) < 2 || s[0] != sign {
		return 0, fmt.Errorf("bad span")
	}
	a, _, _ := strings.Cut(s[1:], ",")
	return strconv.Atoi(a)
}

// body reads one line's columns (and, with content, its text).
func (f *combinedFile) body(cols, text string) {
	lost := strings.IndexByte(cols, '-') >= 0
	var l linemap.Line
	plus := !lost && f.keep && strings.IndexByte(cols, '+') >= 0
	if plus {
		l = linemap.LineOf(text, true)
	}
	for i := range len(f.old) {
		p := &f.pending[i]
		switch {
		case lost && cols[i] == '-':
			if !p.open {
				*p = pendingHunk{open: true, oldStart: f.old[i], newStart: f.new}
			}
			p.removed++
			f.old[i]++
		case lost:
		case cols[i] == '+':
			if !p.open {
				*p = pendingHunk{open: true, oldStart: f.old[i], newStart: f.new}
			}
			p.added++
			if f.keep {
				p.lines = append(p.lines, l)
			}
		default:
			f.close(i)
			f.old[i]++
		}
	}
	if !lost {
		f.new++
		if f.keep {
			f.lastPlus, f.lastCols, f.lastText = plus, cols, ""
			if plus {
				f.lastText = text
			}
		}
	}
}

// close ends parent i's change being read, as a -U0 hunk.
func (f *combinedFile) close(i int) {
	p := &f.pending[i]
	if !p.open {
		return
	}
	h := linemap.Hunk{OldStart: p.oldStart, OldLines: p.removed, NewStart: p.newStart, NewLines: p.added}
	if f.keep {
		h.Added = p.lines
		if h.Added == nil {
			h.Added = []linemap.Line{}
		}
		p.lines = nil
	}
	if p.removed == 0 {
		h.OldStart--
	}
	if p.added == 0 {
		h.NewStart--
	}
	f.hunks[i] = append(f.hunks[i], h)
	p.open = false
}

// sidePath is the path of a "--- "/"+++ " line ("" for /dev/null).
func sidePath(p, prefix string) (string, error) {
	if p == "/dev/null" {
		return "", nil
	}
	u, err := unquotePath(strings.TrimSuffix(p, "\t"))
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(u, prefix) {
		return "", fmt.Errorf("path %q lacks the %q prefix", u, prefix)
	}
	return u[len(prefix):], nil
}

// unquotePath reads a path git may have C-quoted.
func unquotePath(p string) (string, error) {
	if !strings.HasPrefix(p, `"`) {
		return p, nil
	}
	u, err := strconv.Unquote(p)
	if err != nil {
		return "", fmt.Errorf("unreadable quoted path %s", p)
	}
	return u, nil
}
