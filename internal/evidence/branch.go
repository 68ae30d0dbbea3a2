package evidence

import "strings"

// branchPrefixes are the first path component of the branches agents
// create for their work ("codex/fix-parser"), and the agent each names.
var branchPrefixes = map[string]string{
	"claude":  "claude-code",
	"codex":   "codex",
	"cursor":  "cursor",
	"copilot": "copilot",
	"devin":   "devin",
	"cline":   "cline",
	"aider":   "aider",
	"gemini":  "gemini",
}

// BranchAgent returns the agent whose branches are named like branch
// ("claude/add-retry", "refs/heads/codex/fix"): a known prefix, exactly
// as agents write it, then '/' and a name.
func BranchAgent(branch string) (string, bool) {
	branch = strings.TrimPrefix(branch, "refs/heads/")
	prefix, rest, ok := strings.Cut(branch, "/")
	if !ok || rest == "" {
		return "", false
	}
	agent, ok := branchPrefixes[prefix]
	return agent, ok
}

// MergedBranch returns the branch a merge commit's subject says it
// merged: "Merge pull request #N from OWNER/BRANCH" (GitHub),
// "Merge branch 'BRANCH'" with an optional " of URL" or " into X", and
// "Merge remote-tracking branch 'REMOTE/BRANCH'". ok is false for any
// other subject.
func MergedBranch(msg string) (string, bool) {
	subject, _, _ := strings.Cut(msg, "\n")
	subject = strings.TrimRight(subject, "\r ")
	if rest, ok := strings.CutPrefix(subject, "Merge pull request #"); ok {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		from, ok := strings.CutPrefix(rest[i:], " from ")
		if i == 0 || !ok {
			return "", false
		}
		_, branch, ok := strings.Cut(from, "/")
		if !ok || branch == "" || strings.ContainsAny(branch, " \t") {
			return "", false
		}
		return branch, true
	}
	remote := false
	rest, ok := strings.CutPrefix(subject, "Merge branch '")
	if !ok {
		if rest, ok = strings.CutPrefix(subject, "Merge remote-tracking branch '"); !ok {
			return "", false
		}
		remote = true
	}
	branch, _, ok := strings.Cut(rest, "'")
	if !ok || branch == "" {
		return "", false
	}
	if remote {
		if _, b, ok := strings.Cut(branch, "/"); ok && b != "" {
			branch = b
		}
	}
	return branch, true
}
