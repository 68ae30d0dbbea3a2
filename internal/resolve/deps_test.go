package resolve_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The reading side resolves provenance here and reads added lines from
// package added: it must not depend on the writing side (capture).
func TestReadingSideDoesNotImportCapture(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for _, pkg := range []string{"measure", "rewrite", "restore", "walk"} {
		cmd := exec.Command("go", "list", "-deps", "../"+pkg)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasSuffix(dep, "/internal/capture") {
				t.Errorf("internal/%s depends on %s", pkg, dep)
			}
		}
	}
}
