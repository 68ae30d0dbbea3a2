package benchkit

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// Epoch is the author and committer date of a benchmark's first commit;
// each later one is Repo.Tick minutes after it, so that commit ids are the
// same on every run.
const Epoch = 1767225600 // 2026-01-01T00:00:00Z

// Repo is a repository a benchmark drives.
type Repo struct {
	Name string
	Dir  string
	Env  []string
	Tick int // minutes after Epoch of the next commit
}

// Run runs name args in the repository, dated Epoch plus Tick minutes,
// with extra added to its environment; stdin may be nil. It returns
// stdout, stderr and the wall time; an error names the command and holds
// the first lines of its stderr.
func (r *Repo) Run(stdin io.Reader, extra []string, name string, args ...string) (string, string, time.Duration, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = r.Dir
	d := fmt.Sprintf("@%d +0000", Epoch+60*r.Tick)
	cmd.Env = append(append(append([]string{}, r.Env...), "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d), extra...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		err = fmt.Errorf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), r.Dir, err, FirstLines(errb.String(), 10))
	}
	return out.String(), errb.String(), took, err
}

// Git runs git and returns stdout.
func (r *Repo) Git(args ...string) (string, error) {
	out, _, _, err := r.Run(nil, nil, "git", args...)
	return out, err
}

// FirstLines is s cut to its first n lines ("…" marks the cut).
func FirstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimRight(s, "\n"), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}
