package measure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitai"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// run walks wo (without its Attributor) through the report cache, unless
// opts.NoCache; the attributor reads only the notes of the commits the
// walk will read.
func run(ctx context.Context, repo *gitx.Repo, wo walk.Options, opts Options) (*walk.Result, error) {
	branches := mergedBranches(ctx, repo, opts)
	// The notes are read as the walk goes (notestream.go): stop reading
	// when it is over.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opts.NoCache {
		attr, err := attributor(ctx, repo, opts, nil, branches)
		if err != nil {
			return nil, err
		}
		wo.Attributor = attr
		return walk.Run(ctx, repo, wo)
	}
	tips, err := gitai.Refs(ctx, repo)
	if err != nil {
		return nil, err
	}
	res, st, err := walkcache.Run(ctx, repo, wo, walkcache.Options{
		Dir:      walkcache.Dir(repo),
		Settings: settings(opts.Config) + branchesKey(branches) + gitAISettings(tips) + unknownSettings(opts.Unknown) + opts.generated.key(),
		NotesRef: provenance.NotesRef,
		Attributor: func(commits []string) (walk.Attributor, error) {
			return attributor(ctx, repo, opts, commits, branches)
		},
		Warn: opts.Warn,
	})
	if opts.OnCache != nil {
		opts.OnCache(st)
	}
	return res, err
}

// settings fingerprints what changes the walk besides the range and
// moves: the evidence rules, inference, and the build of this program
// (its built-in rules). Path filters are not in it: they decide what
// counts after the walk, which is the same for every filter.
func settings(cfg *config.Config) string {
	if cfg == nil {
		cfg = config.Default()
	}
	h := sha256.New()
	fmt.Fprintf(h, "build %s\ninference %t\n", build(), cfg.Inference)
	re := func(r *regexp.Regexp) string {
		if r == nil {
			return "-"
		}
		return fmt.Sprintf("%q", r.String())
	}
	for _, r := range cfg.Rules {
		fmt.Fprintf(h, "rule %q %q %s %s %s\n", r.Agent, r.Model, re(r.Author), re(r.Committer), re(r.Message))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// gitAISettings fingerprints git-ai's notes refs: when one moves, the
// saved walk is redone (git-ai notes are rare enough that this is cheap).
func gitAISettings(tips []gitai.Tip) string {
	f := gitai.Fingerprint(tips)
	if f == "" {
		return ""
	}
	h := sha256.Sum256([]byte(f))
	return " git-ai " + hex.EncodeToString(h[:])
}

// unknownSettings fingerprints the unknown-as setting.
func unknownSettings(u *resolve.UnknownAs) string {
	s := u.String()
	if s == "" {
		return ""
	}
	if u.Ancestors != nil {
		ids := make([]string, 0, len(u.Ancestors))
		for id := range u.Ancestors {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		h := sha256.Sum256([]byte(strings.Join(ids, "\n")))
		s += " " + hex.EncodeToString(h[:])
	}
	return " unknown-as " + s
}

// branchesKey fingerprints the branch evidence, so that a walk saved
// before a merge from an agent's branch is not continued with its
// commits attributed without it; "" when there is none.
func branchesKey(branches map[string]string) string {
	if len(branches) == 0 {
		return ""
	}
	ids := make([]string, 0, len(branches))
	for id := range branches {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		fmt.Fprintf(h, "%s %s\n", id, branches[id])
	}
	return " branches " + hex.EncodeToString(h.Sum(nil))
}

// build identifies this program's build: its version and VCS revision
// when the Go tool recorded them.
var build = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	s := info.Main.Version
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision", "vcs.time", "vcs.modified":
			s += " " + kv.Value
		}
	}
	return s
})
