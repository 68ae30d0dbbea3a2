package gitx

import (
	"reflect"
	"testing"
	"time"

	"github.com/git-ai-survival/git-ai-survival/provenance"
)

func TestParseMeta(t *testing.T) {
	// A message may hold the separator: it is the last field.
	dated := "c1\x1fp1 p2\x1fAnn <a@x>\x1f1700000000\x1fBob <b@x>\x1f1700000060\x1fFix\x1fit\n\nbody\n"
	got, err := ParseMeta(dated, true)
	want := provenance.Meta{ID: "c1", Parents: []string{"p1", "p2"}, Author: "Ann <a@x>", AuthorTime: time.Unix(1700000000, 0).UTC(),
		Committer: "Bob <b@x>", CommitTime: time.Unix(1700000060, 0).UTC(), Message: "Fix\x1fit\n\nbody\n"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseMeta(dated) = %+v, %v\nwant %+v", got, err, want)
	}
	got, err = ParseMeta("c2\x1f\x1fAnn <a@x>\x1fBob <b@x>\x1fRoot\x1f", false)
	want = provenance.Meta{ID: "c2", Parents: []string{}, Author: "Ann <a@x>", Committer: "Bob <b@x>", Message: "Root\x1f"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseMeta(no dates) = %+v, %v\nwant %+v", got, err, want)
	}
	for _, bad := range []struct {
		rec   string
		dates bool
		err   string
	}{
		{"c3\x1fp\x1fAnn <a@x>\nsecond line", true, `unexpected commit record "c3\x1fp\x1fAnn <a@x>"`},
		{"c4\x1f\x1fAnn <a@x>\x1fyesterday\x1fBob <b@x>\x1f1\x1fm", true, `commit c4: unreadable dates "yesterday", "1"`},
		{"c5\x1f\x1fAnn <a@x>", false, `unexpected commit record "c5\x1f\x1fAnn <a@x>"`},
	} {
		if _, err := ParseMeta(bad.rec, bad.dates); err == nil || err.Error() != bad.err {
			t.Errorf("ParseMeta(%q) error %v, want %s", bad.rec, err, bad.err)
		}
	}
}
