package capture_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/notes"
)

// feed is what the post-commit hook's script pipes into the binary.
func feed(t *testing.T, r *gittest.Repo) string {
	t.Helper()
	return r.Git(capture.FeedArgs()...)
}

// TestReadFeedMatchesReadCommit reads commits whose messages hold the
// feed's own marker and diff-like lines, and a merge, both ways.
func TestReadFeedMatchesReadCommit(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "1\n2\n")
	r.Commit("root")
	marker := strings.TrimSuffix(strings.SplitN(feed(t, r), "\n", 2)[0], "\n")
	if !strings.HasPrefix(marker, "\x1dais-feed-") {
		t.Fatalf("feed starts with %q", marker)
	}
	r.Write("a.txt", "1\n2\n3\n")
	msg := "Looks like a diff\n\n" + marker + "\n\x1e" + strings.Repeat("f", 40) + "\ndiff --git a/evil b/evil\n--- a/evil\n+++ b/evil\n@@ -0,0 +1,99 @@\n+x\n" + marker + "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
	r.Git("add", "a.txt")
	r.Git("commit", "-q", "-m", msg)
	check := func(what string) {
		t.Helper()
		want, wantAdded, err := capture.ReadCommit(context.Background(), r.Open(t), "HEAD", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		got, gotAdded, err := capture.ReadFeed(strings.NewReader(feed(t, r)), time.Now().Add(time.Minute))
		if err != nil {
			t.Fatalf("%s: ReadFeed: %v", what, err)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotAdded, wantAdded) {
			t.Errorf("%s: ReadFeed = %+v %+v\nReadCommit = %+v %+v", what, got, gotAdded, want, wantAdded)
		}
		if len(gotAdded.Files) != 1 {
			t.Errorf("%s: files %+v", what, gotAdded.Files)
		}
	}
	check("hostile message")
	if m, _, _ := capture.ReadFeed(strings.NewReader(feed(t, r)), time.Now().Add(time.Minute)); !strings.Contains(m.Message, "diff --git a/evil") {
		t.Errorf("message = %q", m.Message)
	}
	commitMerge(r, "merge\n\n"+marker)
	check("merge")
}

func TestReadFeedRejectsOtherOutput(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "1\n")
	r.Commit("root")
	deadline := time.Now().Add(time.Minute)
	other := strings.Replace(feed(t, r), "\x1dais-feed-", "\x1dais-feed-0", 1)
	if _, _, err := capture.ReadFeed(strings.NewReader(other), deadline); !errors.Is(err, capture.ErrFeedVersion) {
		t.Errorf("another version's feed: %v", err)
	}
	for _, in := range []string{"", "fatal: bad revision\n", "\x1dais"} {
		if _, _, err := capture.ReadFeed(strings.NewReader(in), deadline); err == nil || errors.Is(err, capture.ErrFeedVersion) {
			t.Errorf("feed %q: %v", in, err)
		}
	}

	// PostCommit reads the commit itself instead, and says why when the
	// hook is from another version.
	ctx := context.Background()
	repo := r.Open(t)
	res, err := capture.PostCommit(ctx, repo, nil, capture.PostCommitOptions{Budget: time.Minute, Feed: strings.NewReader(other)})
	if err != nil || res.Lines != 1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "git ai-survival install") {
		t.Fatalf("PostCommit = %+v, %v", res, err)
	}
	r.Write("a.txt", "1\n2\n")
	r.Commit("second")
	res, err = capture.PostCommit(ctx, repo, nil, capture.PostCommitOptions{Budget: time.Minute, Feed: strings.NewReader("")})
	if err != nil || res.Lines != 1 || len(res.Warnings) != 0 {
		t.Fatalf("PostCommit with an empty feed = %+v, %v", res, err)
	}
	if e, ok, err := notes.New(repo).Read(ctx, res.Commit); err != nil || !ok || e.Err != nil {
		t.Errorf("note: %v %v", ok, err)
	}
}
