package ci

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Time limits of the network steps: a CI job must never hang.
var (
	DeepenTimeout = 10 * time.Minute
	NotesTimeout  = 2 * time.Minute
)

// deepenSteps are the --deepen amounts tried for bounded ranges before
// falling back to --unshallow.
var deepenSteps = []int{50, 500}

// Prepared says what Prepare did and could not do.
type Prepared struct {
	Remote string
	// Deepened describes how the clone was made deep enough ("" when it
	// already was).
	Deepened string
	// StillShallow is set when the clone stayed shallow.
	StillShallow bool
	// NotesFetched is set when the remote's notes were fetched and merged;
	// NoRemoteNotes when the remote has none.
	NotesFetched, NoRemoteNotes bool
	// Problems are what could not be done, one sentence each, with the fix.
	Problems []string
	// Warnings are lesser remarks (notes merge warnings).
	Warnings []string
}

// PrepareOptions say what Prepare may do.
type PrepareOptions struct {
	// Remote to fetch from ("" = origin, else the only remote).
	Remote string
	// NoFetch forbids every network step.
	NoFetch bool
	// Tags fetches the remote's tags (for the release range).
	Tags bool
	// Log receives progress lines ("deepening the shallow clone ...").
	Log func(string)
}

func (o PrepareOptions) log(format string, args ...any) {
	if o.Log != nil {
		o.Log(fmt.Sprintf(format, args...))
	}
}

// Prepare makes the checkout fit to measure plan: it deepens a shallow
// clone (a bounded range first by --deepen steps, else --unshallow),
// fetches the commits the plan names that the checkout lacks, and fetches
// the remote's provenance notes into their tracking ref and merges them
// into the local notes (never replacing a local note). Whatever fails is
// said in Problems; Prepare itself fails only when ctx is done.
func Prepare(ctx context.Context, repo *gitx.Repo, plan Plan, opts PrepareOptions) (*Prepared, error) {
	res := &Prepared{}
	if opts.NoFetch {
		if repo.Shallow {
			res.StillShallow = true
			res.Problems = append(res.Problems, "the clone is shallow and --no-fetch forbids deepening it: ranges that reach its boundary cannot be measured (check out with full history, e.g. actions/checkout's fetch-depth: 0)")
		}
		return res, nil
	}
	remote, err := chooseRemote(ctx, repo, opts.Remote)
	if err != nil {
		res.StillShallow = repo.Shallow
		res.Problems = append(res.Problems, err.Error()+": the clone could not be deepened nor the notes fetched")
		return res, ctx.Err()
	}
	res.Remote = remote
	fetchMissing(ctx, repo, plan, remote, opts, res)
	if repo.Shallow {
		deepen(ctx, repo, plan, opts, res)
	} else if opts.Tags {
		dctx, cancel := context.WithTimeout(ctx, DeepenTimeout)
		if _, err := repo.Output(dctx, "fetch", "--quiet", "--tags", "--no-recurse-submodules", "--end-of-options", remote); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("could not fetch tags from %s: %v", remote, netErr(dctx, err)))
		}
		cancel()
	}
	fetchNotes(ctx, repo, remote, opts, res)
	return res, ctx.Err()
}

// chooseRemote is the named remote, else origin, else the only remote.
func chooseRemote(ctx context.Context, repo *gitx.Repo, name string) (string, error) {
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return "", fmt.Errorf("cannot list the remotes: %v", err)
	}
	if name != "" {
		for _, r := range remotes {
			if r == name {
				return r, nil
			}
		}
		if strings.Contains(name, "/") || strings.Contains(name, ":") {
			return name, nil // a URL or path
		}
		return "", fmt.Errorf("there is no remote %q (remotes: %s)", name, orNone(remotes))
	}
	if r, ok := gitx.PreferredRemote(remotes); ok {
		return r, nil
	}
	if len(remotes) == 0 {
		return "", errors.New("the repository has no remote")
	}
	return "", fmt.Errorf("several remotes and none is origin (%s): name one with --remote", strings.Join(remotes, ", "))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func netErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out: %w", err)
	}
	return err
}

// deepen deepens a shallow clone until every scope of plan is covered.
func deepen(ctx context.Context, repo *gitx.Repo, plan Plan, opts PrepareOptions, res *Prepared) {
	ctx, cancel := context.WithTimeout(ctx, DeepenTimeout)
	defer cancel()
	remote := res.Remote
	tags := []string{"--no-tags"}
	if opts.Tags {
		tags = []string{"--tags"}
	}
	bounded := len(plan.Scopes) > 0
	for _, s := range plan.Scopes {
		bounded = bounded && s.Bounded()
	}
	if bounded && !plan.Release {
		for _, n := range deepenSteps {
			if covered(ctx, repo, plan) {
				break
			}
			opts.log("deepening the shallow clone by %d commits from %s", n, remote)
			args := append([]string{"fetch", "--quiet", "--deepen=" + strconv.Itoa(n)}, tags...)
			if _, err := repo.Output(ctx, append(args, "--no-recurse-submodules", "--end-of-options", remote)...); err != nil {
				break // --unshallow below says what failed
			}
			if covered(ctx, repo, plan) {
				res.Deepened = fmt.Sprintf("deepened by %d commits from %s (git fetch --deepen)", n, remote)
				return
			}
		}
	}
	opts.log("fetching the full history from %s (git fetch --unshallow)", remote)
	args := append([]string{"fetch", "--quiet", "--unshallow"}, tags...)
	if _, err := repo.Output(ctx, append(args, "--no-recurse-submodules", "--end-of-options", remote)...); err != nil {
		res.StillShallow = true
		res.Problems = append(res.Problems, fmt.Sprintf("the clone is shallow and could not be deepened from %s (%v): ranges that reach its boundary cannot be measured (check out with full history, e.g. actions/checkout's fetch-depth: 0)", remote, netErr(ctx, err)))
		return
	}
	res.Deepened = "full history fetched from " + remote + " (git fetch --unshallow)"
}

// covered reports whether every bounded scope's commits have their
// parents in the clone.
func covered(ctx context.Context, repo *gitx.Repo, plan Plan) bool {
	shallow, _ := repo.ShallowCommits(ctx) // unreadable: taken as not shallow
	for _, s := range plan.Scopes {
		if !s.Bounded() {
			if len(shallow) > 0 {
				return false
			}
			continue
		}
		out, err := repo.Output(ctx, "rev-list", "--end-of-options", s.Range)
		if err != nil {
			return false
		}
		for _, id := range strings.Fields(string(out)) {
			if shallow[id] {
				return false
			}
		}
	}
	return true
}

// fetchMissing fetches by id the ends of the plan's ranges that the
// checkout lacks (a pull request's head and base, which a checkout of the
// merge commit may not have).
func fetchMissing(ctx context.Context, repo *gitx.Repo, plan Plan, remote string, opts PrepareOptions, res *Prepared) {
	var missing []string
	for _, s := range plan.Scopes {
		for _, rev := range []string{s.Start(), s.End} {
			if isHex(rev) && !hasCommit(ctx, repo, rev) {
				missing = append(missing, rev)
			}
		}
	}
	if len(missing) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, DeepenTimeout)
	defer cancel()
	opts.log("fetching %d commit(s) the checkout lacks from %s", len(missing), remote)
	args := []string{"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", "--end-of-options", remote}
	if _, err := repo.Output(ctx, append(args, missing...)...); err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("could not fetch %s from %s: %v", strings.Join(shortIDs(missing), ", "), remote, netErr(ctx, err)))
	}
}

func hasCommit(ctx context.Context, repo *gitx.Repo, id string) bool {
	_, err := repo.Output(ctx, "cat-file", "-e", id+"^{commit}")
	return err == nil
}

func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = provenance.ShortID(id)
	}
	return out
}

// fetchNotes brings the remote's notes into the tracking ref and merges
// every fetched tracking ref into the local notes.
func fetchNotes(ctx context.Context, repo *gitx.Repo, remote string, opts PrepareOptions, res *Prepared) {
	ctx, cancel := context.WithTimeout(ctx, NotesTimeout)
	defer cancel()
	opts.log("fetching provenance notes from %s", remote)
	fr, err := notesync.Fetch(ctx, repo, remote)
	if err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("provenance notes not fetched: %v", err))
	} else if fr.Tip == "" {
		res.NoRemoteNotes = true
	}
	merged, err := notesync.MergeFetched(ctx, repo)
	for _, m := range merged {
		res.Warnings = append(res.Warnings, m.Warnings...)
	}
	if err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("fetched notes not merged: %v", err))
		return
	}
	res.NotesFetched = fr.Tip != "" && !res.NoRemoteNotes
}
