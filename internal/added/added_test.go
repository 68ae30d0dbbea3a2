package added_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/added"
	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }

// summary renders what Stream reported, commit by commit, with
// commits named by their subjects.
func summary(t *testing.T, r *gittest.Repo, revs ...string) string {
	t.Helper()
	repo := r.Open(t)
	names := map[string]string{}
	metas, err := repo.ReadMeta(context.Background(), revs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metas {
		names[m.ID] = strings.TrimSpace(m.Message)
	}
	var lines []string
	err = added.Stream(context.Background(), repo, time.Time{}, func(a added.Lines) error {
		var parts []string
		for p, s := range a.Files {
			parts = append(parts, fmt.Sprintf("%q:%s", p, s))
		}
		for _, b := range a.Binary {
			parts = append(parts, fmt.Sprintf("%q:binary", b))
		}
		sort.Strings(parts)
		lines = append(lines, names[a.Commit]+" "+strings.Join(parts, " "))
		return nil
	}, revs...)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestStream(t *testing.T) {
	t.Parallel()
	r := gittest.New(t)
	r.Write("a.txt", "one\ntwo\nthree\n")
	r.Write("dir with space/ü.txt", "x\r\ny\r\n")
	r.Write("new\nline", "no final newline")
	r.Write("img.bin", "\x00\x01\x02")
	r.Write("empty", "")
	r.Write("r.txt", "r1\nr2\nr3\nr4\n")
	r.Commit("root")
	r.Write("a.txt", "one\nTWO\nthree\nfour\n")
	r.Git("mv", "r.txt", "moved.txt")
	r.Write("moved.txt", "r1\nr2\nr3\nr4\nr5\n")
	r.Commit("edit")
	r.Commit("empty commit")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("a.txt", "zero\none\nTWO\nthree\nfour\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("a.txt", "one\nTWO\nthree\nfour\nfive\n")
	r.Commit("main")
	r.Git("merge", "-q", "--no-commit", "side")
	r.Write("a.txt", "zero\none\nTWO\nthree\nfour\nfive\nmerge only\n")
	r.Git("add", "a.txt")
	r.Commit("merge")
	got := summary(t, r, "HEAD")
	want := strings.Join([]string{
		`edit "a.txt":2,4 "moved.txt":5`,
		`empty commit `,
		`main "a.txt":5`,
		`merge "a.txt":7`,
		`root "a.txt":1-3 "dir with space/ü.txt":1-2 "img.bin":binary "new\nline":1 "r.txt":1-4`,
		`side "a.txt":1`,
	}, "\n")
	if got != want {
		t.Errorf("added lines:\n%s\nwant:\n%s", got, want)
	}
}
