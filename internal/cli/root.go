// Package cli holds the git-ai-survival commands: one file per command,
// each parsing flags into an options struct and calling the packages that do
// the work. It is the only package that imports cobra, and the one place
// that maps errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/term"
)

// Factory gives commands what they share: streams and the repository.
type Factory struct {
	IO *IOStreams
	// Dir is the directory the command runs in ("" = current).
	Dir string
	// ConfigPath is --config: a configuration file to use instead of the
	// repository's .ai-survival.yaml.
	ConfigPath string
	// Getenv reads the environment (replaceable in tests).
	Getenv func(string) string
}

// Repo opens the repository around Dir.
func (f *Factory) Repo(ctx context.Context) (*gitx.Repo, error) {
	return gitx.Open(ctx, f.Dir)
}

// getenv reads the environment through the factory.
func (f *Factory) getenv(key string) string {
	if f.Getenv == nil {
		return os.Getenv(key)
	}
	return f.Getenv(key)
}

// Warnf prints one warning line on stderr.
func (f *Factory) Warnf(format string, args ...any) {
	// One line, whatever the strings from notes, payloads or git held.
	// Never "warning: warning:", nor "warning: git-ai-survival: warning:".
	msg := strings.TrimPrefix(fmt.Sprintf(format, args...), "warning: ")
	if rest, ok := strings.CutPrefix(msg, "git-ai-survival: "); ok {
		msg = "git-ai-survival: " + strings.TrimPrefix(rest, "warning: ")
	}
	fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", term.Line(msg))
}

// warnOnce prints each distinct warning once.
func (f *Factory) warnOnce() func(string) {
	seen := map[string]bool{}
	return func(msg string) {
		if !seen[msg] {
			seen[msg] = true
			f.Warnf("%s", msg)
		}
	}
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use: "git-ai-survival <command>",
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "git ai-survival",
		},
		Short: "Measure how much of the code AI agents write is still there later",
		Long: `git-ai-survival records, for every line a commit adds, whether an AI agent or a
person wrote it (in git notes under refs/notes/ai-survival), keeps that record
through amend, rebase, push and fetch, and measures how much of each origin's
code survives in later history.`,
		Example: `  # Record provenance for every new commit in this repository
  $ git ai-survival install

  # Survival of AI-written and human-written lines over all history
  $ git ai-survival report

  # What a commit's note says
  $ git ai-survival show HEAD`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version(),
	}
	root.SetVersionTemplate("git-ai-survival {{.Version}}\n")
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError("%v\nRun '%s --help' for usage.", err, cmd.CommandPath())
	})
	root.CompletionOptions.DisableDefaultCmd = true // ours: newCmdCompletion
	root.PersistentFlags().StringVar(&f.ConfigPath, "config", "", "configuration file to use instead of the repository's .ai-survival.yaml")
	for _, c := range []*cobra.Command{
		newCmdVersion(f),
		NewCmdInstall(f, nil),
		NewCmdUninstall(f, nil),
		newCmdHook(f),
		newCmdShow(f, nil),
		newCmdAnnotate(f, nil),
		NewCmdSync(f, nil),
		newCmdReport(f, nil),
		newCmdBlame(f, nil),
		newCmdStatus(f, nil),
		newCmdCompletion(f),
		newCmdCheckpoint(f, nil),
		NewCmdCI(f, nil),
	} {
		root.AddCommand(c)
	}
	completeFormats(root)
	return root
}

// Main runs the command line and returns the exit code.
func Main() int {
	f := &Factory{IO: System(), Getenv: os.Getenv}
	args := os.Args[1:]
	if isHookCall(args) {
		// Hooks run on every commit and stop with git: they skip setting up
		// signal handling (Ctrl-C stops the whole commit anyway).
		return Run(context.Background(), f, args)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, f, args)
}

// Run executes args and maps the outcome to an exit code; no panic escapes.
func Run(ctx context.Context, f *Factory, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: internal error: %v\nPlease report this with the command you ran.\n", r)
			code = ExitError
		}
	}()
	if isHookCall(args) {
		// Hooks run on every commit: skip building the command tree.
		runHook(ctx, f, args[1], args[2:])
		return ExitOK
	}
	root := NewRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		printError(f, root, err)
	}
	return exitCode(err)
}

// isHookCall says whether args run a hook (`hook <name> ...`).
func isHookCall(args []string) bool {
	return len(args) >= 2 && args[0] == "hook" && !strings.HasPrefix(args[1], "-")
}

func printError(f *Factory, root *cobra.Command, err error) {
	var e *exitError
	if errors.As(err, &e) && e.Err == nil {
		return
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") {
		msg += "\nRun 'git ai-survival --help' for usage."
	}
	fmt.Fprintf(f.IO.ErrOut, "git-ai-survival: %s\n", msg)
}
