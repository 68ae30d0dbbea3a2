//go:build !linux && !darwin

package cli

import "os"

// termWidth is the number of columns of the terminal f, 0 when unknown.
func termWidth(f *os.File) int { return 0 }
