package cli

import "fmt"

// progressLine shows "walking history: n/total commits" on a terminal.
type progressLine struct {
	f     *Factory
	shown bool
}

func (f *Factory) progress(enabled bool) *progressLine {
	if !enabled || !f.IO.ErrTTY {
		return nil
	}
	return &progressLine{f: f}
}

// callback is the progress function to hand the walk, nil when there is
// no terminal to show it on (counting commits costs a git process).
func (p *progressLine) callback() func(done, total int) {
	if p == nil {
		return nil
	}
	return p.update
}

func (p *progressLine) update(done, total int) {
	if done%100 != 0 && done != total {
		return
	}
	p.shown = true
	fmt.Fprintf(p.f.IO.ErrOut, "\rwalking history: %d/%d commits", done, total)
}

func (p *progressLine) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.f.IO.ErrOut, "\r\033[K")
	}
}
