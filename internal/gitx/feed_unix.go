//go:build unix

package gitx

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func openFeed(f *os.File, deadline time.Time) (*Feed, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading git's output from stdin: %w", err)
	}
	switch {
	case fi.Mode().IsRegular():
		return &Feed{f: f}, nil // reads never wait
	case fi.Mode()&os.ModeNamedPipe == 0:
		// A terminal, say: making it non-blocking would upset the shell
		// that shares it.
		return nil, ErrNoFeed
	}
	if f.SetReadDeadline(deadline) == nil {
		return &Feed{f: f}, nil // already in Go's poller
	}
	// A blocking descriptor cannot have a read deadline: make the pipe
	// non-blocking before wrapping it again, so that Go's poller takes it.
	// Nothing else reads it (the shell closed its copy of the pipe).
	fd := f.Fd()
	if err := syscall.SetNonblock(int(fd), true); err != nil {
		return nil, fmt.Errorf("reading git's output from stdin: %w", err)
	}
	nf := os.NewFile(fd, f.Name())
	if err := nf.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("reading git's output from stdin: %w", err)
	}
	return &Feed{f: nf}, nil
}

// stopWriter stops the git process writing into descriptor fd: a sibling
// (same parent shell) whose stdout is the same pipe, found through /proc
// where there is one and through ps(1) elsewhere, where its name must be
// git.
func stopWriter(fd uintptr) {
	for _, pid := range writers(fd) {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
}

func writers(fd uintptr) []int {
	self, parent := os.Getpid(), os.Getppid()
	if parent <= 1 {
		return nil // orphaned: no shell to hold up
	}
	pipe, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return psSiblings(self, parent)
	}
	if !strings.HasPrefix(pipe, "pipe:") {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self || procParent(pid) != parent {
			continue
		}
		if out, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/1", pid)); err == nil && out == pipe {
			pids = append(pids, pid)
		}
	}
	return pids
}

// procParent is the parent of pid from /proc/<pid>/stat (0 if unknown).
func procParent(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// psSiblings lists the processes called git that share our parent.
func psSiblings(self, parent int) []int {
	out, err := exec.Command("ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "comm=").Output()
	if err != nil {
		return nil
	}
	var pids []int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			continue
		}
		pid, err1 := strconv.Atoi(f[0])
		ppid, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil && pid != self && ppid == parent && filepath.Base(strings.Join(f[2:], " ")) == "git" {
			pids = append(pids, pid)
		}
	}
	return pids
}
