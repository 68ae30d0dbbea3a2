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
	"github.com/git-ai-survival/git-ai-survival/internal/walk/linemap"
	"github.com/git-ai-survival/git-ai-survival/provenance"
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
// re-encode to the same values (the events frame by frame,
// checkFrameBytes); replaying it into a walk either succeeds or fails as
// corrupt. reseal (the checksum made to match) takes the
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
		e.frames(func(data []byte) error {
			checkFrameBytes(t, data)
			return nil
		})
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

// checkFrameBytes reads data as a frame: it is refused with an error, or
// its events make a frame that reads back as the same events.
func checkFrameBytes(t *testing.T, data []byte) {
	t.Helper()
	evs, err := decodeFrame(data, nil)
	if err != nil {
		if strings.Contains(err.Error(), "\x00") {
			t.Fatalf("NUL in the message: %q", err)
		}
		return
	}
	again, err := appendFrame(nil, evs)
	if err != nil {
		t.Fatalf("the events of a frame read do not encode: %v", err)
	}
	back, err := decodeFrame(again, nil)
	if err != nil {
		t.Fatalf("the events of a frame read, encoded again, do not read: %v", err)
	}
	if !reflect.DeepEqual(back, evs) {
		t.Fatalf("the events of a frame read, encoded again, read as others")
	}
}

// FuzzFrameBytes: any bytes read as a frame of events never panic the
// frame codec (checkFrameBytes).
func FuzzFrameBytes(f *testing.F) {
	for _, evs := range [][]event{edgeEvents(), benchFrame()[:64], nil} {
		data, err := appendFrame(nil, evs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(checkFrameBytes)
}

// FuzzFrameRoundTrip: any events the recorder can give (their pointers
// and paths cleared) read back from their frame as they were written.
func FuzzFrameRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x01\x0f\x00\x00\x00\x01ai\x02\x80\x81\x82\x83\x84\x85\x86\x87\xffzone"))
	f.Add(bytes.Repeat([]byte{0x9c, 0x05, 0xff, 0x00, 0x7f, 0x80}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRoundTrip(t, fuzzEvents(&byteSource{b: data}))
	})
}

// byteSource makes values of data; zeros once it is used up.
type byteSource struct{ b []byte }

func (s *byteSource) byte() byte {
	if len(s.b) == 0 {
		return 0
	}
	v := s.b[0]
	s.b = s.b[1:]
	return v
}

// int is a small number or, one time in four, any int.
func (s *byteSource) int() int {
	v := s.byte()
	if v&3 != 0 {
		return int(int8(v))
	}
	var u uint64
	for range 8 {
		u = u<<8 | uint64(s.byte())
	}
	return int(u)
}

// str is one of a few strings, or bytes of data.
func (s *byteSource) str() string {
	v := s.byte()
	if v < 0x80 {
		return []string{"", "ai", "human", "a/b.go", "\x00", "é"}[int(v)%6]
	}
	n := min(int(v&0x1f), len(s.b))
	out := string(s.b[:n])
	s.b = s.b[n:]
	return out
}

// list is nil or a few strings.
func (s *byteSource) list() []string {
	var out []string
	for range s.byte() % 4 {
		out = append(out, s.str())
	}
	return out
}

func (s *byteSource) attr() provenance.Attribution {
	if s.byte()&1 == 0 {
		return provenance.Attribution{Origin: provenance.Origin(s.str())}
	}
	return provenance.Attribution{Origin: provenance.Origin(s.str()), Agent: s.str(), Model: s.str(),
		Agents: provenance.Agents(s.str()), Session: s.str(), Evidence: provenance.Evidence(s.str())}
}

// time is the zero time or an instant in UTC, in a zone of quarter
// hours, or local.
func (s *byteSource) time() time.Time {
	switch v := s.byte(); v % 4 {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(int64(s.int())%(1<<40), int64(s.int())).UTC()
	case 2:
		off := int(int8(s.byte())) * 15 * 60
		return time.Unix(int64(s.int())%(1<<40), 0).In(time.FixedZone(s.str(), off))
	default:
		return time.Unix(int64(s.int())%(1<<40), 0).Local()
	}
}

func (s *byteSource) files() map[string][]provenance.Span {
	n := s.byte() % 3
	if n == 0 {
		return nil
	}
	files := map[string][]provenance.Span{}
	for range n {
		var spans []provenance.Span
		for range s.byte() % 3 {
			spans = append(spans, provenance.Span{Range: provenance.Range{Start: s.int(), End: s.int()}, Attribution: s.attr()})
		}
		files[s.str()] = spans
	}
	return files
}

func (s *byteSource) commit() *linemap.Commit {
	c := &linemap.Commit{Meta: provenance.Meta{ID: s.str(), Parents: s.list(), Author: s.str(), Committer: s.str(),
		AuthorTime: s.time(), CommitTime: s.time(), Message: s.str(), Branch: s.str()}, Index: s.int()}
	bits := s.byte()
	c.Provenance = provenance.Commit{ID: s.str(), Default: s.attr(), HasDefault: bits&1 != 0, Partial: bits&2 != 0,
		Sources: s.list(), Files: s.files()}
	c.Source = provenance.Source(s.str())
	return c
}

// fuzzEvents makes events of every shape from s: each has any kind, and
// any of a new path, a death, a birth and a commit.
func fuzzEvents(s *byteSource) []event {
	var evs []event
	for range s.byte() % 16 {
		ev := event{K: s.byte()}
		parts := s.byte()
		ev.B, ev.C, ev.P = s.int(), s.int(), s.int()
		if parts&hasNewPath != 0 {
			ev.NewPath = s.str()
		}
		if parts&hasDeath != 0 {
			ev.Death = linemap.Death{Offset: s.int(), Lines: s.int(), Kind: linemap.DeathKind(s.byte()), By: s.attr()}
		}
		if parts&hasBirth != 0 {
			ev.Birth = &linemap.Birth{Attribution: s.attr(), Lines: s.int()}
		}
		if parts&hasCommit != 0 {
			ev.Commit = s.commit()
		}
		evs = append(evs, ev)
	}
	return evs
}
