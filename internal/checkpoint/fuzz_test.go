package checkpoint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seed adds every fixture under testdata/checkpoint/<dirs> to f's corpus.
func seed(f *testing.F, dirs ...string) {
	f.Helper()
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "checkpoint", d, "*.json"))
		if len(files) == 0 {
			f.Fatalf("no fixtures in %s", d)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(strings.ReplaceAll(string(b), "{{REPO}}", "/tmp/repo"), "package x\n")
		}
	}
	f.Add("", "")
	f.Add("{}", "")
	f.Add(`{"hook_event_name":"AfterTool","tool_name":"replace","tool_input":{"file_path":"a","old_string":"","new_string":""}}`, "a\n")
}

// checkEvent: a payload either fails with a message, or gives an event
// with a phase, an agent, and something to look at; its Base never panics.
func checkEvent(t *testing.T, parse func([]byte) (Event, error), payload, cur string) {
	ev, err := parse([]byte(payload))
	if err != nil {
		if err.Error() == "" {
			t.Fatal("an error without a message")
		}
		return
	}
	if ev.Phase != Before && ev.Phase != After {
		t.Fatalf("phase %d", ev.Phase)
	}
	if ev.Author.Agent == "" {
		t.Fatal("no agent")
	}
	if !ev.Command && len(ev.Paths) == 0 {
		t.Fatal("neither a command nor paths")
	}
	for _, p := range ev.Paths {
		if p == "" {
			t.Fatal("an empty path")
		}
	}
	if ev.Base != nil {
		base, ok := ev.Base("f", []byte(cur))
		if !ok && base != nil {
			t.Fatal("a base that cannot tell returned content")
		}
	}
}

func FuzzClaudeEvent(f *testing.F) {
	seed(f, "claude", "bad")
	f.Fuzz(func(t *testing.T, payload, cur string) { checkEvent(t, ClaudeEvent, payload, cur) })
}

func FuzzCursorEvent(f *testing.F) {
	seed(f, "cursor")
	f.Fuzz(func(t *testing.T, payload, cur string) { checkEvent(t, CursorEvent, payload, cur) })
}

func FuzzGeminiEvent(f *testing.F) {
	seed(f, "gemini")
	f.Fuzz(func(t *testing.T, payload, cur string) { checkEvent(t, GeminiEvent, payload, cur) })
}

func FuzzCodexEvent(f *testing.F) {
	seed(f, "codex")
	f.Fuzz(func(t *testing.T, payload, cur string) { checkEvent(t, CodexEvent, payload, cur) })
}

// FuzzPatchPaths: every path listed is named by an Add File, Update File
// or Move to line of the patch, once.
func FuzzPatchPaths(f *testing.F) {
	f.Add("*** Begin Patch\n*** Update File: a.go\n@@\n-x\n+y\n*** Move to: b.go\n*** Add File: c.go\n+z\n*** Delete File: d.go\n*** End Patch\n")
	f.Add("*** Begin Patch\n*** Update File: a.go\n*** Update File: a.go\n*** Move to: a.go\n*** End Patch")
	f.Add("")
	f.Fuzz(func(t *testing.T, patch string) {
		paths, err := PatchPaths(patch)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range paths {
			if p == "" || seen[p] {
				t.Fatalf("paths %q", paths)
			}
			seen[p] = true
			found := false
			for _, l := range strings.Split(strings.ReplaceAll(patch, "\r\n", "\n"), "\n") {
				for _, prefix := range []string{"*** Add File: ", "*** Update File: ", "*** Move to: "} {
					if rest, ok := strings.CutPrefix(l, prefix); ok && strings.TrimSpace(rest) == filepath.ToSlash(p) {
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("%q is named by no header of %q", p, patch)
			}
		}
	})
}

func TestPatchPaths(t *testing.T) {
	for patch, want := range map[string]string{
		"*** Begin Patch\n*** Update File: a.go\n@@\n-x\n+y\n*** Move to: b.go\n*** Add File: c.go\n+z\n*** Delete File: d.go\n*** End Patch\n": "b.go c.go",
		"*** Begin Patch\r\n*** Add File: src/x.ts\r\n+1\r\n*** End Patch":                                                                      "src/x.ts",
		"*** Begin Patch\n*** Delete File: d.go\n*** End Patch":                                                                                 "",
	} {
		got, err := PatchPaths(patch)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("%q: got %q %v, want %q", patch, got, err, want)
		}
	}
	if _, err := PatchPaths("diff --git a/x b/x\n"); err == nil {
		t.Error("a git diff taken for a Codex patch")
	}
}
