package resolve

import (
	"time"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// UnknownAs says which commits with no note and no evidence count as
// human rather than unknown (the unknown-as setting). A nil *UnknownAs
// leaves them unknown.
type UnknownAs struct {
	// Before, when not zero, limits the setting to commits made
	// (committer date) before it.
	Before time.Time
	// Ancestors, when not nil, limits it to these commits: those made
	// before the revision the setting names.
	Ancestors map[string]bool
	// Since is the setting's limit as the user wrote it ("" for none).
	Since string
}

// Applies reports whether the commit id, committed at t, counts as human.
func (u *UnknownAs) Applies(id string, t time.Time) bool {
	switch {
	case u == nil:
		return false
	case u.Ancestors != nil:
		return u.Ancestors[id]
	case !u.Before.IsZero():
		return t.Before(u.Before)
	}
	return true
}

// String fingerprints the setting (for caches): "" when off.
func (u *UnknownAs) String() string {
	switch {
	case u == nil:
		return ""
	case u.Ancestors != nil:
		return "human before revision " + u.Since
	case !u.Before.IsZero():
		return "human before " + u.Before.UTC().Format(time.RFC3339)
	}
	return "human"
}

// UnknownHuman is the attribution of lines that count as human only by
// the unknown-as setting: human, with no evidence.
func UnknownHuman() provenance.Attribution {
	return provenance.Attribution{Origin: provenance.Human}
}
