package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at link time by the Makefile (-X); builds by `go install`
// take it from the module's build info instead.
var Version = ""

// version returns the version and, when known, the commit it was built from.
func version() string {
	v := Version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if ok {
		rev, dirty := "", false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			v += " (" + rev + ")"
		}
	}
	return v
}

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of git-ai-survival",
		Long:  "Print the version of git-ai-survival and, when known, the commit it was built from.",
		Example: `  $ git ai-survival version
  git-ai-survival v0.1.0 (1a2b3c4d5e6f)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IO.Out, "git-ai-survival %s\n", version())
			return err
		},
	}
}

// VersionString is the version as `git ai-survival version` prints it.
func VersionString() string { return version() }
