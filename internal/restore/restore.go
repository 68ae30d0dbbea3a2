// Package restore gives notes back to commits a server made from noted
// commits: GitHub's and GitLab's "Squash and merge" and "Rebase and merge"
// create commits no hook of ours saw, so they arrive without a note while
// the pull request's commits, whose notes were pushed with them, still say
// who wrote every line.
//
// For each commit without a note, restore finds the commits its changes
// came from, by what the server leaves behind, in this order:
//
//  1. the pull request a squash subject names ("Title (#123)", GitLab's
//     "(!123)" or "See merge request group/project!123"): its commits are
//     those of refs/pull/123/head (refs/merge-requests/123/head), found
//     locally or fetched from the remote into refs/ai-survival/...;
//  2. a noted commit with the same patch (a rebase merge copies each
//     commit's change as it was);
//  3. noted commits that no commit being restored descends from and that
//     added some of the same lines to the same files (a squash whose
//     branch is still in the repository, or only in its object store).
//
// The note is then computed as the post-rewrite hook computes one (package
// rewrite): every line the commit added takes the attribution of the last
// source commit that had added it, with evidence "restored"; lines no
// source wrote keep the commit's own classification. The commit record
// names the sources. A commit whose lines none of its sources wrote gets
// no note.
package restore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/diff"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// How says how a commit's sources were found.
type How string

// The ways sources are found, in the order they are tried.
const (
	ByPullRequest  How = "pull request"
	ByMergeRequest How = "merge request"
	ByPatch        How = "same patch"
	ByContent      How = "same lines"
)

// RefPrefix is where fetched pull and merge request heads are kept.
const RefPrefix = "refs/ai-survival/"

// fetchTimeout bounds each fetch of a request's head.
const fetchTimeout = 5 * time.Second

// Restored is one commit that got its note back.
type Restored struct {
	Commit string
	// Sources are the commits whose notes gave lines their attribution.
	Sources []string
	How     How
	// Request is the pull or merge request number, for ByPullRequest and
	// ByMergeRequest.
	Request int
	// Lines is how many added lines took a source's attribution; Added is
	// how many lines the commit added.
	Lines, Added int
}

// Options tune Restore.
type Options struct {
	// Classify classifies commits from their metadata (for lines no source
	// wrote, and for sources without a note).
	Classify resolve.Classifier
	// Remote is where pull and merge request heads are fetched from when
	// they are not in the repository ("" fetches nothing).
	Remote string
	// Max bounds how many of the newest commits are examined (0: all).
	Max int
	// MaxFetch bounds how many request heads are fetched (0: no bound).
	// Heads are fetched only while some noted commit is missing from the
	// repository: otherwise no fetch can bring a note's commit.
	MaxFetch int
	// DryRun computes the notes without writing them.
	DryRun bool
}

// Result says what Restore did.
type Result struct {
	// Examined is the number of commits without a note that were looked at.
	Examined int
	Restored []Restored
	// Notes are the restored notes, by commit.
	Notes map[string]provenance.Note
	// Written is the number of notes written.
	Written  int
	Warnings []string
}

// Restore restores the notes of the commits without one among those revs
// names (git rev-list arguments; merges are skipped: a merge adds lines of
// its own only where it resolved a conflict).
func Restore(ctx context.Context, repo *gitx.Repo, revs []string, opts Options) (Result, error) {
	res := Result{Notes: map[string]provenance.Note{}}
	args := []string{"rev-list", "--no-merges"}
	if opts.Max > 0 {
		args = append(args, "--max-count="+strconv.Itoa(opts.Max))
	}
	out, err := repo.Output(ctx, append(append(args, revs...), "--")...)
	if err != nil {
		return res, fmt.Errorf("listing the commits to restore: %w", err)
	}
	noted, err := notes.New(repo).List(ctx)
	if err != nil {
		return res, err
	}
	var bare []string
	for _, id := range strings.Fields(string(out)) {
		if _, ok := noted[id]; !ok {
			bare = append(bare, id)
		}
	}
	res.Examined = len(bare)
	if len(bare) == 0 {
		return res, nil
	}
	metas, err := repo.ReadMeta(ctx, append([]string{"--no-walk=unsorted"}, bare...)...)
	if err != nil {
		return res, err
	}
	viaMerge, err := mergedRequests(ctx, repo, revs, bare, opts.Max)
	if err != nil {
		return res, err
	}
	have, err := present(ctx, repo, noted)
	if err != nil {
		return res, err
	}
	fetches := -1 // no fetch
	if opts.Remote != "" && len(have) < len(noted) {
		fetches = opts.MaxFetch
		if fetches == 0 {
			fetches = len(bare)
		}
	}
	found := map[string]*Restored{}
	var groups []rewrite.Group
	var rest []string
	heads := map[string]requestCommits{}
	for _, m := range metas {
		req := FindRequest(m.Message)
		if req.Number == 0 {
			req = viaMerge[m.ID]
		}
		if req.Number > 0 && len(m.Parents) > 0 {
			key := req.Ref()
			rc, ok := heads[key]
			if !ok {
				remote := ""
				if fetches > 0 {
					remote = opts.Remote
				}
				var fetched bool
				rc, fetched, err = requestSources(ctx, repo, req, m.Parents[0], remote)
				if fetched {
					fetches--
				}
				if err != nil {
					res.Warnings = append(res.Warnings, err.Error())
				}
				heads[key] = rc
			}
			// A commit that is itself one of the request's commits is no
			// copy: there is nothing to restore it from.
			if olds := without(rc.commits, m.ID); len(olds) > 0 && len(olds) == len(rc.commits) {
				groups = append(groups, rewrite.Group{New: m.ID, Olds: olds})
				found[m.ID] = &Restored{Commit: m.ID, How: req.how(), Request: req.Number}
				continue
			}
		}
		rest = append(rest, m.ID)
	}
	if len(rest) > 0 {
		more, err := matchNoted(ctx, repo, rest, noted, have)
		if err != nil {
			return res, err
		}
		for _, g := range more {
			groups = append(groups, rewrite.Group{New: g.New, Olds: g.Olds})
			found[g.New] = &Restored{Commit: g.New, How: g.how}
		}
	}
	if len(groups) == 0 {
		return res, nil
	}
	rr, err := rewrite.Remap(ctx, repo, groups, rewrite.Options{Classify: opts.Classify, DryRun: true, Carry: markRestored})
	res.Warnings = append(res.Warnings, rr.Warnings...)
	if err != nil {
		return res, err
	}
	for _, g := range groups {
		n, ok := rr.Notes[g.New]
		if !ok || rr.CarriedBy[g.New] == 0 {
			continue
		}
		r := found[g.New]
		r.Lines = rr.CarriedBy[g.New]
		c := n.Resolve(g.New)
		r.Sources = c.Sources
		for _, spans := range c.Files {
			for _, s := range spans {
				r.Added += s.Len()
			}
		}
		res.Notes[g.New] = n
		res.Restored = append(res.Restored, *r)
	}
	if opts.DryRun || len(res.Notes) == 0 {
		return res, nil
	}
	wr, err := notes.New(repo).Write(ctx, res.Notes, false, "Notes restored by 'git ai-survival' from the commits a server squashed or rebased")
	res.Written = wr.Written
	if err != nil {
		return res, fmt.Errorf("writing the restored notes: %w", err)
	}
	return res, nil
}

// markRestored is the attribution a line takes from a source.
func markRestored(a provenance.Attribution) provenance.Attribution {
	a.Evidence = provenance.EvidenceRestored
	return a
}

func without(ids []string, id string) []string {
	var out []string
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// Request is a pull or merge request a commit message names.
type Request struct {
	Number int
	// GitLab is set for a merge request ("!N").
	GitLab bool
}

// Ref is the ref the server keeps the request's head in.
func (r Request) Ref() string {
	if r.GitLab {
		return fmt.Sprintf("refs/merge-requests/%d/head", r.Number)
	}
	return fmt.Sprintf("refs/pull/%d/head", r.Number)
}

func (r Request) how() How {
	if r.GitLab {
		return ByMergeRequest
	}
	return ByPullRequest
}

var (
	githubSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(#([0-9]{1,9})\)\s*$`) })
	gitlabSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(!([0-9]{1,9})\)\s*$`) })
	gitlabSee    = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^See merge request \S*!([0-9]{1,9})\s*$`)
	})
)

// FindRequest finds the request a squash commit's message names: GitHub's
// "(#123)" at the end of the subject, GitLab's "(!123)" there or its
// "See merge request group/project!123" line. It is a pure function.
func FindRequest(message string) Request {
	subject, _, _ := strings.Cut(strings.TrimLeft(message, "\n"), "\n")
	if m := githubSuffix().FindStringSubmatch(subject); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Request{Number: n}
	}
	if m := gitlabSuffix().FindStringSubmatch(subject); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Request{Number: n, GitLab: true}
	}
	if m := gitlabSee().FindStringSubmatch(message); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Request{Number: n, GitLab: true}
	}
	return Request{}
}

type requestCommits struct {
	commits []string
}

// mergedRequests finds the requests that merge commits name for the bare
// commits they brought in: GitLab's "Merge commit" method with squashing
// makes a squash commit that names nothing, merged by a commit whose
// message says "See merge request group/project!123".
func mergedRequests(ctx context.Context, repo *gitx.Repo, revs, bare []string, max int) (map[string]Request, error) {
	out := map[string]Request{}
	args := []string{"rev-list", "--merges"}
	if max > 0 {
		args = append(args, "--max-count="+strconv.Itoa(max))
	}
	list, err := repo.Output(ctx, append(append(args, revs...), "--")...)
	if err != nil {
		return nil, fmt.Errorf("listing the merges to restore: %w", err)
	}
	merges := strings.Fields(string(list))
	if len(merges) == 0 {
		return out, nil
	}
	isBare := map[string]bool{}
	for _, id := range bare {
		isBare[id] = true
	}
	metas, err := repo.ReadMeta(ctx, append([]string{"--no-walk=unsorted"}, merges...)...)
	if err != nil {
		return nil, err
	}
	for _, m := range metas {
		req := FindRequest(m.Message)
		if req.Number == 0 || len(m.Parents) < 2 {
			continue
		}
		side, err := repo.Output(ctx, "rev-list", "--no-merges", m.Parents[1], "--not", m.Parents[0], "--")
		if err != nil {
			return nil, fmt.Errorf("listing the commits %s merged: %w", m.ID, err)
		}
		for _, id := range strings.Fields(string(side)) {
			if _, done := out[id]; isBare[id] && !done {
				out[id] = req
			}
		}
	}
	return out, nil
}

// requestSources lists, oldest first, the commits of the request's head
// that base (the squash commit's parent) does not have. The head is looked
// for in the repository (the server's own ref, or one fetched before) and
// else fetched from remote into RefPrefix.
func requestSources(ctx context.Context, repo *gitx.Repo, req Request, base, remote string) (rc requestCommits, fetched bool, err error) {
	ref := req.Ref()
	kept := RefPrefix + strings.TrimPrefix(ref, "refs/")
	head := ""
	for _, r := range []string{ref, kept} {
		if id, err := repo.Line(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", r+"^{commit}"); err == nil && id != "" {
			head = id
			break
		}
	}
	if head == "" && remote != "" {
		fetched = true
		fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		defer cancel()
		_, err := fetchEnv(repo).Output(fctx, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
			"--no-recurse-submodules", "--end-of-options", remote, "+"+ref+":"+kept)
		if err != nil {
			var ge *gitx.Error
			if errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref") {
				return requestCommits{}, true, nil
			}
			if fctx.Err() != nil {
				err = fmt.Errorf("timed out")
			}
			return requestCommits{}, true, fmt.Errorf("%s not fetched from %s: %v", ref, remote, firstLine(err.Error()))
		}
		head, _ = repo.Line(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", kept+"^{commit}")
	}
	if head == "" {
		return requestCommits{}, fetched, nil
	}
	out, err := repo.Output(ctx, "rev-list", "--reverse", "--topo-order", "--no-merges", head, "--not", base, "--")
	if err != nil {
		return requestCommits{}, fetched, fmt.Errorf("listing the commits of %s: %w", ref, err)
	}
	return requestCommits{commits: strings.Fields(string(out))}, fetched, nil
}

// fetchEnv is repo's git runner for fetches that must never ask for a
// password.
func fetchEnv(repo *gitx.Repo) *gitx.Git {
	g := *repo.Git
	g.Env = append(append([]string{}, g.Env...), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
	return &g
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// matched is a commit and the noted commits found to be its sources.
type matched struct {
	New  string
	Olds []string
	how  How
}

// change is what one commit's diff says, for matching.
type change struct {
	id    string
	time  int64
	order int
	patch string
	// added holds the significant lines the commit added, per path.
	added map[string]map[string]bool
}

// matchNoted finds sources among the noted commits that none of the bare
// commits descends from: first a commit with the same patch, else those
// that added some of the same lines to the same files.
func matchNoted(ctx context.Context, repo *gitx.Repo, bare []string, noted map[string]string, have map[string]bool) ([]matched, error) {
	cands, err := offHistory(ctx, repo, bare, noted, have)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	changes, err := readChanges(ctx, repo, append(append([]string{}, bare...), cands...))
	if err != nil {
		return nil, err
	}
	var olds []*change
	byPatch := map[string][]*change{}
	for _, id := range cands {
		if c, ok := changes[id]; ok {
			olds = append(olds, c)
			if c.patch != "" {
				byPatch[c.patch] = append(byPatch[c.patch], c)
			}
		}
	}
	var out []matched
	for _, id := range bare {
		c, ok := changes[id]
		if !ok {
			continue
		}
		if same := byPatch[c.patch]; c.patch != "" && len(same) > 0 {
			out = append(out, matched{New: id, Olds: ordered(same), how: ByPatch})
			continue
		}
		var share []*change
		for _, o := range olds {
			if overlaps(c, o) {
				share = append(share, o)
			}
		}
		if len(share) > 0 {
			out = append(out, matched{New: id, Olds: ordered(share), how: ByContent})
		}
	}
	return out, nil
}

// ordered sorts changes oldest first (by committer date, then as git
// listed them) and returns their ids: later writers win.
func ordered(cs []*change) []string {
	cs = append([]*change(nil), cs...)
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].time != cs[j].time {
			return cs[i].time < cs[j].time
		}
		return cs[i].order > cs[j].order // git log lists newest first
	})
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.id
	}
	return ids
}

func overlaps(c, o *change) bool {
	for path, lines := range o.added {
		mine := c.added[path]
		for l := range lines {
			if mine[l] {
				return true
			}
		}
	}
	return false
}

// present lists the noted commits that are in the repository.
func present(ctx context.Context, repo *gitx.Repo, noted map[string]string) (map[string]bool, error) {
	var ids []string
	for id := range noted {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	have, err := repo.Commits(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("looking up the noted commits: %w", err)
	}
	return have, nil
}

// offHistory lists the noted commits in the repository (have) that none
// of the bare commits descends from.
func offHistory(ctx context.Context, repo *gitx.Repo, bare []string, noted map[string]string, have map[string]bool) ([]string, error) {
	if len(have) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(have))
	for id := range have {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var in strings.Builder
	for _, id := range ids {
		in.WriteString(id + "\n")
	}
	for _, id := range bare {
		in.WriteString("^" + id + "\n")
	}
	out, err := repo.Input(ctx, strings.NewReader(in.String()), "rev-list", "--no-merges", "--stdin")
	if err != nil {
		return nil, fmt.Errorf("listing noted commits off the restored history: %w", err)
	}
	var cands []string
	for _, id := range strings.Fields(string(out)) {
		if _, ok := noted[id]; ok {
			cands = append(cands, id)
		}
	}
	return cands, nil
}

// readChanges reads the diffs of ids in one git log stream: a patch key
// that ignores line numbers (as git patch-id does) and the significant
// lines each commit added.
func readChanges(ctx context.Context, repo *gitx.Repo, ids []string) (map[string]*change, error) {
	out := map[string]*change{}
	var cur *change
	var files []string
	finish := func() {
		if cur != nil && len(files) > 0 {
			sort.Strings(files)
			h := sha256.Sum256([]byte(strings.Join(files, "\x00")))
			cur.patch = hex.EncodeToString(h[:])
		}
	}
	p := &diff.Parser{
		KeepContent:  true,
		CommitPrefix: "\x1e",
		OnCommit: func(header string) error {
			finish()
			f := strings.Fields(header)
			if len(f) < 2 {
				return fmt.Errorf("unexpected commit header %q", header)
			}
			t, _ := strconv.ParseInt(f[1], 10, 64)
			cur = &change{id: f[0], time: t, order: len(out), added: map[string]map[string]bool{}}
			out[f[0]] = cur
			files = nil
			return nil
		},
		OnFile: func(fl *diff.File) error {
			if cur == nil {
				return nil
			}
			h := sha256.New()
			fmt.Fprintf(h, "%s\x00%s\x00%v\x00", fl.OldPath, fl.NewPath, fl.Binary)
			for _, hk := range fl.Hunks {
				for _, l := range hk.Removed {
					io.WriteString(h, "-"+l+"\n")
				}
				for _, l := range hk.Added {
					io.WriteString(h, "+"+l+"\n")
					if significant(l) && fl.NewPath != "" {
						m := cur.added[fl.NewPath]
						if m == nil {
							m = map[string]bool{}
							cur.added[fl.NewPath] = m
						}
						m[strings.TrimSpace(l)] = true
					}
				}
			}
			files = append(files, hex.EncodeToString(h.Sum(nil)))
			return nil
		},
	}
	args := append([]string{"log", "--no-walk=unsorted", "--stdin", "--root", "--no-merges", "--format=%x1e%H %ct"}, added.DiffArgs...)
	err := repo.Stream(ctx, strings.NewReader(strings.Join(ids, "\n")+"\n"), func(r io.Reader) error {
		if err := p.Parse(r); err != nil {
			return err
		}
		finish()
		return nil
	}, append(args, "--")...)
	if err != nil {
		return nil, fmt.Errorf("reading the changes of the commits to restore: %w", err)
	}
	return out, nil
}

// significant reports whether an added line says enough to match a
// commit by: not blank, not a lone brace or bracket.
func significant(l string) bool {
	t := strings.TrimSpace(l)
	if len(t) < 3 {
		return false
	}
	return strings.Trim(t, "{}()[];,") != ""
}
