package restore

import (
	"fmt"
	"io"
)

// Bounds of the restores that run on their own: sync and ci examine at
// most Limit of the newest commits (annotate --restore examines what it is
// given) and fetch at most FetchLimit pull request heads; the post-merge
// hook, which must be quick, fetches at most HookFetchLimit.
const (
	Limit          = 500
	FetchLimit     = 20
	HookFetchLimit = 3
)

// Print says which commits got a note back, and from what, one line each,
// and how many notes were written.
func (r Result) Print(w io.Writer) {
	for _, c := range r.Restored {
		how := string(c.How)
		if c.Request > 0 {
			sign := "#"
			if c.How == ByMergeRequest {
				sign = "!"
			}
			how = fmt.Sprintf("%s %s%d", c.How, sign, c.Request)
		}
		fmt.Fprintf(w, "restored %s: %d of %d lines from %d commit%s (%s)\n",
			c.Commit[:12], c.Lines, c.Added, len(c.Sources), plural(len(c.Sources)), how)
	}
	fmt.Fprintf(w, "restored %d note%s (%d commit%s without a note examined)\n",
		r.Written, plural(r.Written), r.Examined, plural(r.Examined))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
