package checkpoint_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// cursorPayload is an afterFileEdit payload as Cursor writes it.
func cursorPayload(t *testing.T, dir, path string, edits ...editSpec) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"conversation_id": "c6a1f3d2-5b4e-4f7a-8c9d-0e1f2a3b4c5d",
		"generation_id":   "g-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
		"hook_event_name": "afterFileEdit",
		"workspace_roots": []string{dir},
		"file_path":       filepath.Join(dir, path),
		"model":           "gpt-5",
		"edits":           edits,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCursorUnprovableEdits: when Cursor's edit cannot be undone exactly
// (its new_string occurs twice, or it only deletes), lines a person wrote
// before it are never credited to Cursor; they keep the commit's own
// evidence, and one warning says so. Lines the edit provably wrote stay
// Cursor's.
func TestCursorUnprovableEdits(t *testing.T) {
	t.Run("new_string twice", func(t *testing.T) {
		r := setup(t, "cursor")
		r.Write("web/m.js", "function sub(a, b) {\n  return a - a;\n}\n")
		r.Commit("Sub")
		// A person writes neg by hand; then Cursor fixes sub with the same
		// line neg has.
		personEdit(t, r, "web/m.js", "function sub", "function neg(a, b) {\n  return a - b;\n}\n\nfunction sub")
		e := editSpec{Old: "  return a - a;\n", New: "  return a - b;\n"}
		editFile(t, filepath.Join(r.Dir, "web/m.js"), []editSpec{e})
		errs := checkpoint(t, r, "cursor", cursorPayload(t, r.Dir, "web/m.js", e))
		if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "of web/m.js cannot be rebuilt exactly; 5 changed line(s) not in its edit are left to the commit's other evidence") {
			t.Errorf("stderr %q", errs)
		}
		if got, want := layout(t, r, r.Commit("Neg")), "web/m.js:1-4:human web/m.js:6:human"; got != want {
			t.Errorf("show: got %s, want %s", got, want)
		}
	})
	t.Run("delete only", func(t *testing.T) {
		r := setup(t, "cursor")
		r.Write("web/m.js", "function add(a, b) {\n  console.log(a);\n  return a + b;\n}\n")
		r.Commit("Add")
		personEdit(t, r, "web/m.js", "function add", "// Sums.\nfunction add")
		e := editSpec{Old: "  console.log(a);\n", New: ""}
		editFile(t, filepath.Join(r.Dir, "web/m.js"), []editSpec{e})
		if errs := checkpoint(t, r, "cursor", cursorPayload(t, r.Dir, "web/m.js", e)); !strings.Contains(errs, "1 changed line(s)") {
			t.Errorf("stderr %q", errs)
		}
		// The commit says Cursor co-wrote it: its evidence decides.
		head := r.Commit("Quiet\n\nCo-authored-by: Cursor <cursoragent@cursor.com>")
		s := showJSON(t, r, head)
		if got := layout(t, r, head); got != "web/m.js:1:ai:cursor" || s.Files[0].Ranges[0].Evidence != "trailer" {
			t.Errorf("show: got %s (%+v), want web/m.js:1:ai:cursor by trailer", got, s)
		}
	})
	t.Run("provable lines stay the agent's", func(t *testing.T) {
		r := setup(t, "cursor")
		r.Write("web/m.js", "function sub(a, b) {\n  return a - a;\n}\n")
		r.Commit("Sub")
		personEdit(t, r, "web/m.js", "function sub", "function neg(a, b) {\n  return a - b;\n}\n\nfunction sub")
		// The first edit's new_string occurs twice; the second's comment
		// line is only the agent's.
		edits := []editSpec{
			{Old: "  return a - a;\n", New: "  return a - b;\n"},
			{Old: "function sub(a, b) {\n", New: "// Difference.\nfunction sub(a, b) {\n"},
		}
		editFile(t, filepath.Join(r.Dir, "web/m.js"), edits)
		if errs := checkpoint(t, r, "cursor", cursorPayload(t, r.Dir, "web/m.js", edits...)); !strings.Contains(errs, "5 changed line(s)") {
			t.Errorf("stderr %q", errs)
		}
		head := r.Commit("Difference")
		if got, want := layout(t, r, head), "web/m.js:1-4:human web/m.js:5:ai:cursor web/m.js:7:human"; got != want {
			t.Errorf("show: got %s, want %s", got, want)
		}
		for _, rg := range showJSON(t, r, head).Files[0].Ranges {
			if rg.Origin == "human" && rg.Evidence == "checkpoint" {
				t.Errorf("lines %s: human by checkpoint, want the commit's own evidence", rg.Lines)
			}
		}
	})
}
