package checkpoint

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadEvent(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		req Request
		err string
	}{
		{Request{Agent: " "}, "--agent is required"},
		{Request{Agent: "aider", Before: true, After: true}, "--before and --after exclude each other"},
		{Request{Agent: "aider", In: strings.NewReader("{}")}, `agent "aider" has no hook payload format; use --before or --after with paths`},
		{Request{Agent: "claude-code", In: strings.NewReader(`{"hook_event_name":"Stop"}`)}, `hook event "Stop" is not a tool use`},
		{Request{Agent: "claude-code", In: io.LimitReader(zeros{}, MaxPayload+1)}, "the hook payload is larger than 64 MiB"},
	} {
		if _, err := ReadEvent(ctx, c.req); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%+v: err %v, want %q", c.req, err, c.err)
		}
	}

	ev, err := ReadEvent(ctx, Request{Agent: " aider ", Model: "m", Session: "s", Before: true, Paths: []string{"a.go"}})
	want := Event{Phase: Before, Paths: []string{"a.go"}, Author: Author{Agent: "aider", Model: "m", Session: "s"}}
	if err != nil || !reflect.DeepEqual(ev, want) {
		t.Errorf("--before: %+v %v, want %+v", ev, err, want)
	}
	ev, err = ReadEvent(ctx, Request{Agent: "aider", After: true})
	if err != nil || ev.Phase != After || !ev.Command {
		t.Errorf("--after with no paths: %+v %v, want a command's checkpoint", ev, err)
	}

	payload := `{"hook_event_name":"PreToolUse","tool_name":"Write","cwd":"/w","model":"opus","session_id":"x","tool_input":{"file_path":"/w/a.go"}}`
	ev, err = ReadEvent(ctx, Request{Agent: "claude-code", Model: "sonnet", In: strings.NewReader(payload)})
	if err != nil || ev.Phase != Before || ev.Author != (Author{Agent: "claude-code", Model: "sonnet", Session: "x"}) {
		t.Errorf("payload with --model: %+v %v", ev, err)
	}

	// An agent that never closes stdin: the payload is given up on.
	pr, pw := io.Pipe()
	defer pw.Close()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := ReadEvent(short, Request{Agent: "cursor", In: pr}); err == nil || !strings.Contains(err.Error(), "did not arrive on stdin in time") {
		t.Errorf("stdin never closed: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0
	}
	return len(p), nil
}
