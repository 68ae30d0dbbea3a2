package walk

import (
	"runtime"
	"sync"
)

// A walk's goroutines spend most of their time waiting for git's output
// (git computes the diffs; the walk applies them several times faster).
// With more than one P, Go's scheduler spins and polls on the idle ones
// every time a pipe runs dry: on a history of 80,000 commits, about a
// sixth of the walk's own CPU time. A walk runs on one P; the first walk
// in the process lowers GOMAXPROCS and the last one to end puts it back.

var procs struct {
	sync.Mutex
	walks int
	saved int
}

// oneProc runs the rest of a walk on one P and returns what undoes it.
func oneProc() func() {
	procs.Lock()
	defer procs.Unlock()
	if procs.walks == 0 {
		procs.saved = runtime.GOMAXPROCS(1)
	}
	procs.walks++
	return func() {
		procs.Lock()
		defer procs.Unlock()
		procs.walks--
		if procs.walks == 0 {
			runtime.GOMAXPROCS(procs.saved)
		}
	}
}
