// Package provenance is the data model of git-ai-survival: where a line of
// code came from (an AI agent or a person), and the git note format that
// records it for every line a commit added.
//
// A note is line-oriented JSON (one self-contained record per line, each
// carrying the schema version and the commit it describes), so that
// `git notes merge -s cat_sort_uniq` and notes copied by notes.rewriteRef can
// never produce a note that is misread. The package imports no git code.
package provenance
