package term

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want, line string }{
		{"claude-code", "claude-code", "claude-code"},
		{"modèle 日本", "modèle 日本", "modèle 日本"},
		{"a\tb\nc", "a\tb\nc", `a\tb\nc`},
		{"\x1b[31mred\x1b[0m", `\e[31mred\e[0m`, `\e[31mred\e[0m`},
		{"\x1b]0;pwned\x07", `\e]0;pwned\x07`, `\e]0;pwned\x07`},
		{"over\rwrite", `over\rwrite`, `over\rwrite`},
		{"nul\x00byte", `nul\x00byte`, `nul\x00byte`},
		{"del\x7f", `del\x7f`, `del\x7f`},
		{"c1\u009b31m", `c1\x9b31m`, `c1\x9b31m`},
		{"bidi\u202eevil", `bidi\u202eevil`, `bidi\u202eevil`},
		{"bad\xffutf8", `bad\xffutf8`, `bad\xffutf8`},
	} {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
}

func TestWriterHoldsSplitCharacters(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	in := "é\x1b[2J日\u009b"
	for i := 0; i < len(in); i++ {
		if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), `é\e[2J日\x9b`; got != want {
		t.Errorf("written %q, want %q", got, want)
	}
	b.Reset()
	_, _ = w.Write([]byte("cut \xe6\x97"))
	_ = w.Flush()
	if got, want := b.String(), `cut \xe6\x97`; got != want {
		t.Errorf("flushed %q, want %q", got, want)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31m", "\u202e", "\xff\xfe", "a\nb\tc\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Sanitize(s), Line(s)} {
			for _, r := range out {
				if unsafe(r) {
					t.Fatalf("Sanitize(%q) left %U in %q", s, r, out)
				}
			}
			if Sanitize(out) != out {
				t.Fatalf("Sanitize is not idempotent on %q", s)
			}
		}
		if strings.ContainsAny(Line(s), "\n\t") {
			t.Fatalf("Line(%q) has a newline or tab", s)
		}
	})
}

func TestReplace(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain\tname é", "plain\tname é"},
		{"x := 1\x1b[2J", "x := 1\ufffd[2J"},
		{"a\nb\rc\x7fd\u0085e", "a\ufffdb\ufffdc\ufffdd\ufffde"},
	} {
		if got := Replace(c.in); got != c.want {
			t.Errorf("Replace(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
