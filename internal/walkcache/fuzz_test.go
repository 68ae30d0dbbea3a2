package walkcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
	"github.com/git-ai-survival/git-ai-survival/internal/gitx"
	"github.com/git-ai-survival/git-ai-survival/internal/walk"
)

// realEntry walks a small history with moves (renames, a moved block,
// deletions) and returns the bytes of the cache entry it saved.
func realEntry(t testing.TB) []byte {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := t.TempDir()
	home := filepath.Join(root, "home")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = T\n\temail = t@example.com\n[core]\n\tautocrlf = false\n"), 0o644)
	r := &gittest.Repo{T: t, Dir: filepath.Join(root, "repo"), Home: home, Env: gittest.Environ(home, "")}
	r.Git("init", "-q", "-b", "main", r.Dir)
	r.Write("a.go", "package a\n\nfunc A() int {\n\treturn 1\n}\n\nfunc B() int {\n\treturn 2\n}\n")
	r.Write("b.txt", "one\ntwo\nthree\nfour\n")
	r.Commit("first")
	r.Write("a.go", "package a\n\nfunc A() int {\n\treturn 10\n}\n")
	r.Write("c.go", "package a\n\nfunc B() int {\n\treturn 2\n}\n")
	r.Commit("move B")
	r.Git("mv", "b.txt", "d.txt")
	r.Write("d.txt", "one\n2\nthree\nfour\nfive\n")
	r.Commit("rename")
	r.Git("rm", "-q", "c.go")
	r.Commit("delete")
	ctx := context.Background()
	repo, err := gitx.Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Git.Env = r.Env
	dir := filepath.Join(root, "cache")
	_, st, err := Run(ctx, repo, walk.Options{Moves: true}, Options{Dir: dir,
		Attributor: func([]string) (walk.Attributor, error) { return nil, nil }})
	if err != nil || !st.Saved {
		t.Fatalf("walk: %+v %v", st, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.walk"))
	if len(files) != 1 {
		t.Fatalf("entries %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// reseal gives data a header that matches its body: the right magic,
// version, checksum and, when the section lengths do not add up, the last
// section's length fixed to take the rest. It lets the fuzzer reach the
// decoders behind the checksum.
func reseal(data []byte) []byte {
	if len(data) < headerSize {
		return data
	}
	out := append([]byte(nil), data...)
	h, _ := readHeader(bytes.NewReader(append([]byte(magic), out[8:headerSize]...)))
	h.version = FormatVersion
	var total uint64
	for _, n := range h.sections[:3] {
		total += n
	}
	body := uint64(len(out) - headerSize)
	if total > body {
		h.sections = [4]uint64{body, 0, 0, 0}
	} else {
		h.sections[3] = body - total
	}
	h.sum = sha256.Sum256(out[headerSize:])
	copy(out, h.bytes())
	return out
}

// roundTrip gob-encodes v and decodes it into a new value of its type.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatalf("re-encoding %T: %v", v, err)
	}
	p := reflect.New(reflect.TypeOf(v).Elem())
	if err := gob.NewDecoder(&buf).Decode(p.Interface()); err != nil {
		t.Fatalf("decoding re-encoded %T: %v", v, err)
	}
	return p.Interface()
}

// FuzzEntry: a cache file of any content never panics the reader. It is
// either refused as corrupt or of another version, or its header
// re-encodes to the same bytes and every section decodes to values that
// re-encode to the same values; replaying it into a walk either succeeds
// or fails as corrupt. reseal (the checksum made to match) takes the
// fuzzer past the checksum to the decoders and the replay.
func FuzzEntry(f *testing.F) {
	real := realEntry(f)
	f.Add(real, false)
	f.Add(real, true)
	f.Add(real[:headerSize], false)
	for _, i := range []int{9, 20, headerSize, headerSize + 10, len(real) / 2, len(real) - 5} {
		c := append([]byte(nil), real...)
		c[i] ^= 0x5a
		f.Add(c, true)
	}
	f.Add([]byte(magic), false)
	f.Add([]byte{}, false)
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, data []byte, resealed bool) {
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic(fmt.Sprintf("reading a %d-byte entry (resealed %v) takes over 10s", len(data), resealed))
			}
		}()
		defer close(done)
		if resealed {
			data = reseal(data)
		}
		n++
		path := filepath.Join(dir, fmt.Sprintf("e%d.walk", n))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		if h, err := readHeader(bytes.NewReader(data)); err == nil {
			if !bytes.Equal(h.bytes(), data[:headerSize]) {
				t.Fatalf("header %x re-encodes as %x", data[:headerSize], h.bytes())
			}
		}
		e, err := openEntry(path)
		if err != nil {
			if !errors.Is(err, errCorrupt) && !errors.Is(err, errVersion) {
				t.Fatalf("an unreadable entry is neither corrupt nor of another version: %v", err)
			}
			if !resealed && bytes.Equal(data, real) {
				t.Fatalf("the real entry refused: %v", err)
			}
			return
		}
		defer e.close()
		if m := roundTrip(t, &e.meta).(*meta); !reflect.DeepEqual(*m, e.meta) {
			t.Fatalf("meta %+v re-encodes as %+v", e.meta, *m)
		}
		if ids, err := e.ids(); err == nil {
			saved := ids.saved()
			if got := *roundTrip(t, &saved).(*savedIDs); got.Width != saved.Width || !bytes.Equal(got.Raw, saved.Raw) {
				t.Fatalf("ids %+v re-encode as %+v", saved, got)
			}
			n := 0
			ids.each(func(string) bool { n++; return true })
			if n != ids.len() {
				t.Fatalf("%d ids listed of %d", n, ids.len())
			}
		} else if !errors.Is(err, errCorrupt) {
			t.Fatalf("ids: %v", err)
		}
		if s, err := e.state(); err == nil {
			roundTrip(t, s)
		} else if !errors.Is(err, errCorrupt) {
			t.Fatalf("state: %v", err)
		}
		res, err := replay(e, walk.Options{}, newRecorder(discard{}))
		switch {
		case err != nil && !errors.Is(err, errCorrupt):
			t.Fatalf("replay: %v", err)
		case err == nil && res == nil:
			t.Fatal("replay: no error and nothing to resume from")
		case err != nil && bytes.Equal(data, real):
			t.Fatalf("replay of the real entry: %v", err)
		}
		if strings.Contains(fmt.Sprint(err), "\x00") {
			t.Fatalf("NUL in the message: %q", err)
		}
	})
}
