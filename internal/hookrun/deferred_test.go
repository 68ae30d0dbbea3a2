package hookrun

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/fsx"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
)

func TestWaitDeferred(t *testing.T) {
	common := t.TempDir()
	dir := filepath.Join(common, DeferredDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	repo := &gitx.Repo{CommonDir: common}
	id := func(c string) string { return strings.Repeat(c, 40) }
	old := time.Now().Add(-deferredGrace() - time.Second)

	// A marker past its grace whose process is gone is dropped at once.
	dead := filepath.Join(dir, id("a"))
	os.WriteFile(dead, nil, 0o644)
	os.Chtimes(dead, old, old)
	os.WriteFile(filepath.Join(dir, id("a")+".warn"), []byte("git-ai-survival: one\ngit-ai-survival: two\n"), 0o644)
	var got []string
	warnf := func(f string, a ...any) { got = append(got, fmt.Sprintf(f, a...)) }
	start := time.Now()
	WaitDeferred(context.Background(), repo, warnf)
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %v for a dead process", d)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Errorf("dead marker kept")
	}
	if want := []string{"git-ai-survival: one", "git-ai-survival: two"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("warnings = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, id("a")+".warn")); err == nil {
		t.Errorf("warnings printed twice: file kept")
	}

	// A live process (its marker locked) is waited for until it ends.
	live := filepath.Join(dir, id("b"))
	release, err := fsx.Lock(context.Background(), live)
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(live, old, old)
	go func() {
		time.Sleep(300 * time.Millisecond)
		os.Remove(live)
		release()
	}()
	start = time.Now()
	WaitDeferred(context.Background(), repo, warnf)
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("returned after %v, before the live process ended", d)
	}

	// A marker younger than its grace is waited for, at most until ctx ends.
	young := filepath.Join(dir, id("c"))
	os.WriteFile(young, nil, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	WaitDeferred(ctx, repo, warnf)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("returned after %v with a process starting", d)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("young marker removed: %v", err)
	}
}
