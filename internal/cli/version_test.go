package cli

import (
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	for _, c := range []struct {
		ld   string
		info *debug.BuildInfo
		want string
	}{
		{"", nil, "dev"},
		{"cf87a87", nil, "dev (commit cf87a87)"},
		{"cf87a87-dirty", nil, "dev (commit cf87a87, modified)"},
		{"v1.2.0", nil, "v1.2.0"},
		{"v1.2.0-dirty", nil, "v1.2.0 (modified)"},
		{"v1.2.0-3-gabc1234", nil, "v1.2.0-3-gabc1234 (commit abc1234)"},
		{"v1.2.0", vcs("0123456789abcdef0123", "false"), "v1.2.0 (commit 0123456789ab)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.1"}}, "v1.3.1"},
		{"", vcs("0123456789abcdef0123", "true"), "dev (commit 0123456789ab, modified)"},
	} {
		if got := formatVersion(c.ld, c.info); got != c.want {
			t.Errorf("formatVersion(%q) = %q, want %q", c.ld, got, c.want)
		}
	}
}
