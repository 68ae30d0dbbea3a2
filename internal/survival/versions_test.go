package survival

import (
	"math/rand"
	"strings"
	"testing"
)

// The order of every form of version tag, mixed: semantic, PEP 440 (as
// Python projects tag) and calendar versions.
func TestVersionOrder(t *testing.T) {
	want := []string{
		"v0.14.2-dev1", "v0.14.2a1", "v0.14.2-beta.2", "v0.14.2rc1", "v0.14.2-rc.2", "v0.14.2", "v0.14.2.post1",
		"v0.54.13.dev", "v0.54.13.dev3", "0.54.13a1.dev1", "0.54.13a1", "v0.54.13", "0.54.13.post1.dev2", "0.54.13.post1", "0.54.13-2",
		"v0.54.14-SNAPSHOT", "v0.54.14-alpha", "v0.54.14", "v1.0", "v1.0.0.1", "1.1.0+local.7",
		"v2.0.0-rc.1", "v2.0.0-rc.10", "v2",
		"23.10", "24.04", "24.04.1", "2024-01", "2024.01.15", "2024-02-01", "2024.2.2", "2025.1",
		"1!0.1",
	}
	in := make([]Tag, len(want))
	for i, w := range want {
		in[i] = Tag{Name: w}
	}
	rand.New(rand.NewSource(1)).Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
	in = append(in, Tag{Name: "latest"}, Tag{Name: "release-candidate"}, Tag{Name: "v1.2.x"}, Tag{Name: "nightly-2024-01-01"})
	got, bad := SortTags(in)
	var names []string
	for _, g := range got {
		names = append(names, g.Name)
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %s\nwant %s", strings.Join(names, " "), strings.Join(want, " "))
	}
	if len(bad) != 4 {
		t.Errorf("not versions: %v, want latest, release-candidate, v1.2.x, nightly-2024-01-01", bad)
	}
}
