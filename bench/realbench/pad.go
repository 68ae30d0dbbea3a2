package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// padRef holds the padding history: no branch, so that nothing the
// benchmark measures walks it, but reachable, so that repack keeps it.
// padBase is its first commit, which adds nothing.
const (
	padRef  = "refs/bench/padding"
	padBase = "refs/bench/padding-base"
)

// Shape of the padding: files of padFileBytes random bytes (git can
// neither compress nor delta them), padFilesPerCommit to a commit, each
// commit adding a directory of its own; every commit but the base gets a
// note, so that the notes tree is as large as a long-tagged history's.
const (
	padFileBytes      = 600
	padFilesPerCommit = 18
)

// padded says what -pad-mb gave each clone.
type padded struct {
	packMB  float64
	objects int
	notes   int
	took    time.Duration
}

// padClones gives every clone the same pack of about mb megabytes, as a
// repository with a large pack has: a history of random files under
// padRef, written by git fast-import, then everything repacked into one
// pack, as git gc would leave it. The measured branch does not change.
func padClones(work, bin string, repos []*benchkit.Repo, mb int) (*padded, error) {
	start := time.Now()
	stream := filepath.Join(work, "padding.fi")
	if err := writePadding(stream, mb); err != nil {
		return nil, err
	}
	defer os.Remove(stream)
	p := &padded{}
	for _, r := range repos {
		progress("padding the %s clone to a pack of about %d MB", r.Name, mb)
		if err := padOne(r, bin, stream); err != nil {
			return nil, err
		}
	}
	var err error
	if p.packMB, p.objects, err = packSize(repos[0]); err != nil {
		return nil, err
	}
	out, err := repos[0].Git("notes", "--ref="+notesRef, "list")
	if err != nil {
		return nil, err
	}
	p.notes = len(strings.Fields(out)) / 2
	p.took = time.Since(start)
	return p, nil
}

// padOne imports the padding stream into r, tags its commits with
// `annotate --human` and repacks everything into one pack.
func padOne(r *benchkit.Repo, bin, stream string) error {
	f, err := os.Open(stream)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, _, _, err := r.Run(f, nil, "git", "fast-import", "--quiet"); err != nil {
		return err
	}
	if _, _, _, err := r.Run(nil, nil, bin, "annotate", padBase+".."+padRef, "--human"); err != nil {
		return err
	}
	// Random files have no deltas worth searching for.
	_, err = r.Git("repack", "-a", "-d", "-q", "--window=0")
	return err
}

// writePadding writes a fast-import stream of about mb megabytes of random
// files, the same on every run, to path.
func writePadding(path string, mb int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	files := mb << 20 / padFileBytes
	data := make([]byte, padFileBytes)
	fmt.Fprintf(w, "commit %s\ncommitter bench <bench@example.com> %d +0000\ndata 8\npadding\n\n", padBase, benchkit.Epoch)
	for c := 0; files > 0; c++ {
		n := min(files, padFilesPerCommit)
		files -= n
		fmt.Fprintf(w, "commit %s\ncommitter bench <bench@example.com> %d +0000\ndata 8\npadding\n", padRef, benchkit.Epoch+c+1)
		if c == 0 {
			fmt.Fprintf(w, "from %s\n", padBase)
		}
		for i := range n {
			for j := range data {
				data[j] = byte(rng.Uint32())
			}
			fmt.Fprintf(w, "M 100644 inline pad/%03d/%03d/%02d\ndata %d\n", c/1000, c%1000, i, len(data))
			w.Write(data)
			w.WriteByte('\n')
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// packSize returns the size of r's packs in MB and the objects they hold.
func packSize(r *benchkit.Repo) (float64, int, error) {
	out, err := r.Git("count-objects", "-v")
	if err != nil {
		return 0, 0, err
	}
	var kb, objects int
	for _, line := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.Atoi(strings.TrimSpace(v))
		switch k {
		case "size-pack":
			kb = n
		case "in-pack":
			objects = n
		}
	}
	if objects == 0 {
		return 0, 0, fmt.Errorf("count-objects in %s: no packed objects:\n%s", r.Dir, bytes.TrimSpace([]byte(out)))
	}
	return float64(kb) / 1024, objects, nil
}
