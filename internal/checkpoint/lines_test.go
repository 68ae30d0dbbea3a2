package checkpoint

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestRetag(t *testing.T) {
	t.Parallel()
	tags := retag(nil, nil, []byte("a\nb\nc"), 0)
	if fmt.Sprint(tags) != "[0 0 0]" {
		t.Fatalf("new file: %v", tags)
	}
	// A person changes b and appends d; the agent's a and c keep their tag.
	tags = retag([]byte("a\nb\nc"), tags, []byte("a\nB\nc\nd\n"), noAgent)
	if fmt.Sprint(tags) != "[0 -1 -1 -1]" { // "c" became "c\n": a changed line
		t.Fatalf("edit: %v", tags)
	}
	tags = retag([]byte("a\nB\nc\nd\n"), tags, []byte("x\na\nB\nc\nd\n"), 1)
	if fmt.Sprint(tags) != "[1 0 -1 -1 -1]" {
		t.Fatalf("insert: %v", tags)
	}
	if got := retag([]byte("same\n"), []int32{2}, []byte("same\n"), 0); fmt.Sprint(got) != "[2]" {
		t.Fatalf("unchanged: %v", got)
	}
}

func TestRunsRoundTrip(t *testing.T) {
	t.Parallel()
	tags := []int32{-1, -1, 0, 0, 1, -2}
	back, ok := unruns(runs(tags), len(tags), 2)
	if !ok || fmt.Sprint(back) != fmt.Sprint(tags) {
		t.Fatalf("%v %v", back, ok)
	}
	for _, bad := range [][][2]int32{{{7, 0}}, {{6, 2}}, {{6, -3}}, {{5, 0}}, {{-1, 0}, {7, 0}}} {
		if _, ok := unruns(bad, 6, 2); ok {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestReverse(t *testing.T) {
	t.Parallel()
	cur := []byte("a\nNEW\nb\nNEW2\n")
	got, ok := reverse(cur, []edit{{Old: "old\n", New: "NEW\n"}, {Old: "", New: "NEW2\n"}})
	if !ok || string(got) != "a\nold\nb\n" {
		t.Errorf("%q %v", got, ok)
	}
	if _, ok := reverse([]byte("x x"), []edit{{Old: "y", New: "x"}}); ok {
		t.Error("ambiguous edit reversed")
	}
	if got, ok := reverse([]byte("x x"), []edit{{Old: "y", New: "x", ReplaceAll: true}}); !ok || string(got) != "y y" {
		t.Error("replace_all")
	}
	if _, ok := reverse([]byte("abc"), []edit{{Old: "gone", New: ""}}); ok {
		t.Error("deletion reversed")
	}
}

func TestSlide(t *testing.T) {
	t.Parallel()
	// The agent inserted "}\n\nfunc B() {\n}\n" after "func A() {\n}\n";
	// the checkpoint's diff may take the first "}" as the agent's while
	// git calls the last one added.
	content := "func A() {\n}\n\nfunc B() {\n}\n"
	tags := []int32{-1, 0, 0, 0, -1}
	slide(tags, splitLines([]byte(content)), provenance.NewLineSet(provenance.Range{Start: 3, End: 5}))
	if fmt.Sprint(tags) != "[-1 -1 0 0 0]" {
		t.Errorf("slide: %v", tags)
	}
}

func TestModelFromTranscript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if m := ModelFromTranscript(dir + "/missing.jsonl"); m != "" {
		t.Error(m)
	}
	if m := ModelFromTranscript(dir); m != "" {
		t.Error("a directory:", m)
	}
	var b strings.Builder
	b.WriteString(`{"type":"assistant","message":{"role":"assistant","model":"claude-opus-4-1"}}` + "\n")
	b.WriteString(`{"type":"assistant","message":{"role":"assistant","model":"<synthetic>"}}` + "\n")
	b.WriteString(`{"type":"user","message":{"role":"user","content":"the \"model\" is"}}` + "\n")
	b.WriteString(`{"type":"assistant","message":{"model":` + "\n") // cut
	path := dir + "/t.jsonl"
	writeFile(t, path, b.String())
	if m := ModelFromTranscript(path); m != "claude-opus-4-1" {
		t.Errorf("model %q", m)
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	s := newStore(t.TempDir())
	st := &fileState{Path: "a/b.go", content: []byte("x\ny\n\xff\x00?"), tags: []int32{0, -1, 1}}
	st.author(Author{Agent: "claude-code", Session: "s"})
	st.author(Author{Agent: "cursor"})
	if err := s.save(st); err != nil {
		t.Fatal(err)
	}
	back, err := s.load("a/b.go")
	if err != nil || back == nil || string(back.content) != string(st.content) || fmt.Sprint(back.tags) != "[0 -1 1]" || len(back.Authors) != 2 {
		t.Fatalf("%+v %v", back, err)
	}
	// A damaged state is dropped with a warning, never misread.
	writeFile(t, s.file("a/b.go"), `{"v":1,"path":"a/b.go","size":99}`+"\nshort")
	if back, err := s.load("a/b.go"); back != nil || err == nil {
		t.Errorf("damaged state read: %+v %v", back, err)
	}
	if s.has("a/b.go") {
		t.Error("damaged state kept")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
