package provenance

import "time"

// Meta is what a commit says about itself: the metadata its provenance is
// inferred from and its figures are grouped by. Readers fill what they
// read (the times only where git was asked for them).
type Meta struct {
	ID      string
	Parents []string
	// Author and Committer are "Name <email>".
	Author, Committer string
	AuthorTime        time.Time
	// CommitTime is the committer date (the unknown-as setting's date
	// limit needs it).
	CommitTime time.Time
	// Message is the whole message, subject and body.
	Message string
	// Branch is the branch the commit was made on or merged from when it
	// is known to be an agent's, else "": its name is the weakest
	// evidence.
	Branch string
}

// Source says where a commit's provenance came from. The zero value is
// read as SourceNone.
type Source string

// The sources, strongest first.
const (
	SourceNote     Source = "note"     // its own git note
	SourceGitAI    Source = "git-ai"   // no note; git-ai's authorship note
	SourceInferred Source = "inferred" // no note; evidence in its metadata
	SourceNone     Source = "none"     // neither: its lines are unknown
)
