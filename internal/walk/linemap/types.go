// Package linemap is the line-origin map of the survival walk: for every
// file of a commit's tree, the runs of lines it holds and, for each line, the
// commit that added it (its birth). It is updated by (position, deleted,
// inserted) hunks, commit by commit, and reports each line's birth and
// death as events. It knows nothing of git: commits, paths and hunks arrive
// as plain values, so it is tested with plain slices.
//
// Lines are identified by their birth: a Birth is the run of lines one
// commit added to one path with one attribution, and a line is (Birth,
// offset). Lines that were there before the measured range are background:
// they take up positions but have no birth and produce no events. Every
// text file is followed: which paths count is the caller's choice, made on
// the path where a line dies or survives (a filter never changes which
// commit a line belongs to).
//
// With Options.Moves, a line a commit moves or copies from its parent
// (as git blame -M -C -C finds it) is the line it came from, not a new
// birth; a copied line is then held in two places at once.
//
// Where history branches, the same line is held by several trees at once.
// A line dies when the last tree that holds it on a live branch loses it:
// every line born in the walk either dies exactly once or survives in the
// final tree.
package linemap

import "github.com/git-ai-survival/git-ai-survival/provenance"

// Commit is one commit of the walk: its metadata (Branch not set) and
// the walk's state of it, its position and what the attributor said.
type Commit struct {
	provenance.Meta
	// Index is the commit's position in the walk (0 = first, oldest).
	Index int

	// Provenance and Source are what the attributor said about the commit.
	Provenance provenance.Commit
	Source     provenance.Source
}

// Birth is the run of lines one commit added to one path with one
// attribution. Its lines are numbered 0..Lines-1 in the order they appear
// in the commit's version of the file; they need not be adjacent there.
type Birth struct {
	Commit      *Commit
	Path        string
	Attribution provenance.Attribution
	Lines       int

	// live counts, per line, the live file versions holding it.
	live  []int32
	alive int
	// seq is the number a recorder of the walk gave it, plus one (see Seq).
	seq int
}

// Seq returns the number SetSeq gave b, and whether it has one. A
// recorder of the walk's events numbers births in it instead of in a map
// of its own, which would keep every birth alive to the end.
func (b *Birth) Seq() (int, bool) { return b.seq - 1, b.seq > 0 }

// SetSeq gives b the number n (n >= 0).
func (b *Birth) SetSeq(n int) { b.seq = n + 1 }

// Death is the end of lines Offset..Offset+Lines-1 of Birth: Commit is the
// commit where the last tree holding them lost them; Path is where they
// were then.
//
// Kind says how Commit lost them: DeathModified when a hunk of its diff
// removed them and added lines in their place (By is then the attribution
// of the first measured line that took their place; Origin "" when none
// is measured), DeathDeleted otherwise: removed with nothing in their
// place, their file deleted, or lost where branches join (a merge, or a
// branch given up), where no single hunk says how.
type Death struct {
	Birth         *Birth
	Offset, Lines int
	Commit        *Commit
	Path          string
	Kind          DeathKind
	By            provenance.Attribution
}

// DeathKind is how lines died.
type DeathKind uint8

const (
	// DeathDeleted: removed with nothing in their place.
	DeathDeleted DeathKind = iota
	// DeathModified: replaced in place.
	DeathModified
)

func (k DeathKind) String() string {
	if k == DeathModified {
		return "modified"
	}
	return "deleted"
}

// Survivor is a run of lines of one birth found in the final tree: lines
// Offset..Offset+Lines-1 of Birth are lines Line..Line+Lines-1 of Path.
type Survivor struct {
	Birth         *Birth
	Offset, Lines int
	Path          string
	Line          int
}

// Hunk is one change of a -U0 diff: OldLines lines at OldStart replaced by
// NewLines lines at NewStart; a pure insertion has OldLines 0 and OldStart
// the line it follows, a pure deletion NewLines 0 and NewStart the line the
// deletion follows.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Added is the content of the NewLines lines, needed only with
	// Options.Moves (nil: not known).
	Added []Line
}

// Change is one file of a commit's diff against one parent. OldPath is ""
// for a file the parent lacks, NewPath "" for a file the commit deletes; a
// rename has both and they differ. Binary files carry no hunks.
type Change struct {
	OldPath, NewPath string
	Binary           bool
	Hunks            []Hunk
}
