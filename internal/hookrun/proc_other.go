//go:build !(linux || darwin)

package hookrun

// lowerPriority does nothing where the priority cannot be set portably.
func lowerPriority() {}

// processGone cannot tell here: the caller's bound applies.
func processGone(pid int) bool { return pid <= 0 }
