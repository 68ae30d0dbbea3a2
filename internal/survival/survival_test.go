package survival

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestReport(t *testing.T) {
	ai := provenance.Attribution{Origin: provenance.AI, Agent: "claude-code", Model: "opus", Evidence: provenance.EvidenceTrailer}
	c1 := &linemap.Commit{Meta: provenance.Meta{ID: "c1", Author: "Ann <ann@x>"}, Source: provenance.SourceInferred}
	c2 := &linemap.Commit{Meta: provenance.Meta{ID: "c2", Author: "Bob <bob@x>"}, Source: provenance.SourceNote}
	c3 := &linemap.Commit{Meta: provenance.Meta{ID: "c3", Author: "Ann <ann@x>"}}
	b1 := &linemap.Birth{Commit: c1, Path: "internal/x.go", Attribution: ai, Lines: 10}
	b2 := &linemap.Birth{Commit: c2, Path: "main.go", Attribution: provenance.HumanAttribution(), Lines: 5}
	b3 := &linemap.Birth{Commit: c3, Path: "docs/a.md", Attribution: provenance.Attribution{}, Lines: 3}
	b4 := &linemap.Birth{Commit: c3, Path: "internal/y.go", Attribution: provenance.Attribution{Origin: provenance.AI, Agent: "cursor"}, Lines: 2}

	c := NewCollector()
	for _, cm := range []*linemap.Commit{c1, c2, c3} {
		c.Commit(cm)
	}
	for _, b := range []*linemap.Birth{b1, b2, b3, b4} {
		c.Birth(b)
	}
	c.Death(linemap.Death{Birth: b1, Offset: 0, Lines: 4, Commit: c2})
	c.Death(linemap.Death{Birth: b3, Offset: 0, Lines: 3, Commit: c3})
	c.Death(linemap.Death{Birth: b4, Offset: 0, Lines: 2, Commit: c3})
	survivors := []linemap.Survivor{
		{Birth: b1, Offset: 4, Lines: 6, Path: "internal/x.go", Line: 1},
		{Birth: b1, Offset: 8, Lines: 2, Path: "internal/copy.go", Line: 1}, // a second copy counts once
		{Birth: b2, Offset: 0, Lines: 5, Path: "main.go", Line: 1},
	}
	rep := c.Report("", "c3", survivors)

	got, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "schema_version": 1,
 "range": "HEAD",
 "end": "c3",
 "moves": null,
 "commits": {
  "total": 3,
  "with_notes": 1,
  "inferred": 1,
  "git_ai": 0
 },
 "totals": {
  "ai": {
   "added": 12,
   "surviving": 6,
   "deleted": 6,
   "survival_rate": 0.5
  },
  "human": {
   "added": 5,
   "surviving": 5,
   "deleted": 0,
   "survival_rate": 1
  },
  "unknown": {
   "added": 3,
   "surviving": 0,
   "deleted": 3,
   "survival_rate": 0
  }
 },
 "coverage": {
  "line_level": 5,
  "commit_level": 10,
  "none": 5
 },
 "unknown_as": "unknown",
 "ai_share": 0.5454545454545454,
 "by_agent": [
  {
   "agent": "claude-code",
   "model": "opus",
   "added": 10,
   "surviving": 6,
   "deleted": 4,
   "survival_rate": 0.6
  },
  {
   "agent": "cursor",
   "model": "",
   "added": 2,
   "surviving": 0,
   "deleted": 2,
   "survival_rate": 0
  }
 ],
 "by_directory": [
  {
   "directory": ".",
   "ai": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "human": {
    "added": 5,
    "surviving": 5,
    "deleted": 0,
    "survival_rate": 1
   },
   "unknown": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   }
  },
  {
   "directory": "docs",
   "ai": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "human": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "unknown": {
    "added": 3,
    "surviving": 0,
    "deleted": 3,
    "survival_rate": 0
   }
  },
  {
   "directory": "internal",
   "ai": {
    "added": 12,
    "surviving": 6,
    "deleted": 6,
    "survival_rate": 0.5
   },
   "human": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "unknown": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   }
  }
 ],
 "by_author": [
  {
   "author": "Ann \u003cann@x\u003e",
   "ai": {
    "added": 12,
    "surviving": 6,
    "deleted": 6,
    "survival_rate": 0.5
   },
   "human": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "unknown": {
    "added": 3,
    "surviving": 0,
    "deleted": 3,
    "survival_rate": 0
   }
  },
  {
   "author": "Bob \u003cbob@x\u003e",
   "ai": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   },
   "human": {
    "added": 5,
    "surviving": 5,
    "deleted": 0,
    "survival_rate": 1
   },
   "unknown": {
    "added": 0,
    "surviving": 0,
    "deleted": 0,
    "survival_rate": null
   }
  }
 ]
}`
	if string(got) != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

func TestEmptyReport(t *testing.T) {
	rep := NewCollector().Report("A..B", "b", nil)
	got, _ := json.Marshal(rep)
	for _, want := range []string{`"ai_share":null`, `"survival_rate":null`, `"by_agent":[]`, `"range":"A..B"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
}

func TestTopDirectory(t *testing.T) {
	for in, want := range map[string]string{"a.go": ".", "cmd/x/main.go": "cmd", "dir with space/f": "dir with space"} {
		if got := TopDirectory(in); got != want {
			t.Errorf("TopDirectory(%q) = %q, want %q", in, got, want)
		}
	}
}
