// Command genman writes git-ai-survival's man pages (used by make man and
// make install), so that `git ai-survival --help`, which git turns into
// `git help ai-survival`, finds one. It lives apart from the git-ai-survival
// binary so that the binary, which every hook starts, does not carry (or
// initialise) the Markdown and man page libraries.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra/doc"

	"github.com/git-ai-survival/git-ai-survival/internal/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genman <dir>")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "genman: %v\n", err)
		os.Exit(2)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cli.NewRootCmd(&cli.Factory{IO: cli.System(), Getenv: os.Getenv})
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "GIT-AI-SURVIVAL", Section: "1", Source: "git-ai-survival " + cli.VersionString(), Manual: "Git Manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("writing man pages: %w", err)
	}
	return nil
}
