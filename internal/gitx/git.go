// Package gitx is the one place that runs git. Every call goes through a
// Git value that fixes the working directory, hardens the environment and
// the configuration against settings that would change git's output (colour,
// pagers, external diff drivers, path prefixes), and wraps failures with the
// command and git's own message.
package gitx

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Git runs git commands in one directory.
type Git struct {
	// Dir is the directory git runs in ("" = the current directory).
	Dir string
	// Env is added to the process environment (KEY=VALUE).
	Env []string
}

// New returns a Git for dir.
func New(dir string) *Git { return &Git{Dir: dir} }

// Error is a git command that failed.
type Error struct {
	Args     []string
	ExitCode int
	Stderr   string
	Err      error
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	name := "git"
	if len(e.Args) > 0 {
		name = "git " + e.Args[0]
	}
	return fmt.Sprintf("%s: %s", name, firstLines(msg, 3))
}

func (e *Error) Unwrap() error { return e.Err }

func firstLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue // no "; ;" for git's blank lines
		}
		if len(lines) == n {
			lines = append(lines, "…")
			break
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "; ")
}

// ErrNotFound means the git binary is not on PATH.
var ErrNotFound = errors.New("git was not found on PATH; install git and try again")

// safeConfig overrides settings that change the shape of output we parse.
var safeConfig = []string{
	"-c", "core.quotePath=false",
	"-c", "color.ui=never",
	"-c", "diff.noprefix=false",
	"-c", "diff.mnemonicPrefix=false",
	"-c", "log.showSignature=false",
	"-c", "core.pager=cat",
}

// scrubbedEnv lists variables that would change what git prints or make it
// wait for a person.
var scrubbedEnv = []string{"GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER", "GIT_TRACE", "GIT_TRACE_PERFORMANCE", "GIT_FLUSH"}

// SafeConfig returns the "-c key=value" options every git command we run
// starts with, for command lines written out elsewhere (the post-commit
// hook's script).
func SafeConfig() []string { return append([]string(nil), safeConfig...) }

// ScrubbedEnv returns the names of the variables every git command we run
// has removed from its environment.
func ScrubbedEnv() []string { return append([]string(nil), scrubbedEnv...) }

func (g *Git) command(ctx context.Context, args []string) *exec.Cmd {
	full := append(append([]string{}, safeConfig...), args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = g.Dir
	// A killed git (a timed-out push) may leave a child such as ssh holding
	// its output: stop waiting for that after a moment.
	cmd.WaitDelay = 2 * time.Second
	env := make([]string, 0, len(os.Environ())+len(g.Env)+2)
	for _, kv := range os.Environ() {
		if !scrubbed(kv) {
			env = append(env, kv)
		}
	}
	env = append(env, "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	cmd.Env = append(env, g.Env...)
	return cmd
}

func scrubbed(kv string) bool {
	for _, k := range scrubbedEnv {
		if strings.HasPrefix(kv, k+"=") {
			return true
		}
	}
	return false
}

// TraceEnv names the variable that, set to 1 (or true), makes every git
// command we run logged on stderr with its duration, as GIT_TRACE does for
// git's own work.
const TraceEnv = "AI_SURVIVAL_TRACE"

// traceOut is where traces go (replaceable in tests).
var traceOut io.Writer = os.Stderr

var tracing = func() bool {
	v := strings.ToLower(os.Getenv(TraceEnv))
	return v == "1" || v == "true" || v == "yes"
}()

// trace logs one finished git command when tracing is on.
func trace(args []string, start time.Time, err error) {
	if !tracing {
		return
	}
	status := "ok"
	if err != nil {
		status = "failed"
	}
	fmt.Fprintf(traceOut, "trace: %s git %s (%s, %s)\n", start.Format("15:04:05.000000"), strings.Join(quoteArgs(args), " "), time.Since(start).Round(time.Microsecond), status)
}

// quoteArgs quotes arguments that a reader could not tell apart otherwise.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") || strings.IndexFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			out[i] = strconv.Quote(a)
		}
	}
	return out
}

func (g *Git) wrap(args []string, err error, stderr []byte) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return ErrNotFound
	}
	e := &Error{Args: args, Stderr: string(stderr), Err: err}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		e.ExitCode = exit.ExitCode()
	}
	return e
}

// Output runs git and returns its stdout.
func (g *Git) Output(ctx context.Context, args ...string) ([]byte, error) {
	return g.Input(ctx, nil, args...)
}

// Input runs git with stdin and returns its stdout.
func (g *Git) Input(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := g.command(ctx, args)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	start := time.Now()
	err := cmd.Run()
	trace(args, start, err)
	return out.Bytes(), g.wrap(args, err, errb.Bytes())
}

// Line runs git and returns the first line of stdout, trimmed.
func (g *Git) Line(ctx context.Context, args ...string) (string, error) {
	out, err := g.Output(ctx, args...)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}

// Stream runs git and hands its stdout to fn as it is produced. If fn returns
// an error the process is stopped and that error returned.
func (g *Git) Stream(ctx context.Context, stdin io.Reader, fn func(io.Reader) error, args ...string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := g.command(ctx, args)
	var errb bytes.Buffer
	cmd.Stdin, cmd.Stderr = stdin, &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return g.wrap(args, err, nil)
	}
	defer func() { trace(args, start, nil) }()
	fnErr := fn(bufio.NewReaderSize(out, 1<<16))
	if fnErr != nil {
		cancel()
	}
	_, _ = io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	if fnErr != nil {
		// When git failed and said why, that is the cause of what fn saw.
		if waitErr != nil && strings.TrimSpace(errb.String()) != "" {
			return g.wrap(args, waitErr, errb.Bytes())
		}
		return fnErr
	}
	if ctx.Err() != nil && waitErr != nil {
		return ctx.Err()
	}
	return g.wrap(args, waitErr, errb.Bytes())
}

// Proc is a git process started with Start, waiting for its stdin.
type Proc struct {
	g      *Git
	args   []string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    bytes.Buffer
	errb   bytes.Buffer
	cancel context.CancelFunc
	start  time.Time
}

// Start starts git now, so that its start-up overlaps the caller's work;
// the caller then writes stdin with Finish, or abandons it with Abort.
func (g *Git) Start(ctx context.Context, args ...string) (*Proc, error) {
	ctx, cancel := context.WithCancel(ctx)
	p := &Proc{g: g, args: args, cmd: g.command(ctx, args), cancel: cancel, start: time.Now()}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.errb
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		cancel()
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	if err := p.cmd.Start(); err != nil {
		cancel()
		return nil, g.wrap(args, err, nil)
	}
	return p, nil
}

// Finish writes input to the process, closes its stdin and waits for it.
func (p *Proc) Finish(input []byte) ([]byte, error) {
	defer p.cancel()
	_, werr := p.stdin.Write(input)
	cerr := p.stdin.Close()
	err := p.cmd.Wait()
	if err == nil && (werr != nil || cerr != nil) {
		err = errors.Join(werr, cerr)
	}
	trace(p.args, p.start, err)
	return p.out.Bytes(), p.g.wrap(p.args, err, p.errb.Bytes())
}

// Abort stops a process that has not been given its input.
func (p *Proc) Abort() {
	p.cancel()
	_ = p.stdin.Close()
	_ = p.cmd.Wait()
}
