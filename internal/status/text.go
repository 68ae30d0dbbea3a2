package status

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Safe makes an outside string (a path, a remote's name) harmless on a
// terminal: control and invisible characters are shown quoted.
func Safe(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// Text writes s for people.
func Text(w io.Writer, s *Status) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	bin := "not on PATH"
	if s.Binary.OnPath {
		bin = "on PATH"
	}
	p("binary:\tgit-ai-survival %s, writes hooks v%d\n", bin, s.Binary.HookVersion)

	if s.HooksDir != "" {
		p("hooks:\t%s\n", Safe(s.HooksDir))
		for _, h := range s.Hooks {
			desc := h.State
			if h.State == "lazy" {
				desc = "none (install --lazy: notes are written by the next command or hook)"
			}
			if h.State == "ours" {
				desc = "installed, v" + itoa(h.Version)
				switch {
				case h.Current:
					desc += " (current)"
				case h.Version > s.Binary.HookVersion:
					desc += " (newer than this binary)"
				default:
					desc += " (stale)"
				}
				if !h.Executable {
					desc += ", not executable"
				}
			}
			switch {
			case h.Chained == "inline":
				desc += ", inside the hook that was there"
			case h.Chained != "":
				desc += ", then runs " + Safe(h.Chained)
			}
			p("  %s\t%s\n", h.Name, desc)
		}
	}

	notes := "none yet"
	if s.Notes.Present {
		notes = plural(s.Notes.Local, "note", "notes")
	}
	p("notes:\t%s: %s\n", s.Notes.Ref, notes)
	for _, r := range s.Notes.Remotes {
		var desc string
		switch {
		case !r.Refspec && !r.Fetched:
			desc = "notes not fetched (no fetch refspec)"
		case !r.Fetched:
			desc = "fetch refspec set, no notes fetched yet"
			if r.Unpushed > 0 {
				desc += ", " + itoa(r.Unpushed) + " local ones not pushed"
			}
		default:
			desc = plural(r.Notes, "note", "notes") + " fetched in " + r.TrackingRef
			if r.Unmerged > 0 {
				desc += ", " + itoa(r.Unmerged) + " not merged"
			}
			if r.Unpushed > 0 {
				desc += ", " + itoa(r.Unpushed) + " local ones not pushed"
			}
			if !r.Refspec {
				desc += " (no fetch refspec)"
			}
		}
		p("  %s\t%s\n", Safe(r.Name), desc)
	}

	if len(s.Pending) == 0 {
		p("pending:\tno agent lines waiting for a commit\n")
	} else {
		total := 0
		files := map[string]bool{}
		for _, l := range s.Pending {
			total += l.Lines
			files[l.Path] = true
		}
		p("pending:\t%s by agents in %s, waiting for a commit\n", plural(total, "line", "lines"), plural(len(files), "file", "files"))
		for _, l := range s.Pending {
			who := l.Agent
			if l.Model != "" {
				who += " (" + l.Model + ")"
			}
			p("  %s\t%s: %s\n", Safe(l.Path), Safe(who), plural(l.Lines, "line", "lines"))
		}
	}

	if len(s.Agents) > 0 {
		set := 0
		for _, a := range s.Agents {
			if a.State == "installed" {
				set++
			}
		}
		p("agents:\t%d of %d set up\n", set, len(s.Agents))
		for _, a := range s.Agents {
			desc := a.State
			if a.State == "absent" {
				desc = "no settings file"
			}
			p("  %s\t%s: %s\n", a.Agent, a.Path, desc)
		}
	}

	cfg := "none (defaults)"
	switch {
	case !s.Config.Valid:
		cfg = "invalid"
	case s.Config.Found:
		cfg = "valid"
	}
	if s.Config.Path == "" {
		p("config:\t%s\n", cfg)
	} else {
		p("config:\t%s: %s\n", Safe(s.Config.Path), cfg)
	}
	cache := "empty"
	if s.Cache.Entries > 0 {
		cache = plural(s.Cache.Entries, "saved walk", "saved walks") + ", " + size(s.Cache.Bytes)
	}
	p("cache:\t%s\n", cache)
	if err := tw.Flush(); err != nil {
		return err
	}

	if len(s.Problems) == 0 {
		_, err := fmt.Fprintln(w, "\nno problems found")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s:\n", plural(len(s.Problems), "problem", "problems"))
	for _, pr := range s.Problems {
		fmt.Fprintf(&b, "  %s\n    fix: %s\n", Safe(pr.Message), Safe(pr.Fix))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return itoa(int(n)) + " bytes"
}
