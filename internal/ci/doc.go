// Package ci is what `git ai-survival ci` does around the measurement: it
// recognises the CI system from the environment (GitHub Actions, GitLab
// CI), reads the event that started the job, chooses the ranges to measure
// (a pull request's commits and the repository as a whole; on a push the
// whole history and the last release), deepens a shallow checkout and
// fetches the provenance notes when the remote allows, and writes what CI
// systems read: a Markdown summary, step outputs, workflow annotations and
// an OpenMetrics file.
//
// It never talks to git except through gitx, and renders the figures with
// package render; the per-file figures for annotations come from the same
// walk as the report (see Measure).
package ci
