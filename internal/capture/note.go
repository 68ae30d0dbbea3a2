package capture

import (
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Classifier gives the attribution a commit's evidence supports; ok is
// false when there is no sign of an agent.
type Classifier func(m provenance.Meta) (a provenance.Attribution, ok bool)

// Note builds the note that gives every line a commit added the
// attribution a.
func Note(added Added, a provenance.Attribution) provenance.Note {
	b := provenance.NewBuilder(added.Commit, a)
	for path, lines := range added.Files {
		for _, r := range lines.Ranges() {
			b.Add(path, r.Start, r.End, a)
		}
	}
	if added.Partial {
		b.SetPartial()
	}
	return b.Note()
}

// Attribute classifies a commit made with the hook installed: the agent
// the evidence names, or a person.
func Attribute(classify Classifier, m provenance.Meta) provenance.Attribution {
	if classify != nil {
		if a, ok := classify(m); ok {
			return a
		}
	}
	return provenance.HumanAttribution()
}
