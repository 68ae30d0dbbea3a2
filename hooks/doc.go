// Package hooks installs, upgrades and removes git-ai-survival's git hooks.
// Hooks are data: a Hook knows its name and the script text it installs, and
// Install and Uninstall apply them to the hooks directory git really uses.
//
// # The hooks
//
// pre-push, post-rewrite, post-merge and post-checkout each run
//
//	git-ai-survival hook <name> "$@"
//
// with git's stdin passed through (pre-push and post-rewrite receive lines on
// stdin). post-commit runs on every commit, so its script keeps the binary
// off the critical path (see Pipeline):
//
//	git log ... HEAD | git-ai-survival hook post-commit --feed
//
// git reads the commit while the binary starts, and the binary writes the
// note as a compare-and-swap on the notes ref (several worktrees committing
// at once never drop each other's notes). When the binary fails or is
// killed, the script prints the warning unless the commit has a note after
// all; the next command or hook that reads notes (hookrun.Settle), the next
// post-commit or sync fills in the missing note.
//
// Our part never makes a git operation fail: its exit status is ignored,
// and when git-ai-survival is not on PATH it prints exactly one warning line
// naming the fix and carries on.
//
// # Where
//
// Dir asks git (`git rev-parse --git-path hooks`), so core.hooksPath, absolute
// or relative, husky's .husky/_ and linked worktrees (which share the common
// directory's hooks) all get the directory git will run hooks from. A missing
// hooks directory is created (and removed again by Uninstall when empty).
// Install warns when the hooks it wrote reach beyond this clone: a hooks
// directory outside the repository (a shared core.hooksPath) runs them for
// every repository using it, and one inside the working tree that git does
// not ignore shows them in git status.
//
// # The block
//
// Everything we add is one marked block of POSIX shell:
//
//	# >>> git-ai-survival hook v2 >>>
//	...
//	# <<< git-ai-survival hook <<<
//
// The number is Version: a file holding a block of an older version gets the
// current block in its place; a newer one is left alone with a warning. A
// block is found by its marker lines wherever it is, so a hook directory
// committed to the repository by a teammate is recognised (and adopted) too.
//
// For hooks that receive stdin, the block reads it into a variable, hands it
// to git-ai-survival, and then re-feeds the very same bytes to the rest of
// the script with `exec <<EOF` (or </dev/null when stdin was empty), so the
// code after the block reads stdin as if the block were not there. The block
// runs once per hook invocation even when a hook re-executes itself (husky
// v8's husky.sh runs `sh -e "$0"`): it exports AI_SURVIVAL_HOOK_SHELL=$$ and
// skips itself in that shell and its direct children. It is safe under
// `set -e` and `set -u` inherited from a shebang such as `#!/bin/sh -e`.
//
// The post-commit block (version 5 on) starts no process on the commit's
// path: it reads the git directory with the shell alone and, during a
// rebase, lists the commit for post-rewrite to tag at the rebase's end
// (rewrite.PendingFile); otherwise it starts the binary in the background
// for the new commit (hookrun.DeferredDir), except while a cherry-pick,
// sequencer or squash is in progress, where the binary runs in the
// foreground as it did before. From version 6 the background binary is
// given git's pid (--after) and waits, at a lower priority, until that git
// has exited before it works.
//
// The post-rewrite block (version 6 on) starts no process on git's path
// either: it saves git's lines with the shell's read loop, and after a
// rebase the rebase's list of its commits, in the same directory, creates
// a marker there and starts the binary in the background, which computes
// the notes once git is done and after every earlier background run (see
// hookrun's deferredRewrite). An amend during a rebase, and
// hookrun.SyncEnv set, run it in the foreground.
//
// # Without post-commit
//
// Install with Options.Lazy leaves the post-commit hook out (taking our
// block out of it when an earlier install put it there) and creates
// hookrun.LazyFile: commits then start no process of ours, and each
// commit's note is written by the next checkpoint, push, rewrite or
// command, from HEAD's reflog (see capture.CatchUp). Installing again
// without it puts the hook back; Uninstall removes the file.
//
// # Chaining
//
// An existing hook that is not ours is never lost and still runs, with the
// same stdin, and its exit status is the hook's exit status (a failing
// pre-push still blocks the push):
//
//   - An executable shell script (a `#!` line naming sh, bash, dash, zsh, ksh,
//     mksh, ash or busybox, directly or through env) gets the block inserted
//     right after its `#!` line. The file keeps its name, place and mode, so
//     scripts that derive their hook name or helpers from $0 (husky v9's
//     `.husky/_/<hook>` stubs, pre-commit's scripts, husky v8) keep working.
//   - Anything else (a binary, a script in another language, a symlink, a
//     file that is not executable) is renamed <name>.ai-survival-orig in the
//     same directory, and our hook is the block followed by `exec` of that
//     file when it is executable (git ignores hooks that are not, and so do
//     we).
//
// # State
//
// Install records what it did under <common-dir>/ai-survival/install/:
// state.json (the hooks it wrote or changed, how, the digest of what it
// wrote, and the configuration values it added) and backup/, a byte-exact
// copy of every file it changed (its mode is in state.json). Uninstall puts
// a changed hook back byte for byte when the file is still exactly what
// install wrote; when someone has edited it since, only the block is taken
// out. Hooks install created are removed. Configuration values are removed
// only when they still have our value, other values of the same key are kept.
// Then the state is removed.
//
// # Configuration
//
// Install adds, for every configured remote, the fetch refspec
// +refs/notes/ai*:refs/notes/remotes/<remote>/ai*, so a plain `git fetch`
// brings the remote's notes (ours and git-ai's refs/notes/ai) into tracking
// refs and never overwrites local notes. It is a pattern because a plain
// refspec naming a ref the remote lacks makes every `git fetch` fail; a
// reinstall replaces the plain refspec older versions added. Values are written to the repository's own config
// (git config --local).
//
// Install does not set notes.rewriteRef: the post-rewrite hook remaps notes
// after amend and rebase, and git's own copy under notes.rewriteRef makes
// `git commit --amend` fail when the notes ref cannot be written (a full
// disk, a stale lock). Installing again removes the value older versions
// added, when it is still ours (refs/notes/ai-survival, recorded in the
// state); values others set stay.
package hooks
