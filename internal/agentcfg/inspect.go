package agentcfg

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Setting is the state of one agent's settings file, as status reports it.
type Setting struct {
	Agent string
	// Path is the settings file, relative to the top of the working tree.
	Path string
	// Exists says the file is there; Ours that it holds our hooks; Current
	// that they are exactly what install writes now (install would change
	// nothing).
	Exists, Ours, Current bool
	// Problem says why the file could not be read ("" when it could).
	Problem string
}

// Inspect reads the settings files of every agent install knows, under
// the working tree whose top is top, without changing them.
func Inspect(top string) []Setting {
	var out []Setting
	for i := range agents {
		a := &agents[i]
		s := Setting{Agent: a.name, Path: filepath.ToSlash(a.file)}
		b, err := os.ReadFile(filepath.Join(top, a.file))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, s)
			continue
		case err != nil:
			s.Exists, s.Problem = true, err.Error()
			out = append(out, s)
			continue
		}
		s.Exists = true
		if len(bytes.TrimSpace(b)) == 0 {
			out = append(out, s)
			continue
		}
		doc, err := parseObject(b)
		if err != nil {
			s.Problem = fmt.Sprintf("not valid JSON (%v)", err)
			out = append(out, s)
			continue
		}
		s.Ours = a.remove(doc)
		if doc, err = parseObject(b); err == nil {
			changed, aerr := a.add(doc)
			s.Current = s.Ours && aerr == nil && !changed
			if aerr != nil {
				s.Problem = aerr.Error()
			}
		}
		out = append(out, s)
	}
	return out
}
