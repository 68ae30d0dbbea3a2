package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strconv"

	"github.com/git-ai-survival/git-ai-survival/internal/term"
)

// IOStreams is where a command reads and writes: data on Out, progress,
// warnings and errors on ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY and ErrTTY say whether the streams are terminals: headers,
	// colour and progress appear only there.
	OutTTY, ErrTTY bool
	// Width is the number of columns of the terminal Out is (0: not a
	// terminal, or unknown): tables fit in it.
	Width int
}

// System returns the process's streams.
func System() *IOStreams {
	ios := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: isTerminal(os.Stdout), ErrTTY: isTerminal(os.Stderr)}
	if ios.OutTTY {
		ios.Width = termWidth(os.Stdout)
		if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
			ios.Width = n
		}
		if ios.Width == 0 {
			ios.Width = 80
		}
	}
	return ios
}

// safeOut wraps w, the stdout of a human-readable output, so that what
// came from notes, trailers and file names cannot drive the terminal.
func safeOut(w io.Writer) *term.Writer { return term.NewWriter(w) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Test returns streams backed by buffers.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errb := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errb}, in, out, errb
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
