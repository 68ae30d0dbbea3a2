package walk_test

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// history makes random histories: inserts, deletions and edits of lines,
// new files, deleted and re-created files, renames with and without edits,
// AI and human commits, and (with branches) side branches merged back, with
// conflicts resolved by keeping both sides and sometimes lines added in
// the merge itself.
type history struct {
	t        testing.TB
	r        *gittest.Repo
	rnd      *rand.Rand
	next     int
	commits  int
	branches bool
	// repeated makes a quarter of the lines common ones (blank lines,
	// braces), which diffs may match in more than one way.
	repeated bool
	// moves makes a third of the changes move or copy blocks of lines
	// (within a file, to another file, into a new file).
	moves bool
	sides int
}

var pathPool = []string{
	"main.go", "README.md", "cmd/tool/main.go", "internal/a/a.go", "internal/a/b.go",
	"internal/b/c.go", "docs/guide.md", "with space.txt", "dir with space/x y.go",
	"ünïcode/café.go", "日本/語.txt", "deep/er/and/deeper.txt", "z.txt",
}

func newHistory(t testing.TB, r *gittest.Repo, seed int64) *history {
	return &history{t: t, r: r, rnd: rand.New(rand.NewSource(seed))}
}

func (h *history) line() string {
	if h.repeated && h.rnd.Intn(4) == 0 {
		return []string{"", "}", "{", "\treturn nil", "\t}", "// end"}[h.rnd.Intn(6)]
	}
	h.next++
	return fmt.Sprintf("line %d %08x", h.next, h.rnd.Uint32())
}

func (h *history) lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = h.line()
	}
	return out
}

func (h *history) files() []string {
	var out []string
	root := h.r.Dir
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func (h *history) read(p string) []string {
	data, err := os.ReadFile(filepath.Join(h.r.Dir, p))
	if err != nil {
		h.t.Fatal(err)
	}
	s := string(data)
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func (h *history) write(p string, lines []string) {
	s := strings.Join(lines, "\n")
	if len(lines) > 0 && h.rnd.Intn(12) != 0 {
		s += "\n" // now and then no final newline
	}
	h.r.Write(p, s)
}

func (h *history) remove(p string) {
	if err := os.Remove(filepath.Join(h.r.Dir, p)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *history) freePath() string {
	existing := map[string]bool{}
	for _, f := range h.files() {
		existing[f] = true
	}
	for range 5 {
		if p := pathPool[h.rnd.Intn(len(pathPool))]; !existing[p] {
			return p
		}
	}
	h.next++
	return fmt.Sprintf("gen/f%d.txt", h.next)
}

func (h *history) edit(p string) {
	lines := h.read(p)
	pos := h.rnd.Intn(len(lines) + 1)
	switch k := h.rnd.Intn(3); {
	case k == 0 || len(lines) == 0: // insert
		ins := h.lines(1 + h.rnd.Intn(5))
		lines = append(lines[:pos:pos], append(ins, lines[pos:]...)...)
	case k == 1: // delete
		pos = min(pos, len(lines)-1)
		n := 1 + h.rnd.Intn(min(4, len(lines)-pos))
		lines = append(lines[:pos:pos], lines[pos+n:]...)
	default: // replace
		pos = min(pos, len(lines)-1)
		n := 1 + h.rnd.Intn(min(4, len(lines)-pos))
		lines = append(lines[:pos:pos], append(h.lines(1+h.rnd.Intn(4)), lines[pos+n:]...)...)
	}
	h.write(p, lines)
}

// change makes one to three random changes to the work tree.
func (h *history) change() {
	for range 1 + h.rnd.Intn(3) {
		files := h.files()
		if h.moves && len(files) > 0 && h.rnd.Intn(3) == 0 {
			h.move(files)
			continue
		}
		switch k := h.rnd.Intn(20); {
		case len(files) == 0 || k < 3:
			h.write(h.freePath(), h.lines(1+h.rnd.Intn(20)))
		case k < 4 && len(files) > 2:
			h.remove(files[h.rnd.Intn(len(files))])
		case k < 6:
			from := files[h.rnd.Intn(len(files))]
			to := h.freePath()
			lines := h.read(from)
			h.remove(from)
			h.write(to, lines)
			if h.rnd.Intn(2) == 0 && len(lines) > 6 {
				h.edit(to)
			}
		default:
			h.edit(files[h.rnd.Intn(len(files))])
		}
	}
}

func (h *history) message() string {
	h.commits++
	switch h.rnd.Intn(5) {
	case 0, 1:
		return fmt.Sprintf("AI: change %d", h.commits)
	case 2:
		return fmt.Sprintf("NOTE: change %d", h.commits)
	}
	return fmt.Sprintf("change %d", h.commits)
}

func (h *history) commit() {
	h.change()
	h.r.Commit(h.message())
}

// merge merges branch into the current one, resolving conflicts by keeping
// both sides, and sometimes writes lines of its own.
func (h *history) merge(branch string) {
	msg := h.message()
	_, _, err := h.r.Run("", "git", "merge", "-q", "--no-ff", "--no-commit", branch)
	if err != nil {
		for _, p := range strings.Split(h.r.Git("diff", "--name-only", "-z", "--diff-filter=U"), "\x00") {
			if p == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(h.r.Dir, p)); err != nil {
				continue
			}
			var kept []string
			for _, l := range h.read(p) {
				if !strings.HasPrefix(l, "<<<<<<<") && !strings.HasPrefix(l, "=======") && !strings.HasPrefix(l, ">>>>>>>") {
					kept = append(kept, l)
				}
			}
			h.write(p, kept)
		}
	}
	if files := h.files(); len(files) > 0 && h.rnd.Intn(3) == 0 {
		h.edit(files[h.rnd.Intn(len(files))]) // an "evil" merge
	}
	h.r.Git("add", "-A")
	h.r.Git("commit", "-q", "--allow-empty", "-m", msg)
	h.r.Tick()
}

// run makes about n commits.
func (h *history) run(n int) {
	h.t.Helper()
	for made := 0; made < n; {
		if !h.branches || made < 3 || h.rnd.Intn(6) != 0 {
			h.commit()
			made++
			continue
		}
		h.sides++
		side := fmt.Sprintf("side%d", h.sides)
		h.r.Git("checkout", "-q", "-b", side)
		for range 1 + h.rnd.Intn(5) {
			h.commit()
			made++
		}
		h.r.Git("checkout", "-q", "main")
		for range h.rnd.Intn(4) {
			h.commit()
			made++
		}
		if h.rnd.Intn(3) == 0 { // bring main into the side branch first
			h.r.Git("checkout", "-q", side)
			h.merge("main")
			h.commit()
			made += 2
			h.r.Git("checkout", "-q", "main")
		}
		h.merge(side)
		made++
	}
}
