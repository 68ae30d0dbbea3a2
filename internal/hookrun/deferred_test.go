package hookrun

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

func TestIsMarkerAndDeferredArgs(t *testing.T) {
	for name, want := range map[string]bool{
		strings.Repeat("a", 40): true, strings.Repeat("b", 64): true, "rewrite-123": true,
		"rewrite-": false, "rewrite-12.pairs": false, "rewrite-x": false, "lock": false,
		strings.Repeat("a", 40) + ".warn": false, "backfill-owed": false,
	} {
		if got := isMarker(name); got != want {
			t.Errorf("isMarker(%q) = %v, want %v", name, got, want)
		}
	}
	target, parent, rest, ok := deferredArgs([]string{"--deferred", "rewrite-7", "--after", "42", "rebase"})
	if !ok || target != "rewrite-7" || parent != 42 || strings.Join(rest, " ") != "rebase" {
		t.Errorf("deferredArgs = %q %d %q %v", target, parent, rest, ok)
	}
	if _, parent, rest, ok := deferredArgs([]string{"amend"}); ok || parent != 0 || strings.Join(rest, " ") != "amend" {
		t.Errorf("without --deferred: %d %q %v", parent, rest, ok)
	}
}

// A deferred process starts its work once the git that ran its hook has
// exited, and never waits longer than ParentWait.
func TestStayOutOfTheWay(t *testing.T) {
	cmd := exec.Command("sleep", "0.4")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	go cmd.Wait() // reaped as git's parent would
	start := time.Now()
	stayOutOfTheWay(cmd.Process.Pid)
	if d := time.Since(start); d < 300*time.Millisecond || d > ParentWait {
		t.Errorf("waited %v for a process that ran 0.4 s", d)
	}
	start = time.Now()
	stayOutOfTheWay(0)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("waited %v with no process named", d)
	}
}

// Deferred work runs in the order the hooks ran: a process waits for the
// live markers made before its own, not for those made after.
func TestWaitEarlier(t *testing.T) {
	dir := t.TempDir()
	id := func(c string) string { return strings.Repeat(c, 40) }
	now := time.Now()
	mark := func(name string, at time.Time) {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
		os.Chtimes(filepath.Join(dir, name), at, at)
	}
	mark(id("a"), now.Add(-time.Second))
	mark("rewrite-10", now)
	mark(id("c"), now.Add(time.Second))
	go func() {
		time.Sleep(300 * time.Millisecond)
		os.Remove(filepath.Join(dir, id("a")))
	}()
	start := time.Now()
	waitEarlier(context.Background(), dir, "rewrite-10")
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("returned after %v, before the earlier process ended", d)
	}
	// The later marker (c) is not waited for.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start = time.Now()
	waitEarlier(ctx, dir, "rewrite-10")
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %v for a later marker", d)
	}
	// ... but c waits for the rewrite made before it.
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	waitEarlier(ctx, dir, id("c"))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("c returned after %v with an earlier rewrite at work", d)
	}
}
