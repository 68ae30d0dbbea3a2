//go:build linux || darwin

package hookrun

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority makes this process (every thread of it, and so the
// processes it starts) yield the CPU to the user's own work. The nice value
// is a thread's on Linux: each thread listed in /proc is lowered.
func lowerPriority() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, deferredNice)
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, deferredNice)
		}
	}
}

// processGone says whether process pid has exited (a zombie counts as
// gone: it runs nothing).
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
