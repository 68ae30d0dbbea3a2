package hooks

import (
	"strconv"
	"strings"
	"testing"
)

func TestIsShellScript(t *testing.T) {
	for _, tc := range []struct {
		content string
		want    bool
	}{
		{"#!/bin/sh\necho hi\n", true},
		{"#!/bin/sh -e\n", true},
		{"#! /bin/bash\n", true},
		{"#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n", true},
		{"#!/usr/bin/env bash\n", true},
		{"#!/usr/bin/env -S bash -e\n", true},
		{"#!/usr/bin/env LANG=C dash\n", true},
		{"#!/bin/zsh\r\n", true},
		{"#!/usr/local/bin/ksh\n", true},
		{"#!/bin/busybox sh\n", true},
		{"#!/bin/sh", true},
		{"#!/usr/bin/env python3\n", false},
		{"#!/usr/bin/perl -w\n", false},
		{"#!/usr/bin/env node\n", false},
		{"#!/usr/bin/env\n", false},
		{"#!\n", false},
		{"echo no shebang\n", false},
		{"", false},
		{"\x7fELF\x02\x01\x01\x00", false},
		{"#!/bin/sh\n\x00binary", false},
	} {
		if got := isShellScript([]byte(tc.content)); got != tc.want {
			t.Errorf("isShellScript(%q) = %v, want %v", tc.content, got, tc.want)
		}
	}
}

func TestFindBlock(t *testing.T) {
	block := PrePush.Block()
	for _, tc := range []struct {
		name    string
		content string
		start   int
		version int
		found   bool
		err     bool
	}{
		{name: "none", content: "#!/bin/sh\necho hi\n"},
		{name: "ours", content: PrePush.Script(), start: len(shebang), version: Version, found: true},
		{name: "inserted", content: "#!/bin/bash -e\n" + block + "exit 3\n", start: len("#!/bin/bash -e\n"), version: Version, found: true},
		{name: "older", content: "#!/bin/sh\n# >>> git-ai-survival hook v0 >>>\nold\n# <<< git-ai-survival hook <<<\nrest\n", start: len(shebang), version: 0, found: true},
		{name: "crlf", content: "#!/bin/sh\r\n# >>> git-ai-survival hook v7 >>>\r\nx\r\n# <<< git-ai-survival hook <<<\r\n", start: len("#!/bin/sh\r\n"), version: 7, found: true},
		{name: "no end", content: "#!/bin/sh\n# >>> git-ai-survival hook v1 >>>\necho\n", err: true},
		{name: "marker inside a line", content: "#!/bin/sh\necho '# >>> git-ai-survival hook v1 >>>'\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, found, err := findBlock([]byte(tc.content))
			if (err != nil) != tc.err || found != tc.found {
				t.Fatalf("findBlock = %+v, %v, %v; want found %v, error %v", sp, found, err, tc.found, tc.err)
			}
			if !found {
				return
			}
			if sp.Start != tc.start || sp.Version != tc.version {
				t.Errorf("span %+v, want start %d version %d", sp, tc.start, tc.version)
			}
			if !strings.HasSuffix(tc.content[sp.Start:sp.End], "# <<< git-ai-survival hook <<<\n") &&
				!strings.HasSuffix(tc.content[sp.Start:sp.End], "# <<< git-ai-survival hook <<<\r\n") {
				t.Errorf("block %q does not end with the end marker line", tc.content[sp.Start:sp.End])
			}
		})
	}
}

// Inserting then stripping the block gives back the original bytes.
func TestInsertStripRoundTrip(t *testing.T) {
	for _, orig := range []string{
		"#!/bin/sh\n",
		"#!/bin/sh\necho hi\n",
		"#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"",
		"#!/bin/bash -e\n\n\nexit 1\n",
	} {
		for _, h := range All {
			with := insertBlock([]byte(orig), h.Block())
			if !strings.HasPrefix(string(with), strings.SplitAfter(orig, "\n")[0]) {
				t.Errorf("%s: the #! line is not first any more:\n%s", h.Name, with)
			}
			sp, found, err := findBlock(with)
			if err != nil || !found {
				t.Fatalf("%s: block not found in %q: %v", h.Name, with, err)
			}
			got := string(stripBlock(with, sp))
			want := orig
			if !strings.Contains(orig, "\n") {
				want += "\n" // a #! line without newline gets one
			}
			if got != want {
				t.Errorf("%s: strip(insert(%q)) = %q", h.Name, orig, got)
			}
		}
	}
}

func TestScriptsAreVersioned(t *testing.T) {
	for _, h := range All {
		for name, text := range map[string]string{"script": h.Script(), "wrapper": h.Wrapper()} {
			if !strings.HasPrefix(text, "#!/bin/sh\n# >>> git-ai-survival hook v"+strconv.Itoa(Version)+" >>>\n") {
				t.Errorf("%s %s does not start with the shebang and the v%d marker:\n%s", h.Name, name, Version, text)
			}
			if !strings.Contains(text, "git-ai-survival hook "+h.Name+` ${1+"$@"}`) && !strings.Contains(text, "git-ai-survival hook "+h.Name+` --feed ${1+"$@"}`) {
				t.Errorf("%s %s does not run 'git-ai-survival hook %s':\n%s", h.Name, name, h.Name, text)
			}
		}
		if strings.Contains(h.Warning(), "\n") || !strings.HasPrefix(h.Warning(), "warning: git-ai-survival is not on PATH; ") {
			t.Errorf("%s warning %q", h.Name, h.Warning())
		}
	}
}
