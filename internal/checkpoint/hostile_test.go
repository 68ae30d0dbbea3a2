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
