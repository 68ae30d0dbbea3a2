package provenance

import (
	"strings"
	"testing"
)

func TestRestoredEvidenceRanksBetweenCheckpointAndTrailer(t *testing.T) {
	if !(EvidenceCheckpoint.Rank() > EvidenceRestored.Rank() && EvidenceRestored.Rank() > EvidenceTrailer.Rank()) {
		t.Errorf("ranks: checkpoint %d, restored %d, trailer %d", EvidenceCheckpoint.Rank(), EvidenceRestored.Rank(), EvidenceTrailer.Rank())
	}
}

func TestSourcesRoundTripAndValidation(t *testing.T) {
	id := strings.Repeat("a", 40)
	src1, src2 := strings.Repeat("b", 40), strings.Repeat("c", 40)
	b := NewBuilder(id, Attribution{Origin: AI, Agent: "claude-code", Evidence: EvidenceRestored})
	b.SetSources([]string{src1, src2})
	b.Add("app.txt", 3, 3, Attribution{Origin: Human, Evidence: EvidenceRestored})
	data := b.Note().Bytes()
	want := `{"v":1,"commit":"` + id + `","origin":"ai","agent":"claude-code","evidence":"restored","sources":["` + src1 + `","` + src2 + `"]}`
	if !strings.Contains(string(data), want+"\n") {
		t.Fatalf("note:\n%s\nlacks\n%s", data, want)
	}
	n, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	c := n.Resolve(id)
	if strings.Join(c.Sources, " ") != src1+" "+src2 {
		t.Errorf("sources %v", c.Sources)
	}
	if got := c.At("app.txt", 3); got.Origin != Human || got.Evidence != EvidenceRestored {
		t.Errorf("line 3: %+v", got)
	}
	bad := strings.Replace(string(data), src2, "HEAD~1", 1)
	if _, _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "source that is not a commit id") {
		t.Errorf("a source that is not a commit id: %v", err)
	}
}
