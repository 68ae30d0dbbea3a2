// Package resolve gives a commit its provenance as the measurement reads
// it: its own note, else git-ai's authorship note, else the evidence in its
// metadata (a Classifier), else unknown, or human where the unknown-as
// setting says so. The writing side (capture) classifies with the same
// Classifier; the reading side (measure, rewrite, restore, show) resolves
// and classifies here and does not import capture.
package resolve

import (
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Classifier gives the attribution a commit's evidence supports; ok is
// false when there is no sign of an agent. evidence.Rules.Classify is one.
type Classifier func(m provenance.Meta) (a provenance.Attribution, ok bool)

// Attribute classifies a commit made with the hook installed: the agent
// the evidence names, or a person.
func (classify Classifier) Attribute(m provenance.Meta) provenance.Attribution {
	if classify != nil {
		if a, ok := classify(m); ok {
			return a
		}
	}
	return provenance.HumanAttribution()
}

// Resolver gives a commit's provenance: its note first, then git-ai's
// note, then (unless inference is off) its evidence, else unknown.
type Resolver struct {
	Notes map[string]notes.Entry
	// GitAI holds git-ai's authorship notes (refs/notes/ai), read for
	// commits that have no note of ours.
	GitAI    map[string]gitai.Entry
	Classify Classifier
	// NoInference turns classification of commits without a note off.
	NoInference bool
	// UnknownAs, when set, counts commits with no note and no evidence
	// as human (their source stays provenance.SourceNone).
	UnknownAs *UnknownAs
	// Warn receives one message per unreadable note (may be nil).
	Warn func(string)
	// Branches gives commits without a note the agent branch a merge
	// brought them in from (MergedBranches), as the weakest evidence.
	Branches map[string]string
}

// Resolve returns the provenance of the commit m describes.
func (r *Resolver) Resolve(m provenance.Meta) (provenance.Commit, provenance.Source) {
	if e, ok := r.Notes[m.ID]; ok {
		if e.Err != nil && r.Warn != nil {
			r.Warn(e.Err.Error())
		}
		if e.Describes() {
			return e.Note.Resolve(m.ID), provenance.SourceNote
		}
	}
	if e, ok := r.GitAI[m.ID]; ok {
		if r.Warn != nil {
			if e.Err != nil {
				r.Warn(e.Err.Error())
			}
			for _, w := range e.Warnings {
				r.Warn(w)
			}
		}
		if e.OK() {
			return e.Provenance(), provenance.SourceGitAI
		}
	}
	if !r.NoInference && r.Classify != nil {
		if m.Branch == "" {
			m.Branch = r.Branches[m.ID]
		}
		if a, ok := r.Classify(m); ok {
			return provenance.Commit{ID: m.ID, Default: a, HasDefault: true}, provenance.SourceInferred
		}
	}
	if r.UnknownAs.Applies(m.ID, m.CommitTime) {
		return provenance.Commit{ID: m.ID, Default: UnknownHuman(), HasDefault: true}, provenance.SourceNone
	}
	return provenance.Commit{ID: m.ID, Default: provenance.UnknownAttribution()}, provenance.SourceNone
}
