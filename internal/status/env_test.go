package status

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOnPath(t *testing.T) {
	dir, plain, other := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tool"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plain, "tool"), []byte("not executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(other, "tool"), 0o755); err != nil {
		t.Fatal(err)
	}
	sep := string(filepath.ListSeparator)
	for _, c := range []struct {
		path string
		want bool
	}{
		{other + sep + dir, true},
		{plain + sep + other, false},
		{"", false},
		{"~/bin" + sep + plain, false},
	} {
		if got := OnPath(c.path, "tool"); got != c.want {
			t.Errorf("OnPath(%q) = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestConfigFile(t *testing.T) {
	top := t.TempDir()
	if p, found := ConfigFile(top, ""); p != filepath.Join(top, ".ai-survival.yaml") || found {
		t.Errorf("no file: %q %v", p, found)
	}
	if err := os.WriteFile(filepath.Join(top, ".ai-survival.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, found := ConfigFile(top, ""); p != filepath.Join(top, ".ai-survival.yaml") || !found {
		t.Errorf("the repository's file: %q %v", p, found)
	}
	if p, found := ConfigFile(top, "/nonexistent/x.yaml"); p != "/nonexistent/x.yaml" || found {
		t.Errorf("--config missing: %q %v", p, found)
	}
	if p, found := ConfigFile("", ""); p != "" || found {
		t.Errorf("bare repository: %q %v", p, found)
	}
}
