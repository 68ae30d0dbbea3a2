// Package gittest makes throw-away git repositories for tests: an isolated
// HOME with its own .gitconfig, no system config, fixed dates so commit ids
// are stable, and the real git-ai-survival binary built once and put first
// on PATH so installed hooks run it.
package gittest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

// Repo is a temporary repository driven by the real git binary.
type Repo struct {
	T    testing.TB
	Dir  string
	Home string
	// Env is the environment every command gets (isolated HOME, PATH with
	// the binary first, fixed identity).
	Env  []string
	tick int
}

// Epoch is the author and committer date of the first commit; each later
// commit made through Repo is one hour later.
const Epoch = 1767225600 // 2026-01-01T00:00:00Z

// New makes an empty repository on branch main.
func New(t testing.TB) *Repo {
	t.Helper()
	root := t.TempDir()
	r := NewAt(t, filepath.Join(root, "repo"), filepath.Join(root, "home"))
	r.Git("init", "-q", "-b", "main", r.Dir)
	return r
}

// NewAt prepares the environment for a repository at dir (not created)
// with home as HOME; use it for clones and bare remotes.
func NewAt(t testing.TB, dir, home string) *Repo {
	t.Helper()
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[user]\n\tname = Test Person\n\temail = person@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n[core]\n\tautocrlf = false\n"
	if _, err := os.Stat(filepath.Join(home, ".gitconfig")); err != nil {
		if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &Repo{T: t, Dir: dir, Home: home}
	r.Env = Environ(home, BinDir(t))
	return r
}

// Environ is a clean environment for git with HOME at home and binDir
// (if not empty) first on PATH.
func Environ(home, binDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	path := os.Getenv("PATH")
	if binDir != "" {
		path = binDir + string(os.PathListSeparator) + path
	}
	// The hooks' time budgets (two seconds for a commit's note) stretched
	// tenfold (capture.TimeScaleEnv): tests run many git processes at once,
	// and a loaded machine must not turn a budget into a failed assertion.
	// Tests of the budget itself set their own. The post-commit hook runs
	// in the foreground (GIT_AI_SURVIVAL_HOOK_SYNC), so that a test may read
	// a commit's note with git at once; tests of the background hook drop it.
	env = append(env, "HOME="+home, "PATH="+path, "GIT_CONFIG_NOSYSTEM=1",
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_TERMINAL_PROMPT=0",
		"GIT_AI_SURVIVAL_HOOK_TIME_SCALE=10", "GIT_AI_SURVIVAL_HOOK_SYNC=1")
	// Git's housekeeping, which changes no figure a test checks: no
	// `git maintenance run --auto` after each commit, merge and fetch, no
	// `git gc --auto` after each push received, no `git unpack-objects`
	// after each fast-import of a note (its small pack is kept as it is).
	// Each is a process started, and the tests start thousands.
	quiet := [][2]string{{"maintenance.auto", "false"}, {"gc.auto", "0"}, {"receive.autogc", "false"}, {"fastimport.unpackLimit", "1"}}
	env = append(env, fmt.Sprintf("GIT_CONFIG_COUNT=%d", len(quiet)))
	for i, kv := range quiet {
		env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return env
}

func (r *Repo) dates() []string {
	d := fmt.Sprintf("@%d +0000", Epoch+3600*r.tick)
	return []string{"GIT_AUTHOR_DATE=" + d, "GIT_COMMITTER_DATE=" + d}
}

// Run runs a command in the repository and returns stdout and any error.
func (r *Repo) Run(stdin string, name string, args ...string) (string, string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = r.Dir
	if _, err := os.Stat(r.Dir); err != nil {
		cmd.Dir = filepath.Dir(r.Dir)
	}
	cmd.Env = append(append([]string{}, r.Env...), r.dates()...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// Open opens r for the packages under test, with r's environment.
func (r *Repo) Open(t testing.TB) *gitx.Repo {
	t.Helper()
	repo, err := gitx.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Env = r.Env
	return repo
}

// Git runs git and fails the test if it fails; it returns stdout.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	out, errs, err := r.Run("", "git", args...)
	if err != nil {
		r.T.Fatalf("git %s: %v\n%s%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

// Write writes a file (creating directories) relative to the work tree.
func (r *Repo) Write(path, content string) {
	r.T.Helper()
	full := filepath.Join(r.Dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.T.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.T.Fatal(err)
	}
}

// Commit stages everything and commits with msg (hooks run); it returns
// the new HEAD. Each call is one hour after the previous one.
func (r *Repo) Commit(msg string, extra ...string) string {
	r.T.Helper()
	r.Git("add", "-A")
	r.Git(append([]string{"commit", "-q", "--allow-empty", "-m", msg}, extra...)...)
	r.tick++
	return r.Head()
}

// Tick moves the clock one hour on (for commits made with Git directly).
func (r *Repo) Tick() { r.tick++ }

// Head is the full id of HEAD.
func (r *Repo) Head() string {
	r.T.Helper()
	if id := r.headFromFiles(); id != "" {
		return id
	}
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// headFromFiles reads HEAD of an ordinary repository (a .git directory,
// files backend) from its files, sparing a git process per commit; it
// returns "" for anything else, and Head asks git.
func (r *Repo) headFromFiles() string {
	gitDir := filepath.Join(r.Dir, ".git")
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if !ok {
		return objectID(strings.TrimSpace(string(head)))
	}
	if !strings.HasPrefix(ref, "refs/heads/") {
		return ""
	}
	if b, err := os.ReadFile(filepath.Join(gitDir, filepath.FromSlash(ref))); err == nil {
		return objectID(strings.TrimSpace(string(b)))
	}
	return "" // packed or unborn: git knows
}

// objectID returns s if it is a full hexadecimal object id, else "".
func objectID(s string) string {
	if len(s) != 40 && len(s) != 64 {
		return ""
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return s
}

// Tool runs git-ai-survival and returns stdout, stderr and the exit code.
func (r *Repo) Tool(stdin string, args ...string) (string, string, int) {
	r.T.Helper()
	out, errs, err := r.Run(stdin, filepath.Join(BinDir(r.T), "git-ai-survival"), args...)
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			r.T.Fatalf("git-ai-survival %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return out, errs, code
}

// MustTool runs git-ai-survival and fails the test unless it exits 0.
func (r *Repo) MustTool(args ...string) string {
	r.T.Helper()
	out, errs, code := r.Tool("", args...)
	if code != 0 {
		r.T.Fatalf("git-ai-survival %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// BinEnv names an environment variable that may hold a directory with a
// git-ai-survival binary already built (make test sets it, so that each
// test package does not link its own); it is used as it is and never
// removed.
const BinEnv = "GIT_AI_SURVIVAL_TEST_BIN"

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
	// built is true when binDir was made by this process, which then owns
	// its removal.
	built bool
)

// BinDir builds the git-ai-survival binary once per test process and
// returns the directory holding it. A test package that uses it removes
// that directory with Main.
func BinDir(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if d := os.Getenv(BinEnv); d != "" {
			if _, err := os.Stat(filepath.Join(d, "git-ai-survival")); err == nil {
				binDir = d
				return
			}
		}
		binDir, buildErr = build()
		built = buildErr == nil
	})
	if buildErr != nil {
		t.Fatalf("building git-ai-survival: %v", buildErr)
	}
	return binDir
}

// Main runs the tests of a package and then removes the binary BinDir
// built, if any; call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	Cleanup()
	return code
}

// Cleanup removes the binary that BinDir built in this process (not one
// given through BinEnv) and the directories TempDir made.
func Cleanup() {
	if built && binDir != "" {
		os.RemoveAll(binDir)
	}
	tempMu.Lock()
	defer tempMu.Unlock()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	tempDirs = nil
}

var (
	tempMu   sync.Mutex
	tempDirs []string
)

// TempDir makes a directory that lives as long as the test process, for a
// fixture built once and shared by several tests; Main removes it.
func TempDir() (string, error) {
	d, err := os.MkdirTemp("", "git-ai-survival-fixture-")
	if err != nil {
		return "", err
	}
	tempMu.Lock()
	tempDirs = append(tempDirs, d)
	tempMu.Unlock()
	return d, nil
}

func build() (string, error) {
	dir, err := os.MkdirTemp("", "git-ai-survival-bin-")
	if err != nil {
		return "", err
	}
	root, err := moduleRoot()
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "git-ai-survival"), "./cmd/git-ai-survival")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%v\n%s", err, out)
	}
	return dir, nil
}

func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the module root")
	}
	return filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
}
