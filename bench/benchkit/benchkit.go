// Package benchkit holds what the benchmark programs share: an isolated
// environment for the git they drive, the median of timings, progress
// lines and the exit codes.
package benchkit

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const gitconfig = `[user]
	name = Bench Person
	email = bench@example.com
[init]
	defaultBranch = main
[core]
	autocrlf = false
[commit]
	gpgsign = false
[gc]
	auto = 0
[maintenance]
	auto = false
[advice]
	detachedHead = false
`

// Environ is a clean environment for git: an isolated HOME with a fixed
// identity and no automatic gc, no system config, no GIT_* variables from
// the caller (make bench may itself run inside a hook), the C locale, and
// binDir first on PATH.
func Environ(home, binDir string) ([]string, error) {
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "LC_") || k == "LANG" ||
			k == "HOME" || k == "XDG_CONFIG_HOME" || k == "XDG_CACHE_HOME" || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	), nil
}

// Median of the timings (the mean of the middle two for an even count);
// 0 for none.
func Median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	switch n := len(s); {
	case n == 0:
		return 0
	case n%2 == 1:
		return s[n/2]
	default:
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// Each returns f of every element of xs, in order (the wall times of a
// list of runs, say).
func Each[T any](xs []T, f func(T) time.Duration) []time.Duration {
	d := make([]time.Duration, 0, len(xs))
	for _, x := range xs {
		d = append(d, f(x))
	}
	return d
}

// WorkDir makes a fresh absolute directory named after prefix under
// root for a benchmark's repositories. Its remove function deletes it,
// unless keep is set: then it reports where the directory is through
// progress and leaves it.
func WorkDir(root, prefix string, keep bool, progress func(string, ...any)) (dir string, remove func(), err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", nil, err
	}
	if dir, err = os.MkdirTemp(root, prefix); err != nil {
		return "", nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", nil, err
	}
	if keep {
		progress("work directory kept: %s", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// Progress returns the progress printer of the benchmark program called
// name: one line on stderr, prefixed with the name.
func Progress(name string) func(format string, args ...any) {
	return func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, name+": "+format+"\n", args...)
	}
}

// Exit ends the benchmark program called name: with 2 when its flags were
// bad (argsOK false), else with 1 when run fails, else 0.
func Exit(name string, argsOK bool, run func() error) {
	if !argsOK {
		fmt.Fprintf(os.Stderr, "%s: bad arguments (see -help)\n", name)
		os.Exit(2)
	}
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}
