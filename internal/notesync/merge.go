package notesync

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// MergeResult says what merging a notes commit into the local ref did.
type MergeResult struct {
	// From is the notes commit merged (a tracking ref's tip).
	From string
	// Action is what happened to the local ref.
	Action MergeAction
	// Taken counts notes taken from the other side as they were; Combined
	// counts notes both sides had changed, merged line by line.
	Taken, Combined int
	// Kept lists commits whose note on the other side is not a valid
	// git-ai-survival note while the local one is: the local note stays.
	Kept []string
	// Foreign lists commits whose note on the other side is not a valid
	// git-ai-survival note and that had none here: it is carried over as
	// it is (never deleted) and readers ignore it with a warning.
	Foreign []string
	// Warnings are one-line explanations for the user.
	Warnings []string
}

// MergeAction is what Merge did to the local ref.
type MergeAction string

// The merge actions.
const (
	UpToDate    MergeAction = "up to date"    // the other side was already merged
	FastForward MergeAction = "fast-forward"  // the local ref moved to the other side's tip
	Merged      MergeAction = "merged"        // a merge commit joins both sides
	Skipped     MergeAction = "skipped"       // not git-ai-survival notes: left alone
	Created     MergeAction = "created"       // the local ref did not exist
	NothingNew  MergeAction = "nothing to do" // the other side does not exist
)

// ErrForeign is returned (wrapped) when a notes ref holds no
// git-ai-survival note at all: it belongs to another tool.
var ErrForeign = errors.New("the notes ref holds no git-ai-survival notes (another tool's?)")

// Merge merges the notes commit theirs into the local notes ref without
// losing a note:
//
//   - a note only one side changed since the merge base is taken from that
//     side; a note deleted on one side stays (deletions never travel);
//   - a note both sides changed is merged line by line: the union of both
//     notes' lines, sorted and unique, as `git notes merge -s cat_sort_uniq`
//     would (every line is a self-contained record, so this is safe);
//   - a note of the other side that is not a valid git-ai-survival note
//     never replaces a valid local one; if there is no local one it is
//     carried over as it is, for the readers to warn about and ignore;
//   - a ref holding only such notes, with no history in common with the
//     local ref, is another tool's: nothing is merged (ErrForeign).
//
// The result is a merge commit whose parents are the local tip and theirs,
// so the local ref can be pushed back without force. The local ref is
// updated only if nobody moved it meanwhile (else Merge tries again).
func Merge(ctx context.Context, repo *gitx.Repo, theirs string) (MergeResult, error) {
	var res MergeResult
	err := notes.Retry(ctx, func() error {
		var err error
		res, err = merge(ctx, repo, theirs)
		return err
	})
	return res, err
}

// refError is err from update-ref: a race (notes.ErrMoved or
// notes.ErrLocked, Merge tries again) or a failure.
func refError(err error) error {
	if race := notes.Race(err); race != nil {
		return race
	}
	return fmt.Errorf("updating %s: %w", provenance.NotesRef, err)
}

func merge(ctx context.Context, repo *gitx.Repo, theirs string) (MergeResult, error) {
	res := MergeResult{From: theirs}
	ours := revParse(ctx, repo, provenance.NotesRef)
	if theirs == "" {
		res.Action = NothingNew
		return res, nil
	}
	if ours == theirs || ours != "" && isAncestor(ctx, repo, theirs, ours) {
		res.Action = UpToDate
		return res, nil
	}
	base := ""
	if ours != "" {
		base, _ = repo.Line(ctx, "merge-base", ours, theirs)
	}
	theirTree, err := listTree(ctx, repo, theirs)
	if err != nil {
		return res, err
	}
	ourTree, baseTree := map[string]entry{}, map[string]entry{}
	if ours != "" {
		if ourTree, err = listTree(ctx, repo, ours); err != nil {
			return res, err
		}
	}
	if base != "" {
		if baseTree, err = listTree(ctx, repo, base); err != nil {
			return res, err
		}
	}
	// What changed on their side since the merge base, and what we hold.
	var changed []string
	need := map[string]bool{}
	for id, t := range theirTree {
		o, b := ourTree[id], baseTree[id]
		if t.blob == o.blob || t.blob == b.blob {
			continue
		}
		changed = append(changed, id)
		need[t.blob] = true
		if o.blob != "" {
			need[o.blob] = true
		}
	}
	sort.Strings(changed)
	blobs, err := readBlobs(ctx, repo, need)
	if err != nil {
		return res, err
	}
	valid := func(blob string) bool {
		_, _, err := provenance.Parse(blobs[blob])
		return err == nil
	}
	var edits []edit
	anyValid := false
	for _, id := range changed {
		t, o, b := theirTree[id], ourTree[id], baseTree[id]
		tv := valid(t.blob)
		anyValid = anyValid || tv
		path := t.path
		if o.path != "" {
			path = o.path
		}
		switch {
		case o.blob == "" || o.blob == b.blob:
			// Only their side changed it (or we never had it).
			if !tv && o.blob != "" && valid(o.blob) {
				res.Kept = append(res.Kept, id)
				continue
			}
			if !tv {
				res.Foreign = append(res.Foreign, id)
			}
			edits = append(edits, edit{path: path, blob: t.blob})
			res.Taken++
		default:
			// Both sides changed it.
			ov := valid(o.blob)
			switch {
			case tv && ov:
				edits = append(edits, edit{path: path, data: union(blobs[o.blob], blobs[t.blob])})
				res.Combined++
			case tv:
				edits = append(edits, edit{path: path, blob: t.blob})
				res.Taken++
			default:
				res.Kept = append(res.Kept, id)
			}
		}
	}
	if base == "" && len(changed) > 0 && !anyValid {
		res.Action = Skipped
		return res, fmt.Errorf("%s: %w", provenance.ShortID(theirs), ErrForeign)
	}
	if len(res.Kept) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d note(s) from %s are not git-ai-survival notes (first on commit %s); the local notes are kept", len(res.Kept), provenance.ShortID(theirs), provenance.ShortID(res.Kept[0])))
	}
	if len(res.Foreign) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d note(s) from %s are not git-ai-survival notes (first on commit %s); kept as they are and ignored by reports", len(res.Foreign), provenance.ShortID(theirs), provenance.ShortID(res.Foreign[0])))
	}
	if ours == "" && len(res.Kept) == 0 {
		// Nothing here yet: take their ref as it is.
		if _, err := repo.Output(ctx, "update-ref", "-m", "git-ai-survival: notes from "+provenance.ShortID(theirs), provenance.NotesRef, theirs, zeroID(theirs)); err != nil {
			return res, refError(err)
		}
		res.Action = Created
		return res, nil
	}
	if len(res.Kept) == 0 && isAncestor(ctx, repo, ours, theirs) {
		if _, err := repo.Output(ctx, "update-ref", "-m", "git-ai-survival: notes fast-forward to "+provenance.ShortID(theirs), provenance.NotesRef, theirs, ours); err != nil {
			return res, refError(err)
		}
		res.Action = FastForward
		return res, nil
	}
	if err := writeMerge(ctx, repo, ours, theirs, edits); err != nil {
		return res, err
	}
	res.Action = Merged
	return res, nil
}

// edit sets the note at path to an existing blob or to new data.
type edit struct {
	path string
	blob string
	data []byte
}

// writeMerge commits the merge with one `git fast-import`: the local tree
// plus edits, parents ours and theirs. fast-import refuses to move the ref
// if it no longer points where the commit starts from.
func writeMerge(ctx context.Context, repo *gitx.Repo, ours, theirs string, edits []edit) error {
	ident, err := repo.Line(ctx, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return fmt.Errorf("finding the committer identity for the notes merge: %w", err)
	}
	msg := "Notes merged by 'git ai-survival' from " + provenance.ShortID(theirs)
	var b strings.Builder
	fmt.Fprintf(&b, "commit %s\ncommitter %s\ndata %d\n%s\n", provenance.NotesRef, ident, len(msg), msg)
	if ours != "" {
		fmt.Fprintf(&b, "from %s\n", ours)
	}
	fmt.Fprintf(&b, "merge %s\n", theirs)
	for _, e := range edits {
		if e.data != nil {
			fmt.Fprintf(&b, "M 100644 inline %s\ndata %d\n%s\n", e.path, len(e.data), e.data)
		} else {
			fmt.Fprintf(&b, "M 100644 %s %s\n", e.blob, e.path)
		}
	}
	b.WriteString("done\n")
	return notes.StreamCAS(ctx, repo, b.String(), provenance.NotesRef)
}

// union is the cat_sort_uniq merge of two notes: their lines, sorted and
// unique, blank lines dropped.
func union(a, b []byte) []byte {
	set := map[string]bool{}
	for _, data := range [][]byte{a, b} {
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSuffix(l, "\r")
			if strings.TrimSpace(l) != "" {
				set[l] = true
			}
		}
	}
	lines := make([]string, 0, len(set))
	for l := range set {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// entry is one note in a notes tree.
type entry struct {
	path string // as in the tree, fan-out slashes included
	blob string
}

// listTree reads the notes tree of a notes commit: annotated commit id →
// entry. Fan-out directories ("ab/cdef...") are undone; entries that are
// not notes (no object id as a name) are ignored.
func listTree(ctx context.Context, repo *gitx.Repo, commit string) (map[string]entry, error) {
	out := map[string]entry{}
	err := repo.Stream(ctx, nil, func(r io.Reader) error {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString(0)
			if err == io.EOF && line == "" {
				return nil
			}
			if err != nil && err != io.EOF {
				return err
			}
			line = strings.TrimSuffix(line, "\x00")
			meta, path, ok := strings.Cut(line, "\t")
			f := strings.Fields(meta)
			if !ok || len(f) != 3 || f[1] != "blob" {
				continue
			}
			id := strings.ReplaceAll(path, "/", "")
			if provenance.IsObjectID(id) {
				out[id] = entry{path: path, blob: f[2]}
			}
		}
	}, "ls-tree", "-r", "-z", commit)
	if err != nil {
		return nil, fmt.Errorf("reading the notes of %s: %w", provenance.ShortID(commit), err)
	}
	return out, nil
}

// readBlobs reads the given blobs in one `git cat-file --batch`.
func readBlobs(ctx context.Context, repo *gitx.Repo, want map[string]bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	if err := repo.CatBatch(ctx, ids, func(id string, data []byte) { out[id] = data }); err != nil {
		return nil, fmt.Errorf("reading notes: %w", err)
	}
	return out, nil
}

func revParse(ctx context.Context, repo *gitx.Repo, ref string) string {
	id, err := repo.Line(ctx, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		return ""
	}
	return id
}

func isAncestor(ctx context.Context, repo *gitx.Repo, a, b string) bool {
	_, err := repo.Output(ctx, "merge-base", "--is-ancestor", a, b)
	return err == nil
}

func zeroID(like string) string { return strings.Repeat("0", len(like)) }
