package checkpoint_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// BenchmarkCheckpointPrePost: a Claude Code Edit on a 2,000-line file, Pre
// and Post, through the real binary (process start included), as the
// agent waits for it.
func BenchmarkCheckpointPrePost(b *testing.B) {
	r := gittest.New(b)
	var big strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&big, "\tline %d of a fairly ordinary source file = value(%d)\n", i, i*7)
	}
	r.Write("big.go", big.String())
	r.Commit("big")
	path := filepath.Join(r.Dir, "big.go")
	mk := func(event string) string {
		return `{"session_id":"s","transcript_path":"","cwd":"` + r.Dir + `","hook_event_name":"` + event + `","tool_name":"Edit","tool_input":{"file_path":"` + path + `","old_string":"x","new_string":"y"},"tool_use_id":"t"}`
	}
	pre, post := mk("PreToolUse"), mk("PostToolUse")
	bin := filepath.Join(gittest.BinDir(b), "git-ai-survival")
	run := func(in string) {
		cmd := exec.Command(bin, "checkpoint", "--agent", "claude-code")
		cmd.Dir, cmd.Env, cmd.Stdin = r.Dir, r.Env, strings.NewReader(in)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			b.Fatalf("%v %s", err, out)
		}
	}
	content := big.String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(pre)
		b.StopTimer()
		n := i % 1900
		content = strings.Replace(content, fmt.Sprintf("line %d of", n), fmt.Sprintf("line %d (edited %d) of", n, i), 1)
		os.WriteFile(path, []byte(content), 0o644)
		b.StartTimer()
		run(post)
	}
}

// BenchmarkPostCommitHook: the post-commit hook on a commit of 10 files in
// a 20,000-file repository, with no checkpoints and with pending
// checkpoints on 50 files (10 of them committed), and a plain `git commit`
// of 10 files for scale.
func BenchmarkPostCommitHook(b *testing.B) {
	r := gittest.New(b)
	for i := 0; i < 20000; i++ {
		p := filepath.Join(r.Dir, fmt.Sprintf("d%02d/f%05d.txt", i%100, i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(strings.Repeat(fmt.Sprintf("file %d line\n", i), 40)), 0o644)
	}
	r.Commit("20,000 files")
	r.MustTool("install")
	file := func(i int) string { return fmt.Sprintf("d%02d/f%05d.txt", i%100, i) }
	var paths []string
	for i := 0; i < 50; i++ {
		paths = append(paths, file(i))
	}
	r.MustTool(append([]string{"checkpoint", "--agent", "claude-code", "--before", "--"}, paths...)...)
	for _, p := range paths {
		f, _ := os.OpenFile(filepath.Join(r.Dir, p), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString("agent line 1\nagent line 2\n")
		f.Close()
	}
	r.MustTool(append([]string{"checkpoint", "--agent", "claude-code", "--after", "--"}, paths...)...)
	r.Git(append([]string{"add", "--"}, paths[:10]...)...)
	r.Git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "ten files")
	state := filepath.Join(r.Dir, ".git", "ai-survival", "checkpoints")
	saved := b.TempDir()
	exec.Command("cp", "-a", state+"/.", saved).Run()
	// The installed hook script, as git runs it (with the binary on PATH).
	hook := func() {
		r.Git("notes", "--ref=refs/notes/ai-survival", "remove", "--ignore-missing", "HEAD")
		cmd := exec.Command("sh", filepath.Join(".git", "hooks", "post-commit"))
		cmd.Dir, cmd.Env = r.Dir, append(r.Env, "GIT_DIR=.git")
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			b.Fatalf("%v %s", err, out)
		}
	}
	b.Run("pending=50", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			exec.Command("cp", "-a", saved+"/.", state).Run()
			b.StartTimer()
			hook()
		}
		b.StopTimer()
		if got := layoutTB(b, r, "HEAD"); !strings.Contains(got, "d00/f00000.txt:41-42:ai:claude-code") {
			b.Fatalf("note: %s", got)
		}
	})
	b.Run("pending=0", func(b *testing.B) {
		os.RemoveAll(filepath.Join(r.Dir, ".git", "ai-survival"))
		for i := 0; i < b.N; i++ {
			hook()
		}
	})
	b.Run("plain-git-commit-10-files", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for k := 0; k < 10; k++ {
				p := filepath.Join(r.Dir, file(100+k))
				f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
				fmt.Fprintf(f, "more %d\n", i)
				f.Close()
			}
			r.Git("add", "-u")
			b.StartTimer()
			r.Git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plain")
		}
	})
}
