// Package capture turns commits into provenance: it reads what each commit
// added (package added; for the post-commit hook, metadata and diff from a
// single `git log`), classifies the commit from its evidence, and builds
// the note that tags every added line. The post-commit hook and annotate
// both use it; it writes nothing.
package capture
