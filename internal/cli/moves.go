package cli

import (
	"strconv"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/config"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// movesFlag is --moves, --moves=<n> (both thresholds) or --moves=<m>,<c>
// (git blame's -M<m> and -C<c>); --moves=false turns it off.
type movesFlag struct {
	on  bool
	th  walk.Thresholds
	set bool
}

func (m *movesFlag) String() string {
	switch {
	case !m.on:
		return "false"
	case m.th == walk.Thresholds{}:
		return "true"
	}
	return strconv.Itoa(m.th.Within) + "," + strconv.Itoa(m.th.Across)
}

func (m *movesFlag) Type() string { return "[<m>[,<c>]]" }

func (m *movesFlag) Set(v string) error {
	m.set = true
	switch strings.ToLower(v) {
	case "true", "":
		m.on, m.th = true, walk.Thresholds{}
		return nil
	case "false":
		m.on, m.th = false, walk.Thresholds{}
		return nil
	}
	a, c, two := strings.Cut(v, ",")
	if !two {
		c = a
	}
	within, err1 := strconv.Atoi(strings.TrimSpace(a))
	across, err2 := strconv.Atoi(strings.TrimSpace(c))
	if err1 != nil || err2 != nil || within < 1 || across < 1 || within > config.MaxMoveScore || across > config.MaxMoveScore {
		return usageError("invalid --moves=%q: give <n> or <m>,<c>, whole numbers of alphanumeric characters (as git blame -M<m> -C<c>), e.g. --moves=100", v)
	}
	m.on, m.th = true, walk.Thresholds{Within: within, Across: across}
	return nil
}

// resolve is what to trace: the flag when given, else the configuration.
func (m *movesFlag) resolve(cfg *config.Config) (bool, walk.Thresholds) {
	if m.set || cfg == nil {
		return m.on, m.th
	}
	return cfg.Moves, walk.Thresholds{Within: cfg.MovesWithin, Across: cfg.MovesAcross}
}

const movesUsage = "keep the origin of moved and copied lines (as git blame -M -C -C); =<n> or =<m>,<c> sets the thresholds as -M<m> -C<c> do (defaults 20,40)"
