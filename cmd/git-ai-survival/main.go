// Command git-ai-survival measures how much of the code AI agents write is
// still there later. Put it on PATH and run it as `git ai-survival`.
package main

import (
	"os"

	"github.com/git-ai-survival/git-ai-survival/internal/cli"
)

func main() { os.Exit(cli.Main()) }
