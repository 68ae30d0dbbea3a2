package cli

import (
	"context"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/pathspec"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// measureFlags are the flags of report and ci that say which lines count
// and how they are traced.
type measureFlags struct {
	Moves bool
	// moves is --moves as given (with its thresholds).
	moves       movesFlag
	NoInference bool
	// Pathspecs (after --) select the lines that count, as git pathspecs.
	Pathspecs []string
	// UnknownAs is --unknown-as: "human", "unknown" or "" (the config's).
	UnknownAs string
}

// measureSetup is what measureFlags resolve to with the configuration.
type measureSetup struct {
	cfg      *config.Config
	classify resolve.Classifier
	unknown  *resolve.UnknownAs
	specs    *pathspec.Set
	moves    bool
	th       walk.Thresholds
}

// setupMeasure loads the configuration and resolves m against it: a bad
// configuration, unknown-as setting or pathspec is an error (exit 2).
func (f *Factory) setupMeasure(ctx context.Context, repo *gitx.Repo, m *measureFlags) (measureSetup, error) {
	var s measureSetup
	var err error
	if s.cfg, s.classify, err = f.setup(repo); err != nil {
		return s, err
	}
	if m.NoInference {
		s.cfg.Inference = false
	}
	if s.unknown, err = unknownAs(ctx, repo, s.cfg, m.UnknownAs); err != nil {
		return s, err
	}
	if s.specs, err = readPathspecs(repo, f.Dir, m.Pathspecs); err != nil {
		return s, err
	}
	s.moves, s.th = m.movesOf(s.cfg)
	return s, nil
}

// movesOf is what to trace: --moves when given, else the configuration.
func (m *measureFlags) movesOf(cfg *config.Config) (bool, walk.Thresholds) {
	if !m.moves.set && m.Moves {
		return true, walk.Thresholds{}
	}
	return m.moves.resolve(cfg)
}
