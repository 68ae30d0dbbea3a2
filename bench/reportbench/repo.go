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
)

const gitconfig = `[user]
	name = Bench Person
	email = bench@example.com
[init]
	defaultBranch = main
[core]
	autocrlf = false
[commit]
	gpgsign = false
[gc]
	auto = 0
[maintenance]
	auto = false
[advice]
	detachedHead = false
`

// environ is a clean environment for git: an isolated HOME with the
// gitconfig above, no system config, no GIT_* variables from the caller
// (make bench may itself run inside a hook), binDir first on PATH.
func environ(home, binDir string) ([]string, error) {
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "LC_") || k == "LANG" ||
			k == "HOME" || k == "XDG_CONFIG_HOME" || k == "XDG_CACHE_HOME" || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	), nil
}

// repo is the benchmark repository, driven by the real git binary.
type repo struct {
	dir string
	env []string
}

// timed is one finished process: wall time and CPU time (user + system,
// its waited-for children, such as the gits it ran, included).
type timed struct {
	wall, cpu time.Duration
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
	err := cmd.Run()
	t := timed{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		t.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		err = fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, firstLines(errb.String(), 10))
	}
	return t, errb.String(), err
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

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimRight(s, "\n"), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
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
