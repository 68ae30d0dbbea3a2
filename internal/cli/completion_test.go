package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

func TestCompletionCommandIsShown(t *testing.T) {
	ios, _, out, _ := Test()
	if code := Run(context.Background(), &Factory{IO: ios, Getenv: os.Getenv}, []string{"--help"}); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	if !strings.Contains(out.String(), "\n  completion  ") {
		t.Errorf("help does not list completion:\n%s", out)
	}
	ios, _, out, _ = Test()
	if code := Run(context.Background(), &Factory{IO: ios, Getenv: os.Getenv}, []string{"completion", "zsh"}); code != 0 {
		t.Fatalf("completion zsh: exit %d", code)
	}
	if !strings.Contains(out.String(), `requestComp="git-ai-survival __complete ${words[2,-1]}"`) || !strings.Contains(out.String(), "#compdef git-ai-survival") {
		t.Error("the zsh script does not ask the binary by name (needed under zsh's git completion)")
	}
	ios, _, _, errb := Test()
	if code := Run(context.Background(), &Factory{IO: ios, Getenv: os.Getenv}, []string{"completion", "tcsh"}); code != ExitError {
		t.Errorf("completion tcsh: exit %d, want 2 (%s)", code, errb)
	}
}

// TestGitBashCompletion completes `git ai-survival ...` through git's own
// bash completion, with the script `completion bash` prints.
func TestGitBashCompletion(t *testing.T) {
	gitComp := "/usr/share/bash-completion/completions/git"
	bash, err := exec.LookPath("bash")
	if _, serr := os.Stat(gitComp); serr != nil || err != nil {
		t.Skip("skipped: needs bash and git's bash completion at " + gitComp)
	}
	ios, _, script, _ := Test()
	if code := Run(context.Background(), &Factory{IO: ios, Getenv: os.Getenv}, []string{"completion", "bash"}); code != 0 {
		t.Fatal("completion bash failed")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "comp.bash"), script.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	driver := `source ` + gitComp + `
source "$1"
try() {
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
	__git_wrap__git_main
	printf '%s|' "${COMPREPLY[@]}"; echo
}
try git ai-survival rep
try git ai-survival st
try git -C . ai-survival bl
try git ai-survival report --format ""
try git ai-survival blame --for
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", driver, "bash", filepath.Join(dir, "comp.bash"))
	cmd.Env = append(os.Environ(), "PATH="+gittest.BinDir(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	want := "report |\nstatus |\nblame |\ntext |json |markdown |html |\n--format |\n"
	if out.String() != want {
		t.Errorf("completions:\n%s\nwant:\n%s\nstderr: %s", out.String(), want, errb.String())
	}
}
