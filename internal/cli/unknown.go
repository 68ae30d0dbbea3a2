package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/measure"
	"github.com/git-ai-survival/git-ai-survival/internal/resolve"
)

// unknownAsFlag adds --unknown-as to cmd, bound to *v.
func unknownAsFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "unknown-as", "", "count lines with no evidence as `human` (or unknown, the default; overrides unknown: in .ai-survival.yaml)")
}

// checkUnknownAs validates --unknown-as.
func checkUnknownAs(v string) error {
	switch v {
	case "", "human", "unknown":
		return nil
	}
	return usageError("invalid --unknown-as %q: use human or unknown", v)
}

// unknownAs is the unknown-as setting: the flag when given, else the
// configuration's; a since: the configuration names that is neither a
// date nor a commit is a usage error.
func unknownAs(ctx context.Context, repo *gitx.Repo, cfg *config.Config, flag string) (*resolve.UnknownAs, error) {
	as := cfg.Unknown.As
	if flag != "" {
		as = flag
	}
	u, err := measure.UnknownPolicy(ctx, repo, as, cfg.Unknown.Since)
	if err != nil {
		where := ""
		if cfg.File != "" {
			where = cfg.File + ": "
		}
		return nil, usageError("%s%v", where, err)
	}
	return u, nil
}
