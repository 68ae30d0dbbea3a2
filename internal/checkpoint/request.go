package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxPayload is the largest hook payload read (a Write of a big file).
const MaxPayload = 64 << 20

// Request is one call of `git ai-survival checkpoint`: an agent, and
// either a phase (Before or After, with the paths it writes; none: every
// file the working tree shows changed) or the agent hook's payload on In.
type Request struct {
	Agent, Model, Session string
	Before, After         bool
	Paths                 []string
	// In is the hook payload (the command's stdin).
	In io.Reader
}

// payloadParsers read the hook payload of each agent that sends one.
var payloadParsers = map[string]func([]byte) (Event, error){
	"claude-code": ClaudeEvent,
	"cursor":      CursorEvent,
	"gemini":      GeminiEvent,
	"codex":       CodexEvent,
}

// ReadEvent is the event req describes: from its phase and paths, else
// from the payload its agent's hook sent on In (read until ctx ends). The
// error says what is wrong with the request or the payload.
func ReadEvent(ctx context.Context, req Request) (Event, error) {
	var ev Event
	agent := strings.TrimSpace(req.Agent)
	switch {
	case agent == "":
		return ev, errors.New("--agent is required")
	case req.Before && req.After:
		return ev, errors.New("--before and --after exclude each other")
	case req.Before || req.After:
		ev = Event{Phase: After, Paths: req.Paths, Command: len(req.Paths) == 0,
			Author: Author{Agent: agent, Model: req.Model, Session: req.Session}}
		if req.Before {
			ev.Phase = Before
		}
		return ev, nil
	}
	parse, ok := payloadParsers[agent]
	if !ok {
		return ev, fmt.Errorf("agent %q has no hook payload format; use --before or --after with paths", agent)
	}
	payload, err := readPayload(ctx, req.In)
	if err != nil {
		return ev, err
	}
	ev, err = parse(payload)
	if err == nil && req.Model != "" {
		ev.Author.Model = req.Model
	}
	return ev, err
}

// readPayload reads in, giving up when ctx ends (an agent that never
// closes it) or past MaxPayload.
func readPayload(ctx context.Context, in io.Reader) ([]byte, error) {
	if f, ok := in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return nil, errors.New("expects the agent's hook payload on stdin")
		}
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(in, MaxPayload+1))
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("reading the hook payload: %v", r.err)
		}
		if len(r.b) > MaxPayload {
			return nil, fmt.Errorf("the hook payload is larger than %d MiB", MaxPayload>>20)
		}
		return r.b, nil
	case <-ctx.Done():
		return nil, errors.New("the hook payload did not arrive on stdin in time")
	}
}
