package walkcache

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// decodeFrame reads every event of a frame into evs' storage.
func decodeFrame(data []byte, evs []event) ([]event, error) {
	var r frameReader
	if err := r.reset(data); err != nil {
		return nil, err
	}
	evs = evs[:0]
	for r.more() {
		evs = append(evs, event{})
		if err := r.next(&evs[len(evs)-1]); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// codecFields lists the fields of every type the frame codec writes field
// by field (exported fields: the others were never saved), as the codec
// knows them.
var codecFields = map[reflect.Type][]string{
	reflect.TypeFor[event](): {
		"K uint8 uint8", "Commit *linemap.Commit ptr", "Birth *linemap.Birth ptr", "Death linemap.Death struct",
		"B int int", "C int int", "P int int", "NewPath string string"},
	reflect.TypeFor[linemap.Commit](): {
		"Meta provenance.Meta struct", "Index int int", "Provenance provenance.Commit struct", "Source provenance.Source string"},
	reflect.TypeFor[provenance.Meta](): {
		"ID string string", "Parents []string slice", "Author string string", "Committer string string",
		"AuthorTime time.Time struct", "CommitTime time.Time struct", "Message string string", "Branch string string"},
	reflect.TypeFor[provenance.Commit](): {
		"ID string string", "Default provenance.Attribution struct", "HasDefault bool bool", "Partial bool bool",
		"Sources []string slice", "Files map[string][]provenance.Span map"},
	reflect.TypeFor[provenance.Span]():  {"Range provenance.Range struct", "Attribution provenance.Attribution struct"},
	reflect.TypeFor[provenance.Range](): {"Start int int", "End int int"},
	reflect.TypeFor[provenance.Attribution](): {
		"Origin provenance.Origin string", "Agent string string", "Model string string",
		"Agents provenance.Agents string", "Session string string", "Evidence provenance.Evidence string"},
	reflect.TypeFor[linemap.Birth](): {
		"Commit *linemap.Commit ptr", "Path string string", "Attribution provenance.Attribution struct", "Lines int int"},
	reflect.TypeFor[linemap.Death](): {
		"Birth *linemap.Birth ptr", "Offset int int", "Lines int int", "Commit *linemap.Commit ptr",
		"Path string string", "Kind linemap.DeathKind uint8", "By provenance.Attribution struct"},
}

// TestCodecFields fails when a type the frame codec writes by hand gains,
// loses or changes an exported field: the codec would drop it silently.
func TestCodecFields(t *testing.T) {
	for ty, want := range codecFields {
		var got []string
		for f := range ty.Fields() {
			if f.IsExported() {
				got = append(got, fmt.Sprintf("%s %s %s", f.Name, f.Type, f.Type.Kind()))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the fields of %s changed:\n got  %q\n want %q\n"+
				"update the frame codec (codec.go) to write and read them, the list in codecFields, and bump FormatVersion (format.go)",
				ty, got, want)
		}
	}
}

// sameTime is t as the codec gives it back: its binary form read again,
// as gob gave it back before.
func sameTime(t *testing.T, tm time.Time) time.Time {
	t.Helper()
	if tm == (time.Time{}) {
		return tm
	}
	b, err := tm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back time.Time
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	return back
}

// withSameTimes returns evs with their commits' times as the codec gives
// them back.
func withSameTimes(t *testing.T, evs []event) []event {
	t.Helper()
	out := append([]event(nil), evs...)
	for i := range out {
		if c := out[i].Commit; c != nil {
			cc := *c
			cc.AuthorTime, cc.CommitTime = sameTime(t, c.AuthorTime), sameTime(t, c.CommitTime)
			out[i].Commit = &cc
		}
	}
	return out
}

// checkRoundTrip encodes evs, decodes them (into storage that held other
// events) and compares.
func checkRoundTrip(t *testing.T, evs []event) []byte {
	t.Helper()
	data, err := appendFrame(nil, evs)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	got, err := decodeFrame(data, edgeEvents())
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	want := withSameTimes(t, evs)
	if len(got) != len(want) {
		t.Fatalf("%d events read of %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d:\n got  %s\n want %s", i, showEvent(got[i]), showEvent(want[i]))
		}
	}
	return data
}

func showEvent(ev event) string {
	s := fmt.Sprintf("%+v", ev)
	if ev.Commit != nil {
		s += fmt.Sprintf(" commit %+v", *ev.Commit)
	}
	if ev.Birth != nil {
		s += fmt.Sprintf(" birth %+v", *ev.Birth)
	}
	return s
}

// edgeEvents are events with every field set to values at the edges of
// what the codec writes.
func edgeEvents() []event {
	ai := provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Model: "opus", Agents: provenance.MakeAgents("claude-code", "codex"), Session: "s1", Evidence: provenance.EvidenceCheckpoint}
	full := &linemap.Commit{
		Meta: provenance.Meta{ID: strings.Repeat("ab", 20), Parents: []string{"p1", "p2", "p1"}, Author: "A <a@x>", Committer: "C <c@x>",
			AuthorTime: time.Unix(1700000000, 123456789).UTC(), CommitTime: time.Unix(-5, 0).In(time.FixedZone("", -(5*3600 + 1800))),
			Message: "subject\n\n\x00body ü\n", Branch: "claude/x"},
		Index: math.MaxInt,
		Provenance: provenance.Commit{ID: "other", Default: ai, HasDefault: true, Partial: true, Sources: []string{"s", ""},
			Files: map[string][]provenance.Span{
				"b.go": {{Range: provenance.Range{Start: 1, End: 3}, Attribution: ai}},
				"a.go": {{Range: provenance.Range{Start: math.MinInt, End: -1}}, {Attribution: provenance.HumanAttribution()}},
				"":     nil,
			}},
		Source: provenance.SourceNote,
	}
	return []event{
		{K: evCommit, Commit: full},
		{K: evCommit, Commit: &linemap.Commit{}},
		{K: evDefine, B: 0, C: -1, P: 0, NewPath: "dir/ä.go", Birth: &linemap.Birth{Attribution: ai, Lines: 7}},
		{K: evBirth, B: 0},
		{K: evBirth, B: math.MaxInt, C: math.MinInt, P: -1, Birth: &linemap.Birth{}},
		{K: evDeath, B: 1, C: 2, P: 3, Death: linemap.Death{Offset: 4, Lines: 5, Kind: linemap.DeathModified, By: ai}},
		{K: evMove, Death: linemap.Death{Offset: math.MinInt, Lines: math.MaxInt, Kind: 255}},
		{K: 0},
		{K: 255, B: 1, NewPath: "p", Death: linemap.Death{Lines: 1}, Birth: &linemap.Birth{Lines: -1}, Commit: &linemap.Commit{Index: -1}},
	}
}

func TestFrameRoundTrip(t *testing.T) {
	checkRoundTrip(t, benchFrame())
	checkRoundTrip(t, edgeEvents())
	checkRoundTrip(t, nil)
}

// An event whose pointers and path the recorder did not clear is refused.
func TestFrameNotCleared(t *testing.T) {
	b := &linemap.Birth{}
	for _, ev := range []event{
		{K: evDeath, Death: linemap.Death{Birth: b}},
		{K: evDeath, Death: linemap.Death{Commit: &linemap.Commit{}}},
		{K: evDeath, Death: linemap.Death{Path: "a"}},
		{K: evBirth, Birth: &linemap.Birth{Commit: &linemap.Commit{}}},
		{K: evBirth, Birth: &linemap.Birth{Path: "a"}},
	} {
		if _, err := appendFrame(nil, []event{ev}); !errors.Is(err, errNotCleared) {
			t.Errorf("%s: %v", showEvent(ev), err)
		}
	}
}

// Every cut of a frame, and frames damaged where the codec checks them,
// are refused with an error.
func TestFrameCorrupt(t *testing.T) {
	data := checkRoundTrip(t, edgeEvents())
	for n := range len(data) {
		if _, err := decodeFrame(data[:n], nil); err == nil {
			t.Fatalf("the frame cut to %d bytes of %d read", n, len(data))
		}
	}
	ok := func(evs ...event) []byte {
		b, err := appendFrame(nil, evs)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A death of one line, up to its attribution.
	death := func(attr ...byte) []byte {
		return append([]byte{1, evDeath, hasDeath, 0, 0, 0, 0, 2, 0}, attr...)
	}
	if _, err := decodeFrame(death(0, 0, 0, 0, 0, 0, 0, 0), nil); err != nil {
		t.Fatalf("a death with a new attribution: %v", err)
	}
	swapped := ok(event{K: evCommit, Commit: &linemap.Commit{Provenance: provenance.Commit{
		Files: map[string][]provenance.Span{"a": nil, "b": nil}}}})
	a, b := bytes.Index(swapped, []byte("\x01a")), bytes.Index(swapped, []byte("\x01b"))
	swapped[a+1], swapped[b+1] = 'b', 'a'
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"trailing bytes", append(ok(event{K: evDeath}), 0), "bytes after the last event"},
		{"more events than bytes", []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 1, 0, 0, 0, 0}, "items where"},
		{"unknown flags", []byte{1, evDeath, 0x80, 0, 0, 0}, "flags"},
		{"a string longer than the frame", []byte{1, evDeath, hasNewPath, 0, 0, 0, 0xff, 0x7f, 'a'}, "items where"},
		{"a number too long", []byte{1, evDeath, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0}, "malformed number"},
		{"an attribution not yet defined", death(1), "attribution 1 of 0"},
		{"a string not yet defined", death(0, 0, 0, 3, 0, 0, 0, 0), "string 3 of 1"},
		{"file names out of order", swapped, "file names out of order"},
	} {
		_, err := decodeFrame(c.data, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
