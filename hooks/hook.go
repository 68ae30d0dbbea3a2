package hooks

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/git-ai-survival/git-ai-survival/internal/capture"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
	"github.com/git-ai-survival/git-ai-survival/internal/rewrite"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// Version is the version of the block we install. Bump it whenever the text
// of Block or Wrapper changes, so that installing again updates old hooks.
const Version = 6

// Binary is the command the hooks run.
const Binary = "git-ai-survival"

// AsideSuffix is added to the name of a foreign hook that is moved aside
// (see the package documentation).
const AsideSuffix = ".ai-survival-orig"

// Hook is one git hook we install.
type Hook struct {
	// Name is the hook's name, as git knows it.
	Name string
	// Stdin says whether git passes lines on stdin (the block then saves
	// them for the rest of the script).
	Stdin bool
	// Lost says what is not done when the binary is missing, for the
	// warning.
	Lost string
	// Pipe, when set, runs the binary between two git commands (see
	// Pipeline).
	Pipe func() Pipeline
	// Background, for a hook with Stdin, runs the binary off git's path:
	// see rewriteBody.
	Background bool
	// Needs, when set, is a path in the git directory without which the
	// binary has nothing to do: the block then skips it, found with the
	// shell alone (it runs the binary when the git directory cannot be
	// found that way).
	Needs string
}

// Pipeline is how the post-commit hook runs: git reads the commit while the
// binary starts (`Feed | git-ai-survival hook NAME --feed`), and the binary
// writes the note (a compare-and-swap on the notes ref, so that commits in
// several worktrees at once never drop each other's notes). When the binary
// fails or is killed, Check tells whether its work is done anyway; if not,
// the hook's warning is printed. Each is a git command line without "git".
//
// Hooks of version 2 piped the binary's output (--note-to-stdout) into
// `git notes add`, which moves the ref without checking where it was; the
// binary still serves them.
//
// During a rebase (hooks of version 5 on), the script runs nothing: it adds
// HEAD's id to Pending in the rebase's directory, reading both with the
// shell alone, and the post-rewrite hook computes every listed commit's
// note at the rebase's end (see rewrite.PendingFile).
//
// Any other commit that copies nothing (no cherry-pick, sequencer or
// squash in progress) is tagged off the commit's path: the script resolves
// the new commit's id with the shell alone, creates its marker in Deferred
// (relative to the common git directory) and starts the binary in the
// background with --deferred <id> (see hookrun.DeferredDir); readers of
// the notes wait for the markers. With hookrun.SyncEnv set, or where the
// git directory or the commit cannot be found that way, the pipeline runs
// in the foreground as before.
type Pipeline struct {
	Feed, Check []string
	Pending     string
	Deferred    string
	// Copying are files of the git directory whose presence means the
	// commit copies others (their provenance is read in the foreground).
	Copying []string
}

// postCommitPipeline is the pipeline of the post-commit hook.
func postCommitPipeline() Pipeline {
	return Pipeline{
		Feed:     capture.FeedArgs(),
		Check:    []string{"notes", "--ref=" + provenance.NotesRef, "list", "HEAD"},
		Pending:  rewrite.PendingFile,
		Deferred: hookrun.DeferredDir,
		Copying:  []string{"CHERRY_PICK_HEAD", "sequencer", rewrite.SquashState},
	}
}

// The hooks we install.
var (
	// PostCommit records the provenance of the commit just made.
	PostCommit = Hook{Name: "post-commit", Lost: "provenance not recorded for this commit", Pipe: postCommitPipeline}
	// PrePush receives "<local ref> <local oid> <remote ref> <remote oid>"
	// lines on stdin and the remote's name and URL as arguments.
	PrePush = Hook{Name: "pre-push", Stdin: true, Lost: "provenance notes not pushed"}
	// PostRewrite receives "<old oid> <new oid> [<extra>]" lines on stdin
	// and "amend" or "rebase" as argument.
	PostRewrite = Hook{Name: "post-rewrite", Stdin: true, Background: true, Lost: "provenance not carried over to the rewritten commits"}
	// PostMerge receives 1 when the merge was a squash. It merges the notes
	// a pull fetched and remembers what a merge --squash is about to copy.
	PostMerge = Hook{Name: "post-merge", Lost: "fetched provenance notes not merged"}
	// PostCheckout receives the previous HEAD, the new HEAD and 1 for a
	// branch checkout (0 for files). It forgets agent checkpoints of files
	// that are back to their committed content.
	PostCheckout = Hook{Name: "post-checkout", Lost: "agent checkpoints of restored files not cleared", Needs: checkpoint.StateDir}
)

// All is every hook install puts in place, in the order it reports them.
var All = []Hook{PostCommit, PrePush, PostRewrite, PostMerge, PostCheckout}

// Lookup returns the hook called name.
func Lookup(name string) (Hook, bool) {
	for _, h := range All {
		if h.Name == name {
			return h, true
		}
	}
	return Hook{}, false
}

const (
	beginPrefix = "# >>> git-ai-survival hook v"
	beginSuffix = " >>>"
	endLine     = "# <<< git-ai-survival hook <<<"
	shebang     = "#!/bin/sh\n"
)

// Warning is the one line the hook prints on stderr when the binary is not
// on PATH.
func (h Hook) Warning() string {
	return fmt.Sprintf("warning: %s is not on PATH; %s (install it, or run 'git ai-survival uninstall')", Binary, h.Lost)
}

// Block is the marked block of shell that runs our part of the hook.
func (h Hook) Block() string {
	return h.block(Version)
}

func (h Hook) block(version int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d%s\n", beginPrefix, version, beginSuffix)
	b.WriteString("# Records which lines AI agents wrote. Added by 'git ai-survival install';\n")
	b.WriteString("# 'git ai-survival uninstall' takes it out again. Its exit status is ignored.\n")
	b.WriteString(`if [ "${AI_SURVIVAL_HOOK_SHELL-}" != "$$" ] && [ "${AI_SURVIVAL_HOOK_SHELL-}" != "${PPID-}" ]; then` + "\n")
	b.WriteString("\tAI_SURVIVAL_HOOK_SHELL=$$\n\texport AI_SURVIVAL_HOOK_SHELL\n")
	switch {
	case h.Stdin && h.Background:
		h.rewriteBody(&b)
	case h.Stdin:
		h.stdinBody(&b)
	case h.Pipe != nil:
		h.ifOnPath(&b, h.pipeRun(h.Pipe()))
	case h.Needs != "":
		h.ifOnPath(&b, "\t\t# Nothing to do without "+h.Needs+": no process then.\n"+
			gitDirShell()+
			fmt.Sprintf("\t\tif [ ! -d \"$ai_survival_git\" ] || [ -e \"$ai_survival_git/%s\" ]; then\n", h.Needs)+
			"\t"+quietRun(fmt.Sprintf(": | %s hook %s ${1+\"$@\"} </dev/null", Binary, h.Name))+
			"\t\tfi\n"+
			"\t\tunset ai_survival_git\n")
	default:
		h.ifOnPath(&b, quietRun(fmt.Sprintf(": | %s hook %s ${1+\"$@\"} </dev/null", Binary, h.Name)))
	}
	b.WriteString("fi\n")
	b.WriteString(endLine + "\n")
	return b.String()
}

// ifOnPath writes run (lines of shell) guarded by the binary being on PATH,
// and the warning otherwise.
func (h Hook) ifOnPath(b *strings.Builder, run string) {
	fmt.Fprintf(b, "\tif command -v %s >/dev/null 2>&1; then\n", Binary)
	b.WriteString(run)
	b.WriteString("\telse\n")
	b.WriteString("\t\tprintf '%s\\n' " + shellQuote(h.Warning()) + " >&2 || :\n")
	b.WriteString("\tfi\n")
}

// stdinBody hands git's stdin to the binary, then to the rest of the hook.
func (h Hook) stdinBody(b *strings.Builder) {
	h.stdinBodyIn(b, "")
}

// stdinBodyIn is stdinBody with every line but the here-document's
// indented by in more.
func (h Hook) stdinBodyIn(b *strings.Builder, in string) {
	b.WriteString(in + "\tai_survival_stdin=$(cat) || ai_survival_stdin=\n")
	var run strings.Builder
	h.ifOnPath(&run, "\t\tif [ -n \"$ai_survival_stdin\" ]; then\n"+
		"\t"+quietRun(fmt.Sprintf("printf '%%s\\n' \"$ai_survival_stdin\" | %s hook %s ${1+\"$@\"}", Binary, h.Name))+
		"\t\telse\n"+
		"\t"+quietRun(fmt.Sprintf(": | %s hook %s ${1+\"$@\"} </dev/null", Binary, h.Name))+
		"\t\tfi\n")
	if in != "" {
		b.WriteString(indent(run.String()))
	} else {
		b.WriteString(run.String())
	}
	b.WriteString(in + "\t# The rest of this hook reads the same stdin.\n")
	b.WriteString(in + "\tif [ -n \"$ai_survival_stdin\" ]; then\n")
	b.WriteString(in + "\t\texec <<ai_survival_EOF\n$ai_survival_stdin\nai_survival_EOF\n")
	b.WriteString(in + "\telse\n")
	b.WriteString(in + "\t\texec </dev/null\n")
	b.WriteString(in + "\tfi\n")
	b.WriteString(in + "\tunset ai_survival_stdin\n")
}

// rewriteBody is stdinBody with the binary in the background (the
// post-rewrite hook, hooks of version 6 on): git's lines are saved, with
// the shell's read loop, to a file in hookrun.DeferredDir, after a rebase
// with the list of its commits (rewrite.PendingFile, which git removes
// once the hook returns), the marker is created and the binary started
// with --deferred and git's pid (see hookrun's deferredRewrite); the rest
// of the hook reads the saved lines. An amend during a rebase (its commit
// joins the rebase's list), hookrun.SyncEnv set, or a git directory the
// shell cannot find: stdinBody's foreground run.
func (h Hook) rewriteBody(b *strings.Builder) {
	pending := "$ai_survival_git/rebase-merge/" + rewrite.PendingFile
	b.WriteString("\tai_survival_f=\n")
	fmt.Fprintf(b, "\tif [ -z \"${%s-}\" ] && command -v %s >/dev/null 2>&1; then\n", hookrun.SyncEnv, Binary)
	b.WriteString("\t\t# git's lines (and a rebase's list of its commits) go to a file that the\n" +
		"\t\t# binary reads in the background once git is done: no process on its path.\n")
	b.WriteString(gitDirShell())
	b.WriteString(commonDirShell("\t\t"))
	fmt.Fprintf(b, "\t\tif [ -d \"$ai_survival_common/%s\" ] && { [ \"${1-}\" = rebase ] || [ ! -d \"$ai_survival_git/rebase-merge\" ]; } &&\n", hookrun.DeferredDir)
	fmt.Fprintf(b, "\t\t\t{ while IFS= read -r ai_survival_l || [ -n \"$ai_survival_l\" ]; do printf '%%s\\n' \"$ai_survival_l\"; done >\"$ai_survival_common/%s/%s$$%s\"; } 2>/dev/null; then\n", hookrun.DeferredDir, hookrun.RewritePrefix, hookrun.RewritePairs)
	fmt.Fprintf(b, "\t\t\tai_survival_f=$ai_survival_common/%s/%s$$\n", hookrun.DeferredDir, hookrun.RewritePrefix)
	fmt.Fprintf(b, "\t\t\tif [ \"${1-}\" = rebase ] && [ -f \"%s\" ]; then\n", pending)
	fmt.Fprintf(b, "\t\t\t\t{ while IFS= read -r ai_survival_l; do printf '%%s\\n' \"$ai_survival_l\"; done <\"%s\" >\"$ai_survival_f%s\"; } 2>/dev/null || :\n", pending, hookrun.RewritePending)
	b.WriteString("\t\t\tfi\n")
	b.WriteString("\t\t\t# The rest of this hook reads the same lines.\n")
	fmt.Fprintf(b, "\t\t\tif [ -r \"$ai_survival_f%s\" ]; then exec <\"$ai_survival_f%s\"; else exec </dev/null; fi\n", hookrun.RewritePairs, hookrun.RewritePairs)
	b.WriteString("\t\t\tif { : >\"$ai_survival_f\"; } 2>/dev/null; then\n")
	fmt.Fprintf(b, "\t\t\t\t{ unset GIT_INDEX_FILE; exec %s hook %s --deferred \"%s$$\" --after \"${PPID-0}\" ${1+\"$@\"}; } </dev/null >/dev/null 2>&1 &\n", Binary, h.Name, hookrun.RewritePrefix)
	b.WriteString("\t\t\telse\n")
	b.WriteString("\t\t\t\tprintf '%s\\n' " + shellQuote("warning: "+Binary+": "+h.Lost+" (its marker could not be written; 'git ai-survival sync' fills in the notes missing)") + " >&2 || :\n")
	b.WriteString("\t\t\tfi\n")
	b.WriteString("\t\tfi\n")
	b.WriteString("\tfi\n")
	b.WriteString("\tif [ -z \"$ai_survival_f\" ]; then\n")
	h.stdinBodyIn(b, "\t")
	b.WriteString("\tfi\n")
	b.WriteString("\tunset ai_survival_f ai_survival_l ai_survival_git ai_survival_common\n")
}

// commonDirShell sets ai_survival_common to the common git directory of
// ai_survival_git (set by gitDirShell), with the shell alone.
func commonDirShell(in string) string {
	return in + "ai_survival_common=$ai_survival_git\n" +
		in + "if [ -f \"$ai_survival_git/commondir\" ]; then\n" +
		in + "\tIFS= read -r ai_survival_common 2>/dev/null <\"$ai_survival_git/commondir\" || :\n" +
		in + "\tcase $ai_survival_common in /*) ;; *) ai_survival_common=$ai_survival_git/$ai_survival_common ;; esac\n" +
		in + "fi\n"
}

// quietRun is the line of shell that runs pipeline (ending in the binary)
// with the binary's stderr kept and the shell's own sent to /dev/null: when
// the binary is killed (by a time limit, the OOM killer, a closed terminal)
// the shell prints "Terminated" or "Killed" on its stderr, a line that
// would follow our warnings with nothing to say. dash prints it only while
// the redirection is in place when the binary ends a pipeline, hence the
// `: |` in front of a lone command. Its exit status is ignored.
func quietRun(pipeline string) string {
	return "\t\t{ " + pipeline + " 2>&3 || :; } 3>&2 2>/dev/null\n"
}

// pipeRun is the pipeline p (see Pipeline) as lines of shell.
func (h Hook) pipeRun(p Pipeline) string {
	lost := shellQuote("warning: " + Binary + ": " + h.Lost + " (it stopped early; the next commit or 'git ai-survival sync' fills the note in from the commit's evidence)")
	run := "\t\t# git reads the commit while the binary starts; the binary writes the note.\n" +
		"\t\t# The shell's own messages (\"Killed\" when the binary was) go to /dev/null.\n" +
		fmt.Sprintf("\t\t{ { unset %s; exec git%s; } </dev/null 2>/dev/null |\n", strings.Join(gitx.ScrubbedEnv(), " "), shellArgs(p.Feed)) +
		fmt.Sprintf("\t\t\t%s hook %s --feed ${1+\"$@\"} 2>&3; } 3>&2 2>/dev/null ||\n", Binary, h.Name) +
		fmt.Sprintf("\t\t\t{ git%s >/dev/null 2>&1 || printf '%%s\\n' %s >&2 || :; }\n", shellArgs(p.Check), lost)
	if p.Pending == "" {
		return run
	}
	var b strings.Builder
	b.WriteString("\t\t# During a rebase, post-rewrite computes every commit's note at its end:\n" +
		"\t\t# list HEAD for it. Else the note is written in the background. Both read\n" +
		"\t\t# the git directory with the shell alone: no process on the commit's path.\n" +
		gitDirShell() +
		"\t\tai_survival_head=\n" +
		"\t\tIFS= read -r ai_survival_head 2>/dev/null <\"$ai_survival_git/HEAD\" || :\n" +
		"\t\tai_survival_rebase=\n" +
		"\t\tai_survival_deferred=\n" +
		"\t\tif [ -d \"$ai_survival_git/rebase-merge\" ]; then\n" +
		"\t\t\tai_survival_rebase=$ai_survival_head\n")
	if p.Deferred != "" {
		b.WriteString(fmt.Sprintf("\t\telif [ -z \"${%s-}\" ]", hookrun.SyncEnv))
		for _, f := range p.Copying {
			b.WriteString(fmt.Sprintf(" && [ ! -e \"$ai_survival_git/%s\" ]", f))
		}
		b.WriteString("; then\n" +
			commonDirShell("\t\t\t") +
			"\t\t\tcase $ai_survival_head in 'ref: refs/heads/'*)\n" +
			"\t\t\t\tIFS= read -r ai_survival_head 2>/dev/null <\"$ai_survival_common/${ai_survival_head#ref: }\" || ai_survival_head= ;;\n" +
			"\t\t\tesac\n" +
			"\t\t\tcase $ai_survival_head in '' | *[!0-9a-f]*) ;; *)\n" +
			fmt.Sprintf("\t\t\t\tai_survival_deferred=$ai_survival_common/%s\n", p.Deferred) +
			"\t\t\t\t# What the last ones left unsaid.\n" +
			"\t\t\t\tfor ai_survival_w in \"$ai_survival_deferred\"/*.warn; do\n" +
			"\t\t\t\t\t[ -f \"$ai_survival_w\" ] || continue\n" +
			"\t\t\t\t\twhile IFS= read -r ai_survival_l; do printf 'warning: %s\\n' \"$ai_survival_l\" >&2; done <\"$ai_survival_w\" || :\n" +
			"\t\t\t\t\trm -f \"$ai_survival_w\" 2>/dev/null || :\n" +
			"\t\t\t\tdone\n" +
			"\t\t\tesac\n")
	}
	b.WriteString("\t\tfi\n" +
		"\t\tcase $ai_survival_rebase in *[!0-9a-f]*) ai_survival_rebase= ;; esac\n" +
		"\t\tif [ -n \"$ai_survival_rebase\" ] &&\n" +
		fmt.Sprintf("\t\t\t{ printf '%%s\\n' \"$ai_survival_rebase\" >>\"$ai_survival_git/rebase-merge/%s\"; } 2>/dev/null; then\n", p.Pending) +
		"\t\t\t:\n")
	if p.Deferred != "" {
		b.WriteString("\t\telif [ -n \"$ai_survival_deferred\" ] &&\n" +
			"\t\t\t{ printf '' >\"$ai_survival_deferred/$ai_survival_head\"; } 2>/dev/null; then\n" +
			"\t\t\t# (git's index of a partial commit is gone by the time it reads)\n" +
			fmt.Sprintf("\t\t\t{ unset GIT_INDEX_FILE; exec %s hook %s --deferred \"$ai_survival_head\" --after \"${PPID-0}\"; } </dev/null >/dev/null 2>&1 &\n", Binary, h.Name))
	}
	b.WriteString("\t\telse\n" +
		indent(run) +
		"\t\tfi\n" +
		"\t\tunset ai_survival_git ai_survival_head ai_survival_rebase ai_survival_deferred ai_survival_common ai_survival_w ai_survival_l\n")
	return b.String()
}

// gitDirShell sets ai_survival_git to the git directory, with the shell
// alone: $GIT_DIR, else .git (hooks run at the top of the working tree),
// following the "gitdir:" line of a linked worktree's .git file.
func gitDirShell() string {
	return "\t\tai_survival_git=${GIT_DIR:-.git}\n" +
		"\t\tif [ -f \"$ai_survival_git\" ]; then\n" +
		"\t\t\tIFS= read -r ai_survival_git 2>/dev/null <\"$ai_survival_git\" || :\n" +
		"\t\t\tai_survival_git=${ai_survival_git#gitdir: }\n" +
		"\t\tfi\n"
}

// indent puts one more tab before every line of lines.
func indent(lines string) string {
	return "\t" + strings.ReplaceAll(strings.TrimSuffix(lines, "\n"), "\n", "\n\t") + "\n"
}

// Script is the whole file of the hook when there was none before.
func (h Hook) Script() string {
	return shebang + h.Block()
}

// Wrapper is the whole file of the hook when the foreign hook that was there
// has been moved aside to h.Name+AsideSuffix: our block, then the old hook.
func (h Hook) Wrapper() string {
	return shebang + h.Block() + h.wrapperTail()
}

func (h Hook) wrapperTail() string {
	return "# The hook that was here before, moved aside by 'git ai-survival install':\n" +
		"ai_survival_chained=\"$(dirname \"$0\")/" + h.Name + AsideSuffix + "\"\n" +
		"if [ -x \"$ai_survival_chained\" ]; then exec \"$ai_survival_chained\" ${1+\"$@\"}; fi\n"
}

// shellArgs is args quoted for POSIX sh, each after a space.
func shellArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(" " + shellQuote(a))
	}
	return b.String()
}

// shellQuote quotes s for POSIX sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// span is where a block sits in a file: content[Start:End] is the block,
// marker lines and final newline included.
type span struct {
	Start, End int
	Version    int
}

var beginRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^# >>> git-ai-survival hook v([0-9]+) >>>\r?$`)
})

// findBlock locates our block in content. ok is false when there is none;
// an error means a begin marker without its end marker.
func findBlock(content []byte) (sp span, ok bool, err error) {
	off := 0
	start := -1
	for off < len(content) {
		end := bytes.IndexByte(content[off:], '\n')
		next := len(content)
		if end >= 0 {
			next = off + end + 1
		}
		line := strings.TrimRight(string(content[off:next]), "\n")
		if start < 0 {
			if m := beginRE().FindStringSubmatch(line); m != nil {
				v, convErr := strconv.Atoi(m[1])
				if convErr != nil {
					return span{}, false, fmt.Errorf("bad version in %q", line)
				}
				start, sp.Version = off, v
			}
		} else if strings.TrimRight(line, "\r") == endLine {
			sp.Start, sp.End = start, next
			return sp, true, nil
		}
		off = next
	}
	if start >= 0 {
		return span{}, false, fmt.Errorf("a git-ai-survival block starts but never ends (no %q line)", endLine)
	}
	return span{}, false, nil
}

// replaceBlock returns content with the block at sp replaced by block.
func replaceBlock(content []byte, sp span, block string) []byte {
	out := make([]byte, 0, len(content)-(sp.End-sp.Start)+len(block))
	out = append(out, content[:sp.Start]...)
	out = append(out, block...)
	return append(out, content[sp.End:]...)
}

// stripBlock returns content without the block at sp.
func stripBlock(content []byte, sp span) []byte {
	return replaceBlock(content, sp, "")
}

// insertBlock puts block right after the #! line of content.
func insertBlock(content []byte, block string) []byte {
	nl := bytes.IndexByte(content, '\n')
	if nl < 0 {
		out := append(append([]byte{}, content...), '\n')
		return append(out, block...)
	}
	out := make([]byte, 0, len(content)+len(block))
	out = append(out, content[:nl+1]...)
	out = append(out, block...)
	return append(out, content[nl+1:]...)
}

// shells are the interpreters whose scripts get the block inserted.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true, "ash": true, "busybox": true}

// isShellScript reports whether content is a shell script by its #! line:
// an interpreter from shells, named directly or through env (with its
// options and VAR=value assignments skipped).
func isShellScript(content []byte) bool {
	if !bytes.HasPrefix(content, []byte("#!")) || bytes.IndexByte(content, 0) >= 0 {
		return false
	}
	line, _, _ := bytes.Cut(content[2:], []byte("\n"))
	fields := strings.Fields(strings.TrimRight(string(line), "\r"))
	if len(fields) == 0 {
		return false
	}
	interp := path.Base(fields[0])
	if interp == "env" {
		interp = ""
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "-") || strings.Contains(f, "=") {
				continue
			}
			interp = path.Base(f)
			break
		}
	}
	return shells[interp]
}
