package walkcache

import (
	"bytes"
	"encoding/hex"
	"fmt"
)

// idList is the commits of a walk in order, their ids decoded from hex and
// laid end to end: 20 bytes a commit (32 with SHA-256) in one slice, where
// a []string of them would cost an allocation and 80 bytes each. It is
// what a recorder keeps for every commit of the history, so its size is
// the part of the cache's memory that grows with the history.
type idList struct {
	raw   []byte
	width int // bytes per id, set by the first
}

// add appends id; a malformed id, or one of another length than the
// first, is an error.
func (l *idList) add(id string) error {
	if len(id)%2 != 0 || len(id) == 0 || (l.width != 0 && len(id) != 2*l.width) {
		return fmt.Errorf("commit id %q is not a hex object id of the walk's length", id)
	}
	l.width = len(id) / 2
	n := len(l.raw)
	l.raw = append(l.raw, make([]byte, l.width)...)
	if _, err := hex.Decode(l.raw[n:], []byte(id)); err != nil {
		l.raw = l.raw[:n]
		return fmt.Errorf("commit id %q: %w", id, err)
	}
	return nil
}

// len is the number of ids.
func (l *idList) len() int {
	if l.width == 0 {
		return 0
	}
	return len(l.raw) / l.width
}

// is says whether the i-th id is id.
func (l *idList) is(i int, id string) bool {
	if i < 0 || i >= l.len() || len(id) != 2*l.width {
		return false
	}
	var buf [32]byte
	if l.width > len(buf) {
		return false
	}
	if _, err := hex.Decode(buf[:l.width], []byte(id)); err != nil {
		return false
	}
	return bytes.Equal(l.raw[i*l.width:(i+1)*l.width], buf[:l.width])
}

// each calls fn with every id, in hex, in order, until fn returns false.
func (l *idList) each(fn func(id string) bool) {
	for i := 0; i < l.len(); i++ {
		if !fn(hex.EncodeToString(l.raw[i*l.width : (i+1)*l.width])) {
			return
		}
	}
}

// saved is what an entry's ids section holds.
type savedIDs struct {
	Width int
	Raw   []byte
}

func (l *idList) saved() savedIDs { return savedIDs{Width: l.width, Raw: l.raw} }

func (s savedIDs) list() (*idList, error) {
	if s.Width < 0 || s.Width > 32 || (s.Width == 0 && len(s.Raw) > 0) || (s.Width > 0 && len(s.Raw)%s.Width != 0) {
		return nil, fmt.Errorf("ids section: %d bytes of %d-byte ids", len(s.Raw), s.Width)
	}
	return &idList{raw: s.Raw, width: s.Width}, nil
}
