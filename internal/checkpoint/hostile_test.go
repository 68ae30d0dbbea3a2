//go:build unix

package checkpoint_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	checkpointpkg "github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
)

// Untracked symbolic links to /etc/passwd and /dev/zero and a FIFO in the
// work tree: a checkpoint neither copies nor reads them, and never blocks.
func TestCheckpointsIgnoreLinksFIFOsAndDevices(t *testing.T) {
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Skip("no /etc/passwd")
	}
	r := setup(t, "claude-code")
	for name, target := range map[string]string{"passwd": "/etc/passwd", "zero": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(r.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(r.Dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// An agent's shell command looks at the whole working tree.
	quiet(t, r, "claude-code", payload(t, r, "claude/pre-bash.json"))
	quiet(t, r, "claude-code", payload(t, r, "claude/post-bash.json"))
	for _, name := range []string{"passwd", "zero", "fifo"} {
		// Named explicitly, a warning at most.
		checkpoint(t, r, "aider", "", "--before", "--", name)
		checkpoint(t, r, "aider", "", "--after", "--", name)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("checkpoints took %v", d)
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	first := strings.SplitN(string(passwd), "\n", 2)[0]
	var total int64
	_ = filepath.WalkDir(filepath.Join(r.Dir, ".git", "ai-survival"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, _ := os.ReadFile(p)
		total += int64(len(b))
		if first != "" && strings.Contains(string(b), first) {
			t.Errorf("%s holds a copy of /etc/passwd", p)
		}
		return nil
	})
	if total > 1<<20 {
		t.Errorf("checkpoint store holds %d bytes", total)
	}
	if p := pendingFiles(t, r); len(p) != 0 {
		t.Errorf("pending: %v", p)
	}
}

// An agent's lines in a file whose name is not valid UTF-8 stay the
// agent's: the checkpoint state and the note keep the name's bytes.
func TestAgentLinesInANonUTF8FileName(t *testing.T) {
	r := setup(t)
	name := "caf\xe9.txt" // Latin-1
	if err := os.WriteFile(filepath.Join(r.Dir, name), []byte("mine\n"), 0o644); err != nil {
		t.Skipf("the file system refuses the name: %v", err)
	}
	r.Commit("A person's file")
	quiet(t, r, "aider", "", "--before", "--", name)
	if err := os.WriteFile(filepath.Join(r.Dir, name), []byte("mine\nagent one\nagent two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	quiet(t, r, "aider", "", "--after", "--", name)
	_, errs, err := r.Run("", "git", "commit", "-q", "-a", "-m", "Agent lines")
	if err != nil {
		t.Fatal(err, errs)
	}
	if errs != "" {
		t.Errorf("commit warned: %q", errs)
	}
	if got, want := layout(t, r, "HEAD"), "caf\ufffd.txt:2-3:ai:aider"; got != want {
		t.Errorf("show: got %q, want %q", got, want)
	}
	if s := r.MustTool("show", "HEAD", "--format", "json"); !strings.Contains(s, `"raw_path": "Y2Fm6S50eHQ="`) {
		t.Errorf("show --format json has no raw_path:\n%s", s)
	}
	note := r.Git("notes", "--ref=refs/notes/ai-survival", "show", "HEAD")
	if !strings.Contains(note, `"raw_file":"Y2Fm6S50eHQ="`) {
		t.Errorf("the note does not keep the name's bytes:\n%s", note)
	}
}

// A FIFO given as the transcript is refused at once, not waited on.
func TestTranscriptFIFODoesNotBlock(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "transcript.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() { done <- checkpointpkg.ModelFromTranscript(fifo) }()
	select {
	case m := <-done:
		if m != "" {
			t.Errorf("model %q from a FIFO", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ModelFromTranscript blocked on a FIFO")
	}
}
