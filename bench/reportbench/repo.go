package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/git-ai-survival/git-ai-survival/bench/benchkit"
)

// repo is the benchmark repository, driven by the real git binary.
type repo struct {
	dir string
	env []string
}

// timed is one finished process: wall time and CPU time (user + system,
// its waited-for children, such as the gits it ran, included).
type timed struct {
	wall, cpu time.Duration
	rss       int64 // peak resident set of the process or of one of its children, bytes
	// own is the process's own peak resident set (VmHWM, children not
	// included), bytes, read from /proc while it runs; 0 without /proc.
	own int64
}

// command prepares name args in the repository; stdout goes to out (nil:
// /dev/null, as `> /dev/null` would), stderr is kept for errors.
func (r *repo) command(stdin io.Reader, out io.Writer, name string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(name, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	cmd.Stdin = stdin
	cmd.Stdout = out
	var errb bytes.Buffer
	cmd.Stderr = &errb
	return cmd, &errb
}

// exec runs name args and returns its times; a non-zero exit is an error
// carrying stderr.
func (r *repo) exec(stdin io.Reader, out io.Writer, name string, args ...string) (timed, string, error) {
	if out == nil {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return timed{}, "", err
		}
		defer null.Close()
		out = null
	}
	cmd, errb := r.command(stdin, out, name, args...)
	start := time.Now()
	var own int64
	err := cmd.Start()
	if err == nil {
		done := make(chan struct{})
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
			for {
				if kb := vmHWM(status); kb > 0 {
					own = kb * 1024
				}
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
		err = cmd.Wait()
		close(done)
		<-polled
	}
	t := timed{wall: time.Since(start), own: own}
	if cmd.ProcessState != nil {
		t.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			t.rss = ru.Maxrss * 1024
		}
	}
	if err != nil {
		err = fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, benchkit.FirstLines(errb.String(), 10))
	}
	return t, errb.String(), err
}

// vmHWM reads the VmHWM line (kB) of a /proc/<pid>/status file; 0 when
// it cannot.
func vmHWM(status string) int64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// git runs git and returns its stdout.
func (r *repo) git(args ...string) (string, error) {
	var out bytes.Buffer
	_, _, err := r.exec(nil, &out, "git", args...)
	return out.String(), err
}

// exitCode is the exit status of a finished command error, or -1.
func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok {
			return ws.ExitStatus()
		}
	}
	return -1
}

// snapshot lists every path under dir (relative), to put dir back to this
// state later with restore.
func snapshot(dir string) (map[string]bool, error) {
	snap := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		snap[rel] = true
		return nil
	})
	return snap, err
}

// restore removes what appeared under dir since snap was taken (a cache a
// report may have written) and returns what it removed.
func restore(dir string, snap map[string]bool) ([]string, error) {
	var gone []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if snap[rel] {
			return nil
		}
		gone = append(gone, rel)
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	return gone, err
}
