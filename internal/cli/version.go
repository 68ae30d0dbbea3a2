package cli

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// Version is set at link time by the Makefile (-X) to `git describe --tags
// --always --dirty`: a tag (v1.2.0), a tag and the commits after it
// (v1.2.0-3-gabc1234), or a bare commit id when there is no tag. Builds by
// `go install ...@version` carry the module version in their build info.
var Version = ""

// The patterns are compiled on first use: their counted repetitions make
// large programs, and compiling them at start-up would cost every run of
// the binary (every hook), not only the ones that print the version.
var (
	commitOnly = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{7,40})(-dirty)?$`) })
	described  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(.+)-[0-9]+-g([0-9a-f]{7,40})(-dirty)?$`)
	})
)

// version says what this binary is: the release (the module version of
// `go install ...@v1.2.0`, or the tag the tree was built from), else
// "dev", and the commit it was built from when known.
func version() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(Version, info)
}

func formatVersion(ld string, info *debug.BuildInfo) string {
	v, commit, dirty := ld, "", false
	if m := commitOnly().FindStringSubmatch(ld); m != nil {
		v, commit, dirty = "", m[1], m[2] != ""
	} else if m := described().FindStringSubmatch(ld); m != nil {
		commit, dirty = m[2], m[3] != ""
	} else if t, ok := strings.CutSuffix(ld, "-dirty"); ok {
		v, dirty = t, true
	}
	if info != nil {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = dirty || s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	switch {
	case commit != "" && dirty:
		v += " (commit " + commit + ", modified)"
	case commit != "":
		v += " (commit " + commit + ")"
	case dirty:
		v += " (modified)"
	}
	return v
}

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of git-ai-survival",
		Long: `Print the version of git-ai-survival: the module version of a binary built with
'go install ...@<version>', the tag of the tree it was built from, or "dev";
and, when known, the commit it was built from. --version prints the same.`,
		Example: `  $ git ai-survival version
  git-ai-survival v0.1.0 (commit 1a2b3c4d5e6f)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IO.Out, "git-ai-survival %s\n", version())
			return err
		},
	}
}

// VersionString is the version as `git ai-survival version` prints it.
func VersionString() string { return version() }
