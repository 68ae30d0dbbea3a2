package cli

import (
	"context"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/evidence"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
)

// loadConfig reads --config, else the repository's .ai-survival.yaml,
// else the defaults. Errors name the file, line and reason.
func (f *Factory) loadConfig(repo *gitx.Repo) (*config.Config, error) {
	switch {
	case f.ConfigPath != "":
		return config.Load(f.ConfigPath)
	case repo.Top != "":
		return config.LoadRepo(repo.Top)
	}
	return config.Default(), nil
}

// classifierFor turns the built-in evidence rules plus cfg's rules into a
// commit classifier.
func classifierFor(cfg *config.Config) (resolve.Classifier, error) {
	rules, err := evidence.Builtin().WithConfig(cfg.Rules)
	if err != nil {
		return nil, err
	}
	return rules.Classify, nil
}

// setup loads the configuration and its classifier for a command: a bad
// configuration is an error (exit 2).
func (f *Factory) setup(repo *gitx.Repo) (*config.Config, resolve.Classifier, error) {
	cfg, err := f.loadConfig(repo)
	if err != nil {
		return nil, nil, err
	}
	classify, err := classifierFor(cfg)
	return cfg, classify, err
}

// hookClassifier is setup for hooks, which must never fail: a bad
// configuration is a warning and the built-in rules apply alone.
func (f *Factory) hookClassifier(ctx context.Context, repo *gitx.Repo) resolve.Classifier {
	_, classify, err := f.setup(repo)
	if err != nil {
		f.Warnf("git-ai-survival: %v (built-in rules used alone)", err)
		classify, _ = classifierFor(config.Default())
	}
	return classify
}
