package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// repo is one benchmark repository driven by the real git binary; every
// commit is one minute after the last, so the two repositories get the
// same commit ids.
type repo struct{ benchkit.Repo }

// commit times one `git commit -q -m msg` of what is staged and returns
// its wall time and stderr (where hooks print their warnings).
func (r *repo) commit(msg string) (time.Duration, string, error) {
	_, errs, took, err := r.Run(nil, nil, "git", "commit", "-q", "-m", msg)
	r.Tick++
	return took, errs, err
}

// baseFiles is the layout of the base tree: nFiles source files spread
// over directories of 100 files each.
func basePath(i int) string {
	return fmt.Sprintf("src/pkg%03d/file%05d.go", i/100, i)
}

// create makes the repository with nFiles files in one commit, written by
// `git fast-import`, repacked and checked out.
//
// The repack matters: fast-import deltifies each blob against the blob
// written before it, an unrelated file, in chains up to 50 deep, and its
// manual asks for `git repack -a -d -f` afterwards. Without it, reading
// a parent's version of a file (as the post-commit hook's diff does)
// inflates dozens of deltas, which neither a clone nor a gc'd repository
// ever makes git do.
func (r *repo) create(nFiles int) error {
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return err
	}
	if _, err := r.Git("init", "-q", "-b", "main"); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		msg := "Base tree for the commit benchmark\n"
		fmt.Fprintf(bw, "commit refs/heads/main\nauthor Bench Person <bench@example.com> %d +0000\ncommitter Bench Person <bench@example.com> %d +0000\ndata %d\n%s", benchkit.Epoch, benchkit.Epoch, len(msg), msg)
		var buf bytes.Buffer
		for i := 0; i < nFiles; i++ {
			buf.Reset()
			writeSource(&buf, i)
			fmt.Fprintf(bw, "M 100644 inline %s\ndata %d\n", basePath(i), buf.Len())
			bw.Write(buf.Bytes())
			bw.WriteString("\n")
		}
		bw.WriteString("done\n")
		pw.CloseWithError(bw.Flush())
	}()
	_, _, took, err := r.Run(pr, nil, "git", "fast-import", "--quiet", "--done")
	if err != nil {
		pr.CloseWithError(err)
		return err
	}
	_, _, took2, err := r.Run(nil, nil, "git", "repack", "-a", "-d", "-f", "-q")
	if err != nil {
		return err
	}
	r.Tick++
	_, _, took3, err := r.Run(nil, nil, "git", "reset", "-q", "--hard", "main")
	progress("%s: fast-import %s, repack %s, checkout %s", r.Name, took.Round(time.Millisecond), took2.Round(time.Millisecond), took3.Round(time.Millisecond))
	return err
}

// rng is a small deterministic generator (xorshift) so both repositories
// and every run get the same content.
type rng uint64

func (s *rng) next() uint64 {
	x := uint64(*s)
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	*s = rng(x)
	return x
}

var words = strings.Fields(`ctx err ok id name path line lines file files commit note notes
	origin agent model value count total index offset size buf out in next prev head tail
	range start end key keys val vals rec record records state opts cfg repo tree blob`)

// codeLine returns a plausible line of Go code; n varies it.
func codeLine(s *rng) string {
	a, b, c := words[s.next()%uint64(len(words))], words[s.next()%uint64(len(words))], words[s.next()%uint64(len(words))]
	switch s.next() % 6 {
	case 0:
		return fmt.Sprintf("\t%s := %s(%s, %d)", a, b, c, s.next()%1000)
	case 1:
		return fmt.Sprintf("\tif %s != nil {\n\t\treturn %s, %s\n\t}", a, b, c)
	case 2:
		return fmt.Sprintf("\t%s.%s = append(%s.%s, %s)", a, b, a, b, c)
	case 3:
		return fmt.Sprintf("\t// %s updates the %s of %s before %s is read.", a, b, c, a)
	case 4:
		return fmt.Sprintf("\tfor _, %s := range %s.%s {", a, b, c)
	default:
		return fmt.Sprintf("\t%s += len(%s) * %d // %s", a, b, s.next()%64, c)
	}
}

// writeSource writes base file i: a package clause and about 40 lines.
func writeSource(w *bytes.Buffer, i int) {
	s := rng(uint64(i)*2654435761 + 1)
	fmt.Fprintf(w, "package pkg%03d\n\n// F%05d is generated for the commit benchmark.\nfunc F%05d() {\n", i/100, i, i)
	n := 30 + int(s.next()%20)
	for j := 0; j < n; j++ {
		w.WriteString(codeLine(&s))
		w.WriteByte('\n')
	}
	w.WriteString("}\n")
}

// edit changes file i of the work tree the way a small edit does: one
// line rewritten and a few lines appended (seed makes each edit distinct).
func (r *repo) edit(i int, seed uint64) error {
	p := filepath.Join(r.Dir, basePath(i))
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	s := rng(seed*0x9E3779B97F4A7C15 + uint64(i) + 1)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	k := 4 + int(s.next()%uint64(len(lines)-5))
	lines[k] = codeLine(&s)
	for j := 0; j < 3; j++ {
		lines = append(lines, "// "+strings.TrimSpace(codeLine(&s)))
	}
	return os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// bigText returns size bytes of generated text lines (seeded).
func bigText(size int, seed uint64) []byte {
	s := rng(seed*0x9E3779B97F4A7C15 + 7)
	buf := bytes.NewBuffer(make([]byte, 0, size+200))
	for n := 0; buf.Len() < size; n++ {
		fmt.Fprintf(buf, "%07d %s\n", n, strings.TrimSpace(codeLine(&s)))
	}
	buf.Truncate(size - 1)
	buf.WriteByte('\n')
	return buf.Bytes()
}
