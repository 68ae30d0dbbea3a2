package hooks

import (
	"context"
	"errors"
	"path"
	"regexp"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// ConfigChange is one configuration value install added or uninstall removed.
type ConfigChange struct {
	Key, Value string
	// Removed is set on a change Install made by taking out a value an
	// older version added (see retired).
	Removed bool
}

// FetchRefspec is the refspec added to remote.<remote>.fetch: the remote's
// notes, ours and git-ai's (refs/notes/ai), land in tracking refs under
// refs/notes/remotes/<remote>/, never on top of the local notes. It is a
// pattern because a plain refspec naming a ref the remote lacks makes every
// `git fetch` fail ("couldn't find remote ref") until the first notes are
// pushed; a pattern that matches nothing fetches nothing, quietly.
func FetchRefspec(remote string) string {
	return "+refs/notes/ai*:refs/notes/remotes/" + remote + "/ai*"
}

// oldFetchRefspec is the plain refspec older versions added; see retired.
func oldFetchRefspec(remote string) string {
	return "+" + provenance.NotesRef + ":refs/notes/remotes/" + remote + "/ai-survival"
}

// FetchesNotes reports whether the fetch refspec spec of remote brings the
// remote's refs/notes/ai-survival into refs/notes/remotes/<remote>/ai-survival.
func FetchesNotes(spec, remote string) bool {
	src, dst, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(spec), "+"), ":")
	if !ok {
		return false
	}
	want := "refs/notes/remotes/" + remote + "/ai-survival"
	if src == provenance.NotesRef {
		return dst == want
	}
	sp, ss, ok1 := strings.Cut(src, "*")
	dp, ds, ok2 := strings.Cut(dst, "*")
	if !ok1 || !ok2 || !strings.HasPrefix(provenance.NotesRef, sp) || !strings.HasSuffix(provenance.NotesRef, ss) ||
		len(sp)+len(ss) > len(provenance.NotesRef) {
		return false
	}
	mid := provenance.NotesRef[len(sp) : len(provenance.NotesRef)-len(ss)]
	return dp+mid+ds == want
}

// getAll returns every value of key; scope is "" (all scopes) or "--local".
func getAll(ctx context.Context, repo *gitx.Repo, scope, key string) ([]string, error) {
	args := []string{"config"}
	if scope != "" {
		args = append(args, scope)
	}
	out, err := repo.Output(ctx, append(args, "--get-all", key)...)
	var ge *gitx.Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"), nil
}

// sectionEmpty reports whether the local config has no key in section.
func sectionEmpty(ctx context.Context, repo *gitx.Repo, section string) bool {
	_, err := repo.Output(ctx, "config", "--local", "--get-regexp", `^`+regexp.QuoteMeta(section)+`\.`)
	var ge *gitx.Error
	return errors.As(err, &ge) && ge.ExitCode == 1
}

// wanted lists the values install adds, in order.
func wanted(ctx context.Context, repo *gitx.Repo) ([]configEntry, error) {
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return nil, err
	}
	var w []configEntry
	for _, r := range remotes {
		w = append(w, configEntry{Key: "remote." + r + ".fetch", Value: FetchRefspec(r)})
	}
	return w, nil
}

// covered reports whether values already give key the effect of value.
func covered(key, value string, values []string) bool {
	for _, v := range values {
		if v == value {
			return true
		}
		// notes.rewriteRef takes globs (refs/notes/*): a second entry for
		// the same ref would make git copy each note twice.
		if strings.EqualFold(key, "notes.rewriteRef") && strings.ContainsAny(v, "*?[") {
			if ok, _ := path.Match(v, value); ok {
				return true
			}
		}
	}
	return false
}

// retired reports whether install no longer sets key to value. Older
// versions added notes.rewriteRef=refs/notes/ai-survival; git then copies
// the note itself on amend and rebase, and a failure of that copy (a full
// disk, a locked ref) makes `git commit --amend` fail. The post-rewrite hook
// remaps the notes anyway, better, and never fails the command.
// The plain notes fetch refspec of older versions made every `git fetch`
// fail while the remote had no notes yet; FetchRefspec replaces it.
func retired(key, value string) bool {
	if strings.EqualFold(key, "notes.rewriteRef") {
		return value == provenance.NotesRef
	}
	lk := strings.ToLower(key)
	if remote, ok := strings.CutPrefix(lk, "remote."); ok && strings.HasSuffix(remote, ".fetch") {
		name := key[len("remote.") : len(key)-len(".fetch")]
		return value == oldFetchRefspec(name)
	}
	return false
}

// installConfig takes out the values an older version added that install
// no longer sets, adds what is missing, and records it in st.
func installConfig(ctx context.Context, repo *gitx.Repo, st *state) ([]ConfigChange, error) {
	var changes []ConfigChange
	var old []configEntry
	keep := st.Config[:0]
	for _, c := range st.Config {
		if retired(c.Key, c.Value) {
			old = append(old, c)
		} else {
			keep = append(keep, c)
		}
	}
	st.Config = keep
	if len(old) > 0 {
		gone, err := uninstallConfig(ctx, repo, &state{Config: old})
		for _, g := range gone {
			g.Removed = true
			changes = append(changes, g)
		}
		if err != nil {
			return changes, err
		}
	}
	w, err := wanted(ctx, repo)
	if err != nil {
		return changes, err
	}
	for _, c := range w {
		have, err := getAll(ctx, repo, "", c.Key)
		if err != nil {
			return changes, err
		}
		if covered(c.Key, c.Value, have) {
			continue
		}
		section := c.Key[:strings.LastIndex(c.Key, ".")]
		c.NewSection = sectionEmpty(ctx, repo, section)
		if _, err := repo.Output(ctx, "config", "--local", "--add", c.Key, c.Value); err != nil {
			return changes, err
		}
		if !st.hasConfig(c.Key, c.Value) {
			st.Config = append(st.Config, c)
		}
		changes = append(changes, ConfigChange{Key: c.Key, Value: c.Value})
	}
	return changes, nil
}

// uninstallConfig removes the values install added, when they are still
// there with our value. Other values of the same key stay; if the value
// is there more than once (someone added it too), one copy stays.
func uninstallConfig(ctx context.Context, repo *gitx.Repo, st *state) ([]ConfigChange, error) {
	var changes []ConfigChange
	for len(st.Config) > 0 {
		c := st.Config[0]
		have, err := getAll(ctx, repo, "--local", c.Key)
		if err != nil {
			return changes, err
		}
		n := 0
		for _, v := range have {
			if v == c.Value {
				n++
			}
		}
		if n > 0 {
			if _, err := repo.Output(ctx, "config", "--local", "--fixed-value", "--unset-all", c.Key, c.Value); err != nil {
				return changes, err
			}
			for ; n > 1; n-- {
				if _, err := repo.Output(ctx, "config", "--local", "--add", c.Key, c.Value); err != nil {
					return changes, err
				}
			}
			changes = append(changes, ConfigChange{Key: c.Key, Value: c.Value})
			section := c.Key[:strings.LastIndex(c.Key, ".")]
			if c.NewSection && sectionEmpty(ctx, repo, section) {
				_, _ = repo.Output(ctx, "config", "--local", "--remove-section", section)
			}
		}
		st.Config = st.Config[1:]
	}
	return changes, nil
}
