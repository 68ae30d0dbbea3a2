package provenance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// SchemaVersion is the version of the record format this package writes.
// Records of a newer version are skipped with a warning, never misread.
const SchemaVersion = 1

// NotesRef is where notes live.
const NotesRef = "refs/notes/ai-survival"

// Record is one line of a note. A record without File is the commit record:
// the attribution of every line of Commit that no file record covers (and the
// record that makes an empty commit's note non-empty). A record with File
// gives the attribution of Lines of that file, numbered as in Commit's tree.
type Record struct {
	Version int     `json:"v"`
	Commit  string  `json:"commit"`
	File    string  `json:"file,omitempty"`
	Lines   LineSet `json:"lines,omitzero"`
	Attribution
	// Partial marks a commit record written when not every file could be
	// examined in time; uncovered lines take the commit record's origin.
	Partial bool `json:"partial,omitempty"`
	// Sources, on a commit record, lists the commits a restored note took
	// its lines' attribution from (evidence "restored").
	Sources []string `json:"sources,omitempty"`
	// RawFile holds File's bytes (base64 in JSON) when File is not valid
	// UTF-8, which JSON strings cannot carry: "file" then shows it with
	// replacement characters, and readers take the name from here.
	RawFile []byte `json:"raw_file,omitempty"`
}

func (r Record) line() []byte {
	r.RawFile = nil
	if !utf8.ValidString(r.File) {
		r.RawFile = []byte(r.File)
	}
	b, err := json.Marshal(r)
	if err != nil { // cannot happen: every field is a plain value
		panic(fmt.Sprintf("provenance: encoding record: %v", err))
	}
	return b
}

// Note is the content of one git note: records for one commit, and possibly
// records carried over from commits that were rewritten into it.
type Note struct {
	Records []Record
}

// Bytes encodes the note as sorted, unique JSON lines: the same bytes
// `git notes merge -s cat_sort_uniq` would produce, so merging a note with
// itself changes nothing.
func (n Note) Bytes() []byte {
	lines := make([]string, 0, len(n.Records))
	for _, r := range n.Records {
		lines = append(lines, string(r.line()))
	}
	sort.Strings(lines)
	var buf bytes.Buffer
	for i, l := range lines {
		if i > 0 && l == lines[i-1] {
			continue
		}
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// ParseError says why a note could not be read.
type ParseError struct {
	Line   int // 1-based line of the note; 0 for the note as a whole
	Reason string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.Reason
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Parse reads a note. Any malformed line makes the whole note invalid (a
// partly readable note would give silently wrong figures); records of a newer
// schema version are skipped and reported in warnings.
func Parse(data []byte) (Note, []string, error) {
	var note Note
	var warnings []string
	text := strings.TrimRight(string(data), "\n")
	if strings.TrimSpace(text) == "" {
		return note, nil, &ParseError{Reason: "the note is empty"}
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(line), "{") {
			return Note{}, nil, &ParseError{Line: i + 1, Reason: fmt.Sprintf("not a git-ai-survival record (it starts %q)", Abbreviate(line, 40))}
		}
		rec, newer, err := parseRecord([]byte(line))
		if err != nil {
			return Note{}, nil, &ParseError{Line: i + 1, Reason: err.Error()}
		}
		if newer {
			warnings = append(warnings, fmt.Sprintf("line %d: schema version %d is newer than this git-ai-survival (%d); record skipped, upgrade to read it", i+1, rec.Version, SchemaVersion))
			continue
		}
		note.Records = append(note.Records, rec)
	}
	if len(note.Records) == 0 && len(warnings) == 0 {
		return Note{}, nil, &ParseError{Reason: "the note has no records"}
	}
	return note, warnings, nil
}

func parseRecord(line []byte) (Record, bool, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		return Record{}, false, fmt.Errorf("invalid record: %v", err)
	}
	if dec.More() {
		return Record{}, false, fmt.Errorf("invalid record: text after the JSON object")
	}
	if rec.Version < 1 {
		return Record{}, false, fmt.Errorf("record has no schema version (\"v\")")
	}
	if rec.Version > SchemaVersion {
		return rec, true, nil
	}
	if len(rec.RawFile) > 0 {
		rec.File, rec.RawFile = string(rec.RawFile), nil
	}
	return rec, false, rec.Validate()
}

// Validate checks a record of the current schema version.
func (r Record) Validate() error {
	if !IsObjectID(r.Commit) {
		return fmt.Errorf("record has no valid commit id (%q)", Abbreviate(r.Commit, 20))
	}
	if r.Origin != AI && r.Origin != Human {
		return fmt.Errorf("origin %q is not ai or human", Abbreviate(string(r.Origin), 20))
	}
	if r.File == "" && !r.Lines.Empty() {
		return fmt.Errorf("record has lines but no file")
	}
	for _, id := range r.Sources {
		if !IsObjectID(id) {
			return fmt.Errorf("record names a source that is not a commit id (%q)", Abbreviate(id, 20))
		}
	}
	if r.File != "" && r.Lines.Empty() {
		return fmt.Errorf("record for %q has no lines", Abbreviate(r.File, 60))
	}
	return nil
}

// IsObjectID reports whether s is a full SHA-1 or SHA-256 object id in
// lower-case hex.
func IsObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ShortID is id cut to its first 12 characters, as messages show commits.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Abbreviate cuts s, for a message, to at most n bytes, at the start of a
// UTF-8 character, marking the cut with "…".
func Abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // a continuation byte
		cut--
	}
	return s[:cut] + "…"
}

// Commits lists, sorted, the commits the note's records describe. A note
// written by git-ai-survival describes exactly the commit it is attached
// to; others appear when notes.rewriteRef copied a rewritten commit's note.
func (n Note) Commits() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range n.Records {
		if !seen[r.Commit] {
			seen[r.Commit] = true
			out = append(out, r.Commit)
		}
	}
	sort.Strings(out)
	return out
}

// Describes reports whether the note has records for commit.
func (n Note) Describes(commit string) bool {
	for _, r := range n.Records {
		if r.Commit == commit {
			return true
		}
	}
	return false
}
