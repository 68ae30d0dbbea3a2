package walkcache

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// benchFrame returns a frame of events shaped as the frames of a generated
// 10,500-commit history are (about 10% commits, 21% births and 69% deaths,
// a few new paths), with a note's line spans on some commits.
func benchFrame() []event {
	rng := rand.New(rand.NewPCG(1, 2))
	attrs := []provenance.Attribution{
		{Origin: provenance.AI, Agent: "claude-code", Evidence: provenance.EvidenceTrailer},
		{Origin: provenance.AI, Agent: "cursor", Evidence: provenance.EvidenceManual},
		{Origin: provenance.Human, Evidence: provenance.EvidenceManual},
		{Origin: provenance.Unknown},
	}
	hex := func() string { return fmt.Sprintf("%040x", rng.Uint64()) }
	evs := make([]event, 0, frameEvents)
	births, paths, commits := 20000, 300, 1500
	for len(evs) < frameEvents {
		switch r := rng.IntN(100); {
		case r < 10:
			evs = append(evs, benchCommit(rng, commits, hex, attrs))
			commits++
		case r < 31:
			ev := event{K: evBirth, B: births, C: commits - 1, P: rng.IntN(paths)}
			if rng.IntN(20) == 0 {
				ev.P, ev.NewPath = paths, fmt.Sprintf("pkg%02d/file%03d.go", rng.IntN(20), paths)
				paths++
			}
			ev.Birth = &linemap.Birth{Attribution: attrs[rng.IntN(len(attrs))], Lines: 1 + rng.IntN(30)}
			evs = append(evs, ev)
			births++
		default:
			d := linemap.Death{Offset: rng.IntN(20), Lines: 1 + rng.IntN(10)}
			if rng.IntN(2) == 0 {
				d.Kind, d.By = linemap.DeathModified, attrs[rng.IntN(len(attrs))]
			}
			evs = append(evs, event{K: evDeath, B: rng.IntN(births), C: commits - 1, P: rng.IntN(paths), Death: d})
		}
	}
	return evs
}

func benchCommit(rng *rand.Rand, n int, hex func() string, attrs []provenance.Attribution) event {
	at := time.Unix(1736000000+int64(n)*600, 0).UTC()
	c := &linemap.Commit{
		Meta: provenance.Meta{ID: hex(), Parents: []string{hex()}, Author: "Frances Allen <fran@example.com>",
			Committer: "Frances Allen <fran@example.com>", AuthorTime: at, CommitTime: at,
			Message: "Simplify in retry (edit)\n\nGenerated for the report benchmark.\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"},
		Index:  n,
		Source: provenance.SourceNote,
	}
	c.Provenance = provenance.Commit{ID: c.ID, Default: attrs[rng.IntN(len(attrs))], HasDefault: true}
	if rng.IntN(4) == 0 {
		a := attrs[rng.IntN(len(attrs))]
		c.Provenance.Files = map[string][]provenance.Span{
			"pkg01/file001.go": {{Range: provenance.Range{Start: 3, End: 9}, Attribution: a}, {Range: provenance.Range{Start: 12, End: 40}, Attribution: a}},
		}
	}
	return event{K: evCommit, Commit: c}
}

// BenchmarkDecodeFrame decodes one frame of benchFrame's events: with gob
// (the form of entries before format 4) into a new slice, as replays did;
// with the frame codec one event at a time into one variable, as replays
// do (codec), and into a slice used again (codec-slice).
func BenchmarkDecodeFrame(b *testing.B) {
	evs := benchFrame()
	b.Run("gob", func(b *testing.B) {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(evs); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.ReportAllocs()
		for b.Loop() {
			var got []event
			if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&got); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(data)), "frame-bytes")
	})
	data, err := appendFrame(nil, evs)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("codec", func(b *testing.B) {
		var r frameReader
		var ev event
		b.ReportAllocs()
		for b.Loop() {
			if err := r.reset(data); err != nil {
				b.Fatal(err)
			}
			for r.more() {
				if err := r.next(&ev); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(len(data)), "frame-bytes")
	})
	b.Run("codec-slice", func(b *testing.B) {
		var got []event
		b.ReportAllocs()
		for b.Loop() {
			if got, err = decodeFrame(data, got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeFrame encodes benchFrame's events as a walk saves them.
func BenchmarkEncodeFrame(b *testing.B) {
	evs := benchFrame()
	b.Run("gob", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := gob.NewEncoder(&buf).Encode(evs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec", func(b *testing.B) {
		var data []byte
		var err error
		b.ReportAllocs()
		for b.Loop() {
			if data, err = appendFrame(data[:0], evs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
