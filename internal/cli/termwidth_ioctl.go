//go:build linux || darwin

package cli

import (
	"os"
	"syscall"
	"unsafe"
)

// termWidth is the number of columns of the terminal f, 0 when unknown.
func termWidth(f *os.File) int {
	var ws struct{ Row, Col, X, Y uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	if errno != 0 {
		return 0
	}
	return int(ws.Col)
}
