// Package checkpoint records, as agents write, which lines are theirs, and
// resolves that record line by line when the work is committed.
//
// # Snapshots, not payload strings
//
// Every checkpoint compares file snapshots. For each file it tracks, the
// pending state holds the file's content as the last checkpoint saw it and,
// for each of those lines, the agent that wrote it (agent, model, session)
// or nothing. A checkpoint brings the state up to date with the file on
// disk with a line diff (go-diff's line mode): lines the diff pairs with
// a line of the snapshot keep its tag, the others are new or changed:
//
//   - before an agent writes (Claude Code PreToolUse, --before), changed
//     lines are a person's: the agent did not write them;
//   - after it wrote (PostToolUse, Cursor's afterFileEdit and
//     afterTabFileEdit, --after), changed lines are the agent's.
//
// So a person's edit between two agent edits is caught at the second
// one's "before", and parallel agents on one file each get the lines that
// changed since the previous checkpoint, whoever took it.
//
// A Bash tool call (and the generic form without paths) snapshots every
// file `git status` shows changed, before and after, so edits by sed or
// scripts are caught; a file clean before the command is compared with its
// staged version. The same sweep drops the state of files that are back to
// their committed content.
//
// # Cursor: the content before an edit
//
// Cursor sends no event before an edit. The content before it is rebuilt by
// undoing the payload's edits on the file, last first (each new_string must
// be found exactly once, or replace_all); lines that differ between the
// last snapshot held and that rebuilt content are a person's. When the
// edits cannot be undone exactly (a new_string found twice, an edit that
// only deletes), the last snapshot held is the content before, else the
// staged version, else the committed one, else empty (a new file); of the
// lines changed since, only those the edits' new text shows the agent
// wrote are its own (a text the changed lines hold more often than the new
// text does is nobody's to credit). The others are left to the commit's
// other evidence, and one warning says so.
// Claude Code without a PreToolUse snapshot uses the same fallbacks, with
// tool_response.originalFile first when present.
//
// # Pending state
//
// In the worktree's own git directory (linked worktrees each have theirs):
// <git-dir>/ai-survival/checkpoints/<hash of path>.ckpt, a JSON header line
// (path, authors, run-length line tags, size) followed by the snapshot;
// written atomically, under an flock on checkpoints/lock held for the
// length of one checkpoint (waiters poll; the kernel drops the lock of a
// crashed process). A state that does not read back exactly is dropped.
//
// # At commit time
//
// The post-commit hook (internal/capture) asks Resolve about the files of
// the commit that have a state: the committed blob is diffed against the
// snapshot; an added line paired with a line an agent wrote is that
// agent's (evidence checkpoint), any other added line is human (evidence
// checkpoint). git's diff and the snapshot's may place a run of lines one
// line apart where equal lines (blank lines, braces) allow both; slide
// settles those on git's choice. Files committed in full lose their state;
// files committed in part (git add -p) keep it, and their remaining agent
// lines are resolved by a later commit.
//
// Reset and checkout: a "reset:" entry in HEAD's reflog written after a
// state was saved (git reset, git stash) drops the state's agent lines,
// unless the file is still exactly the snapshot: index-only changes (git
// add -A && git reset, git restore --staged, git reset --soft) and a stash
// round trip keep them. A state left with no agent line is no evidence:
// the commit's other evidence (a trailer, a rule) decides its lines. A
// file checked out or restored (git checkout -- f, git restore) is noticed
// by the next checkpoint that looks at it or at the working tree, which
// finds it back at its committed content and drops the state.
//
// Nothing here ever fails the agent: every problem is a warning, and a
// checkpoint records nothing rather than something wrong.
package checkpoint
