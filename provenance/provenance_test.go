package provenance

import (
	"encoding/json"
	"strings"
	"testing"
)

const c1 = "1111111111111111111111111111111111111111"
const c2 = "2222222222222222222222222222222222222222"

func TestLineSet(t *testing.T) {
	tests := []struct {
		add  []Range
		want string
		n    int
	}{
		{nil, "", 0},
		{[]Range{{1, 3}, {4, 6}}, "1-6", 6},
		{[]Range{{10, 12}, {1, 2}, {3, 3}}, "1-3,10-12", 6},
		{[]Range{{5, 9}, {6, 7}, {20, 20}}, "5-9,20", 6},
		{[]Range{{3, 1}, {0, 2}}, "", 0},
	}
	for _, tt := range tests {
		s := NewLineSet(tt.add...)
		if s.String() != tt.want || s.Len() != tt.n {
			t.Errorf("NewLineSet(%v) = %q (%d lines), want %q (%d)", tt.add, s, s.Len(), tt.want, tt.n)
		}
		back, err := ParseLineSet(s.String())
		if err != nil || back.String() != tt.want {
			t.Errorf("round trip of %q = %q, %v", tt.want, back, err)
		}
	}
	a := NewLineSet(Range{1, 10}, Range{20, 30})
	b := NewLineSet(Range{5, 22}, Range{30, 40})
	if got := a.Intersect(b).String(); got != "5-10,20-22,30" {
		t.Errorf("Intersect = %q", got)
	}
	if got := a.Subtract(b).String(); got != "1-4,23-29" {
		t.Errorf("Subtract = %q", got)
	}
	if !a.Contains(20) || a.Contains(15) || a.Contains(31) {
		t.Errorf("Contains wrong on %q", a)
	}
	for _, bad := range []string{"0", "a-3", "5-2", "1,,2", "-3"} {
		if _, err := ParseLineSet(bad); err == nil {
			t.Errorf("ParseLineSet(%q) accepted", bad)
		}
	}
}

func TestNoteRoundTripAndMerge(t *testing.T) {
	ai := Attribution{Origin: AI, Agent: "claude-code", Model: "claude-opus-4", Evidence: EvidenceTrailer}
	b := NewBuilder(c1, ai)
	b.Add("dir/a file\n.go", 1, 10, ai)
	b.Add("ü.go", 3, 3, HumanAttribution())
	data := b.Note().Bytes()
	if strings.Count(string(data), "\n") != 3 {
		t.Fatalf("want 3 records, got:\n%s", data)
	}
	n, warn, err := Parse(data)
	if err != nil || len(warn) > 0 {
		t.Fatalf("Parse: %v %v", err, warn)
	}
	if got := n.Bytes(); string(got) != string(data) {
		t.Errorf("round trip changed the note:\n%s\nvs\n%s", got, data)
	}
	// cat_sort_uniq of a note with itself is the note.
	doubled := strings.Split(strings.TrimSpace(string(data)+string(data)), "\n")
	n2, _, err := Parse([]byte(strings.Join(doubled, "\n")))
	if err != nil || string(n2.Bytes()) != string(data) {
		t.Errorf("merged note differs: %v\n%s", err, n2.Bytes())
	}
	c := n.Resolve(c1)
	if got := c.At("dir/a file\n.go", 5); got != ai {
		t.Errorf("At(5) = %+v", got)
	}
	if got := c.At("ü.go", 3).Origin; got != Human {
		t.Errorf("ü.go:3 = %s", got)
	}
	if got := c.At("other.go", 1); got != ai {
		t.Errorf("uncovered line should take the commit record, got %+v", got)
	}
}

func TestResolvePrecedence(t *testing.T) {
	note := "" +
		`{"v":1,"commit":"` + c1 + `","file":"a.go","lines":"1-10","origin":"human","evidence":"default"}` + "\n" +
		`{"v":1,"commit":"` + c1 + `","file":"a.go","lines":"4-6","origin":"ai","agent":"cursor","evidence":"checkpoint"}` + "\n" +
		`{"v":1,"commit":"` + c2 + `","file":"a.go","lines":"1-10","origin":"ai","agent":"aider","evidence":"manual"}` + "\n"
	n, _, err := Parse([]byte(note))
	if err != nil {
		t.Fatal(err)
	}
	c := n.Resolve(c1)
	want := []string{"human", "human", "human", "ai", "ai", "ai", "human", "human", "human", "human"}
	for i, w := range want {
		if got := string(c.At("a.go", i+1).Origin); got != w {
			t.Errorf("line %d = %s, want %s", i+1, got, w)
		}
	}
	if c.HasDefault {
		t.Error("no commit record, HasDefault should be false")
	}
	if got := n.Commits(); len(got) != 2 {
		t.Errorf("Commits = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"":              "empty",
		"hello world\n": "not a git-ai-survival record",
		`{"v":1}`:       "no valid commit id",
		`{"v":1,"commit":"` + c1 + `","origin":"robot"}`:                     "not ai or human",
		`{"v":1,"commit":"` + c1 + `","file":"a","origin":"ai"}`:             "has no lines",
		`{"v":1,"commit":"` + c1 + `","lines":"1","origin":"ai"}`:            "lines but no file",
		`{"v":1,"commit":"` + c1 + `","file":"a","lines":"x","origin":"ai"}`: "not a line number",
		`{"commit":"` + c1 + `","origin":"ai"}`:                              "no schema version",
		`{"v":1,"commit":"` + c1 + `","origin":"ai"} trailing`:               "text after",
		`{"v":1,"commit":"` + c1 + `","origin":"ai"` + "\n":                  "invalid record",
	}
	for in, want := range tests {
		_, _, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", in, err, want)
		}
	}
	_, warn, err := Parse([]byte(`{"v":2,"commit":"` + c1 + `","origin":"ai","new":1}` + "\n" + `{"v":1,"commit":"` + c1 + `","origin":"ai"}`))
	if err != nil || len(warn) != 1 || !strings.Contains(warn[0], "newer") {
		t.Errorf("newer record: err=%v warnings=%v", err, warn)
	}
}

func TestAgentsJSON(t *testing.T) {
	a := Attribution{Origin: AI, Agent: "aider", Agents: MakeAgents("aider", "claude-code", "aider", "", "co,dex", "bad\x1b[31m")}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"origin":"ai","agent":"aider","agents":["aider","claude-code","codex"]}`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back Attribution
	if err := json.Unmarshal(b, &back); err != nil || back != a {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, a)
	}
	if err := json.Unmarshal([]byte(`{"origin":"ai","agents":"x"}`), &back); err == nil {
		t.Error("agents as a string accepted")
	}
	if b, _ := json.Marshal(Attribution{Origin: Human}); string(b) != `{"origin":"human"}` {
		t.Errorf("empty agents written: %s", b)
	}
}

func TestAbbreviateAndShortID(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{{"short", 10, "short"}, {"exactly", 7, "exactly"}, {"abcdef", 3, "abc…"}, {"hé", 2, "h…"}, {"ééé", 3, "é…"}} {
		if got := Abbreviate(tc.s, tc.n); got != tc.want {
			t.Errorf("Abbreviate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
	if got := ShortID("0123456789abcdef0123"); got != "0123456789ab" {
		t.Errorf("ShortID = %q", got)
	}
	if got := ShortID("abc"); got != "abc" {
		t.Errorf("ShortID(abc) = %q", got)
	}
}
