package rewrite

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPendingReadAndGroups(t *testing.T) {
	id := func(c byte) string { return strings.Repeat(string(c), 40) }
	path := filepath.Join(t.TempDir(), PendingFile)
	if p, err := ReadPending(path); err != nil || p.Exists() || len(p.Fresh) != 0 {
		t.Fatalf("missing file: %+v, %v", p, err)
	}
	body := id('a') + "\n" + id('b') + "\nnot an id\n" + id('a') + "\n" + id('c') + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPending(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddAmends([]Pair{{Old: id('b'), New: id('c')}, {Old: id('e'), New: id('f')}}); err != nil {
		t.Fatal(err)
	}
	p, err = ReadPending(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{id('a'), id('b'), id('c')}; !reflect.DeepEqual(p.Fresh, want) {
		t.Errorf("fresh = %v, want %v", p.Fresh, want)
	}
	if want := []Pair{{id('b'), id('c')}, {id('e'), id('f')}}; !reflect.DeepEqual(p.Amends, want) {
		t.Errorf("amends = %v, want %v", p.Amends, want)
	}
	// git's list maps d to c: the amend's old commit comes first.
	got := p.Groups([]Group{{New: id('c'), Olds: []string{id('d')}}, {New: id('a'), Olds: []string{id('9')}}})
	want := []Group{
		{New: id('c'), Olds: []string{id('b'), id('d')}},
		{New: id('a'), Olds: []string{id('9')}},
		{New: id('f'), Olds: []string{id('e')}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
}
