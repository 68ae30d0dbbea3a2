// Package status gathers the state of a repository's git-ai-survival set-up
// (hooks, notes refs, pending agent lines, agent settings, configuration,
// cache) without changing anything, and names the command that fixes each
// problem it finds.
package status

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-ai-survival/git-ai-survival/hooks"
	"github.com/git-ai-survival/git-ai-survival/internal/agentcfg"
	"github.com/git-ai-survival/git-ai-survival/internal/checkpoint"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/hookrun"
	"github.com/git-ai-survival/git-ai-survival/internal/notesync"
	"github.com/git-ai-survival/git-ai-survival/internal/walkcache"
	"github.com/git-ai-survival/git-ai-survival/provenance"
)

// SchemaVersion is the version of the JSON form.
const SchemaVersion = 1

// Status is the state of one repository. Paths are relative to the top of
// the working tree when inside it.
type Status struct {
	SchemaVersion int       `json:"schema_version"`
	Binary        Binary    `json:"binary"`
	HooksDir      string    `json:"hooks_dir"`
	Hooks         []Hook    `json:"hooks"`
	Notes         Notes     `json:"notes"`
	Pending       []Lines   `json:"pending"`
	Agents        []Agent   `json:"agents"`
	Config        Config    `json:"config"`
	Cache         Cache     `json:"cache"`
	Problems      []Problem `json:"problems"`
}

// Binary is whether the hooks can run git-ai-survival.
type Binary struct {
	OnPath bool `json:"on_path"`
	// HookVersion is the version of the hook block this binary writes.
	HookVersion int `json:"hook_version"`
}

// Hook is one git hook.
type Hook struct {
	Name string `json:"name"`
	Path string `json:"path"`
	// State: "missing", "foreign" (a hook without our block), "ours",
	// "lazy" (post-commit, left out by install --lazy: notes are written
	// by the next command or hook).
	State   string `json:"state"`
	Version int    `json:"version,omitempty"`
	Current bool   `json:"current"`
	// Chained is what else the hook runs: the path of the hook moved
	// aside, or "inline" (our block inside another script); "" for none.
	Chained    string `json:"chained,omitempty"`
	Executable bool   `json:"executable"`
}

// Notes are the notes refs, local and per remote.
type Notes struct {
	Ref string `json:"ref"`
	// Local is the number of commits with a note (0 when the ref is absent).
	Local   int      `json:"local"`
	Present bool     `json:"present"`
	Remotes []Remote `json:"remotes"`
}

// Remote is what is known locally of one remote's notes.
type Remote struct {
	Name string `json:"name"`
	// Refspec says the remote's fetch refspecs bring its notes.
	Refspec     bool   `json:"fetch_refspec"`
	TrackingRef string `json:"tracking_ref"`
	// Fetched says the tracking ref exists; Notes counts its notes.
	Fetched bool `json:"fetched"`
	Notes   int  `json:"notes"`
	// Unmerged is the number of the remote's notes not yet in the local
	// ref; Unpushed the number of local notes the remote does not have as
	// last fetched.
	Unmerged int `json:"unmerged"`
	Unpushed int `json:"unpushed"`
}

// Lines are pending agent lines of one file.
type Lines struct {
	Path  string `json:"path"`
	Agent string `json:"agent"`
	Model string `json:"model,omitempty"`
	Lines int    `json:"lines"`
}

// Agent is one agent's settings file.
type Agent struct {
	Agent string `json:"agent"`
	Path  string `json:"path"`
	// State: "absent" (no file), "not set up" (a file without our hooks),
	// "installed", "stale" (our hooks, older than install writes),
	// "unreadable".
	State string `json:"state"`
	// User says the hooks are in the user-level settings (install --user).
	User bool `json:"user,omitempty"`
}

// Config is the configuration file.
type Config struct {
	Path  string `json:"path"`
	Found bool   `json:"found"`
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
}

// Cache is the saved walks report continues from.
type Cache struct {
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
}

// Problem is one thing wrong, and the command that fixes it.
type Problem struct {
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// Options say what Collect cannot find out alone.
type Options struct {
	// OnPath says whether git-ai-survival is on the PATH hooks see.
	OnPath bool
	// ConfigPath is the configuration file in use (relative to the top or
	// absolute); ConfigFound says it exists and ConfigErr is what is wrong
	// with it.
	ConfigPath  string
	ConfigFound bool
	ConfigErr   error
	// Home is the user's home directory, where install --user puts the
	// agents' user-level settings ("" to not look there).
	Home string
}

// Collect reads the state of repo.
func Collect(ctx context.Context, repo *gitx.Repo, opts Options) (*Status, error) {
	s := &Status{SchemaVersion: SchemaVersion, Binary: Binary{OnPath: opts.OnPath, HookVersion: hooks.Version},
		Hooks: []Hook{}, Pending: []Lines{}, Agents: []Agent{}, Problems: []Problem{}}
	rel := func(p string) string { return relTo(repo.Top, p) }
	if !opts.OnPath {
		s.problem("git-ai-survival is not on PATH: hooks and agent hooks record nothing", "make install in its source tree, or: go install github.com/git-ai-survival/git-ai-survival/cmd/git-ai-survival@latest (and put $(go env GOPATH)/bin on PATH)")
	}

	if repo.Top != "" {
		dir, hs, err := hooks.Inspect(ctx, repo)
		if err != nil {
			return nil, err
		}
		s.HooksDir = rel(dir)
		missing, stale := 0, 0
		_, lazy := hookrun.LazySince(ctx, repo)
		for _, h := range hs {
			e := Hook{Name: h.Name, Path: rel(h.Path), Version: h.Version, Current: h.Current, Executable: h.Executable}
			switch {
			case lazy && h.Name == hooks.PostCommit.Name && !h.Ours:
				e.State = "lazy"
			case !h.Exists:
				e.State = "missing"
				missing++
			case !h.Ours:
				e.State = "foreign"
				missing++
			default:
				e.State = "ours"
			}
			if h.Chained != "" && h.Chained != "inline" {
				e.Chained = rel(h.Chained)
			} else {
				e.Chained = h.Chained
			}
			if h.Ours && !h.Current && !h.Newer {
				stale++
			}
			if h.Newer {
				s.problem(e.Path+" was written by a newer git-ai-survival (hook v"+itoa(h.Version)+", this binary writes v"+itoa(hooks.Version)+")", "install the newer git-ai-survival")
			}
			if h.Problem != "" {
				s.problem(e.Path+": "+h.Problem, fixFor(h))
			}
			s.Hooks = append(s.Hooks, e)
		}
		switch {
		case missing == len(hs):
			s.problem("hooks are not installed: new commits are not recorded", "git ai-survival install")
		case missing > 0:
			s.problem(itoa(missing)+" of "+itoa(len(hs))+" hooks missing", "git ai-survival install")
		}
		if stale > 0 {
			s.problem(itoa(stale)+" of "+itoa(len(hs))+" hooks older than this binary", "git ai-survival install")
		}
	}

	if err := s.collectNotes(ctx, repo); err != nil {
		return nil, err
	}

	if repo.Top != "" {
		pending, unreadable, err := checkpoint.Summary(repo.GitDir)
		if err != nil {
			return nil, err
		}
		for _, p := range pending {
			s.Pending = append(s.Pending, Lines{Path: p.Path, Agent: p.Agent, Model: p.Model, Lines: p.Lines})
		}
		if unreadable > 0 {
			s.problem(itoa(unreadable)+" pending checkpoint files do not read back (the next commit drops them)", "git commit as usual")
		}
		user := map[string]agentcfg.Setting{}
		if opts.Home != "" {
			for _, u := range agentcfg.Inspect(opts.Home) {
				user[u.Agent] = u
			}
		}
		for _, a := range agentcfg.Inspect(repo.Top) {
			e := Agent{Agent: a.Agent, Path: a.Path}
			if u := user[a.Agent]; !a.Ours && a.Problem == "" && u.Ours {
				// Set up for the user (install --user) rather than the project.
				e.Path, e.User = "~/"+u.Path, true
				a = u
			}
			switch {
			case a.Problem != "":
				e.State = "unreadable"
				s.problem(a.Path+": "+a.Problem, "fix the file, then: git ai-survival install --agent "+a.Agent)
			case !a.Exists:
				e.State = "absent"
			case !a.Ours:
				e.State = "not set up"
				s.problem(a.Path+" has no git-ai-survival hooks: "+a.Agent+"'s lines are tagged by commit evidence only", "git ai-survival install --agent "+a.Agent)
			case !a.Current:
				e.State = "stale"
				fix := "git ai-survival install --agent " + a.Agent
				if e.User {
					fix += " --user"
				}
				s.problem(e.Path+" holds older git-ai-survival hooks", fix)
			default:
				e.State = "installed"
			}
			s.Agents = append(s.Agents, e)
		}
	}

	s.Config = Config{Path: filepath.ToSlash(rel(opts.ConfigPath)), Found: opts.ConfigFound, Valid: opts.ConfigErr == nil}
	if opts.ConfigErr != nil {
		s.Config.Error = opts.ConfigErr.Error()
		if opts.ConfigPath != s.Config.Path {
			s.Config.Error = strings.ReplaceAll(s.Config.Error, opts.ConfigPath, s.Config.Path)
		}
		s.problem("the configuration does not load: "+s.Config.Error, "edit "+s.Config.Path+" (see the configuration section of the README)")
	}

	ents, err := os.ReadDir(walkcache.Dir(repo))
	if err == nil {
		for _, e := range ents {
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && strings.HasSuffix(e.Name(), ".walk") {
				s.Cache.Entries++
				s.Cache.Bytes += fi.Size()
			}
		}
	}
	return s, nil
}

func fixFor(h hooks.HookState) string {
	if h.Ours && !h.Executable {
		return "chmod +x " + h.Path
	}
	return "move " + h.Path + " away, then: git ai-survival install"
}

func (s *Status) collectNotes(ctx context.Context, repo *gitx.Repo) error {
	s.Notes = Notes{Ref: provenance.NotesRef, Remotes: []Remote{}}
	local, ok, err := noteSet(ctx, repo, provenance.NotesRef)
	if err != nil {
		return err
	}
	s.Notes.Present, s.Notes.Local = ok, len(local)
	remotes, err := repo.Remotes(ctx)
	if err != nil {
		return err
	}
	for _, name := range remotes {
		r := Remote{Name: name, TrackingRef: notesync.TrackingRef(name)}
		specs, _ := repo.Output(ctx, "config", "--get-all", "remote."+name+".fetch")
		for _, spec := range strings.Split(string(specs), "\n") {
			if hooks.FetchesNotes(spec, name) {
				r.Refspec = true
			}
		}
		theirs, fetched, err := noteSet(ctx, repo, r.TrackingRef)
		if err != nil {
			return err
		}
		r.Fetched, r.Notes = fetched, len(theirs)
		for commit, blob := range theirs {
			if local[commit] != blob {
				r.Unmerged++
			}
		}
		for commit, blob := range local {
			if theirs[commit] != blob {
				r.Unpushed++
			}
		}
		switch {
		case !r.Refspec:
			s.problem("fetching "+name+" does not bring its notes", "git ai-survival install")
		case r.Unpushed > 0:
			s.problem(itoa(r.Unpushed)+" local notes are not on "+name+" (as last fetched)", "git ai-survival sync "+name)
		case r.Unmerged > 0:
			s.problem(itoa(r.Unmerged)+" notes fetched from "+name+" are not merged into "+provenance.NotesRef, "git ai-survival sync "+name)
		}
		s.Notes.Remotes = append(s.Notes.Remotes, r)
	}
	return nil
}

// noteSet lists the notes of ref (commit → note blob); ok is false when
// the ref does not exist.
func noteSet(ctx context.Context, repo *gitx.Repo, ref string) (map[string]string, bool, error) {
	if _, err := repo.Output(ctx, "rev-parse", "-q", "--verify", ref+"^{commit}"); err != nil {
		var ge *gitx.Error
		if errors.As(err, &ge) {
			return nil, false, nil
		}
		return nil, false, err
	}
	out, err := repo.Output(ctx, "notes", "--ref="+ref, "list")
	if err != nil {
		return nil, true, err
	}
	set := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if blob, commit, ok := strings.Cut(line, " "); ok {
			set[commit] = blob
		}
	}
	return set, true, nil
}

func (s *Status) problem(msg, fix string) {
	s.Problems = append(s.Problems, Problem{Message: msg, Fix: fix})
}

// relTo is p relative to top when inside it.
func relTo(top, p string) string {
	if top == "" || p == "" || !filepath.IsAbs(p) {
		return p
	}
	if r, err := filepath.Rel(top, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	if real, err := filepath.EvalSymlinks(top); err == nil && real != top {
		return relTo(real, p)
	}
	return p
}
