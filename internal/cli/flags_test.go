package cli

import (
	"context"
	"reflect"
	"testing"

	"github.com/spf13/cobra"
)

// execute runs cmd with args and returns its error.
func execute(cmd *cobra.Command, args ...string) error {
	ios, _, _, _ := Test()
	cmd.SetArgs(args)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(context.Background())
}

// Each command's flags become its options (through the runF seam, with no
// repository), and bad flags are usage errors (exit 2) before any run.
func TestFlagsToOptions(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := Test()
	f := &Factory{IO: ios}

	var ci *CIOptions
	ciCmd := func() *cobra.Command {
		ci = nil
		return NewCmdCI(f, func(_ context.Context, o *CIOptions) error { ci = o; return nil })
	}
	if err := execute(ciCmd(), "--base", "origin/main", "--fail-under", "60%", "--annotate", "--no-fetch", "--moves=30,50", "--", "src", ":!gen"); err != nil || ci == nil {
		t.Fatalf("ci: %v", err)
	}
	if ci.Base != "origin/main" || ci.FailUnder != 60 || !ci.failUnderSet || !ci.Annotate || !ci.NoFetch || !ci.Moves ||
		ci.moves.th.Within != 30 || ci.moves.th.Across != 50 || !reflect.DeepEqual(ci.Pathspecs, []string{"src", ":!gen"}) || ci.ReleaseTags != "v*" {
		t.Errorf("ci options: %+v", ci)
	}
	if err := execute(ciCmd(), "--fail-under", "0"); err != nil || ci.FailUnder != 0 || !ci.failUnderSet {
		t.Errorf("ci --fail-under 0: %v %+v", err, ci)
	}
	for _, bad := range [][]string{
		{"--range", "a..b", "--base", "c"},
		{"--base", "--upload-pack=x"},
		{"--fail-under", "101"},
		{"--fail-under", "NaN"},
		{"--unknown-as", "ai"},
		{"--moves=0"},
		{"extra"},
	} {
		if err := execute(ciCmd(), bad...); exitCode(err) != ExitError || ci != nil {
			t.Errorf("ci %q: err %v (exit %d), ran %v", bad, err, exitCode(err), ci != nil)
		}
	}

	var rep *ReportOptions
	repCmd := func() *cobra.Command {
		rep = nil
		return newCmdReport(f, func(_ context.Context, o *ReportOptions) error { rep = o; return nil })
	}
	if err := execute(repCmd(), "v1..v2", "--format", "json", "--since", "2026-01-01", "--author", "Ann", "--unknown-as", "human", "--", "a"); err != nil || rep == nil {
		t.Fatalf("report: %v", err)
	}
	if rep.Range != "v1..v2" || rep.Format != "json" || rep.filter == nil || rep.UnknownAs != "human" || !reflect.DeepEqual(rep.Pathspecs, []string{"a"}) || rep.failUnderSet {
		t.Errorf("report options: %+v", rep)
	}
	for _, bad := range [][]string{{"a", "b"}, {"--format", "xml"}, {"--since", "whenever"}, {"--until", "2026-01-01", "--since", "2026-02-01"}, {"--author", "("}} {
		if err := execute(repCmd(), bad...); exitCode(err) != ExitError || rep != nil {
			t.Errorf("report %q: err %v, ran %v", bad, err, rep != nil)
		}
	}

	var ann *AnnotateOptions
	annCmd := func() *cobra.Command {
		ann = nil
		return newCmdAnnotate(f, func(_ context.Context, o *AnnotateOptions) error { ann = o; return nil })
	}
	if err := execute(annCmd(), "HEAD~2..HEAD", "--agent", "aider", "--model", "m"); err != nil || ann == nil || ann.Target != "HEAD~2..HEAD" || ann.Agent != "aider" || ann.Model != "m" {
		t.Errorf("annotate: %v %+v", err, ann)
	}
	for _, bad := range [][]string{{"HEAD", "--agent", "a", "--human"}, {"HEAD", "--model", "m"}, {"--restore", "--force"}, {"--human"}} {
		if err := execute(annCmd(), bad...); exitCode(err) != ExitError || ann != nil {
			t.Errorf("annotate %q: err %v, ran %v", bad, err, ann != nil)
		}
	}

	var bl *BlameOptions
	blCmd := func() *cobra.Command {
		bl = nil
		return newCmdBlame(f, func(_ context.Context, o *BlameOptions) error { bl = o; return nil })
	}
	if err := execute(blCmd(), "a.go", "-L", "3,+2", "-L", "9", "--ai-only", "--rev", "v1"); err != nil || bl == nil || bl.File != "a.go" || !reflect.DeepEqual(bl.Ranges, []string{"3,+2", "9"}) || !bl.AIOnly || bl.Rev != "v1" {
		t.Errorf("blame: %v %+v", err, bl)
	}
	for _, bad := range [][]string{{}, {"a.go", "-L", "x"}, {"a.go", "--format", "html"}} {
		if err := execute(blCmd(), bad...); exitCode(err) != ExitError || bl != nil {
			t.Errorf("blame %q: err %v, ran %v", bad, err, bl != nil)
		}
	}

	var sh *ShowOptions
	if err := execute(newCmdShow(f, func(_ context.Context, o *ShowOptions) error { sh = o; return nil })); err != nil || sh == nil || sh.Rev != "HEAD" || sh.Format != "text" {
		t.Errorf("show: %v %+v", err, sh)
	}
	var st *StatusOptions
	if err := execute(newCmdStatus(f, func(_ context.Context, o *StatusOptions) error { st = o; return nil }), "--format", "json"); err != nil || st == nil || st.Format != "json" {
		t.Errorf("status: %v %+v", err, st)
	}

	var cp *CheckpointOptions
	if err := execute(newCmdCheckpoint(f, func(_ context.Context, o *CheckpointOptions) error { cp = o; return nil }), "--agent", "aider", "--after", "--", "a.go"); err != nil || cp == nil ||
		cp.Agent != "aider" || !cp.After || !reflect.DeepEqual(cp.Paths, []string{"a.go"}) {
		t.Errorf("checkpoint: %v %+v", err, cp)
	}
	// A bad checkpoint flag is a warning, never an error: it would stop the agent.
	cp = nil
	if err := execute(newCmdCheckpoint(f, func(_ context.Context, o *CheckpointOptions) error { cp = o; return nil }), "--nope"); err != nil || cp != nil {
		t.Errorf("checkpoint --nope: %v, ran %v", err, cp != nil)
	}
}
