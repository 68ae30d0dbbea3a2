package provenance

import (
	"math/rand"
	"reflect"
	"testing"
	"time"
)

// PaintAll gives exactly what painting the layers one by one gives.
func TestPaintAllIsPaintInTurn(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	attrs := []Attribution{
		{Origin: AI, Agent: "claude-code", Evidence: EvidenceTrailer},
		{Origin: Human, Evidence: EvidenceDefault},
		{Origin: AI, Agent: "cursor", Evidence: EvidenceTrailer},
	}
	for round := 0; round < 2000; round++ {
		n := rng.Intn(12)
		layers := make([]Span, n)
		var want []Span
		for i := range layers {
			start := 1 + rng.Intn(30)
			layers[i] = Span{Range: Range{Start: start, End: start + rng.Intn(8)}, Attribution: attrs[rng.Intn(len(attrs))]}
			want = Paint(want, layers[i])
		}
		if got := PaintAll(layers); !reflect.DeepEqual(got, want) {
			t.Fatalf("layers %v:\nPaintAll %v\nPaint    %v", layers, got, want)
		}
	}
}

// A note of a hundred thousand one-line records resolves in well under a
// second (painting one record at a time took minutes).
func TestResolveHugeNote(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const commit = "0123456789abcdef0123456789abcdef01234567"
	var n Note
	for i := 0; i < 100000; i++ {
		a := Attribution{Origin: Human, Evidence: EvidenceDefault}
		if i%2 == 1 {
			a = Attribution{Origin: AI, Agent: "claude-code", Evidence: EvidenceTrailer}
		}
		n.Records = append(n.Records, Record{Version: SchemaVersion, Commit: commit, File: "a.txt", Lines: NewLineSet(Range{Start: 2*i + 1, End: 2*i + 1}), Attribution: a})
	}
	start := time.Now()
	c := n.Resolve(commit)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Resolve took %s", d)
	}
	if got := len(c.Files["a.txt"]); got != 100000 {
		t.Errorf("%d spans, want 100000", got)
	}
	if a := c.At("a.txt", 3); a.Origin != AI {
		t.Errorf("line 3: %+v", a)
	}
	if a := c.At("a.txt", 5); a.Origin != Human {
		t.Errorf("line 5: %+v", a)
	}
}
