#!/usr/bin/env bash
# bench/run.sh [NAME...]: run the speed benchmarks (all, or the named ones)
# and write their figures to bench/results.md, replacing the section of each
# benchmark that ran and keeping the others. See bench/README.md.
#
# Exits non-zero only when a benchmark could not run; a missed threshold is
# written as MISSED in the results, not reported through the exit code.
#
# Environment:
#   BENCH_COMMIT_FLAGS   extra flags for bench/commitbench (e.g. "-commits 60")
#   BENCH_REPORT_FLAGS   extra flags for bench/reportbench (e.g. "-reps 3")
#   BENCH_SCALE_FLAGS    extra flags for the merge-heavy history (e.g. "-commits 20000")
#   BENCH_SCALE80K_FLAGS extra flags for the 80,000-commit history
#   BENCH_SCALE80K_FROM  a work directory that `reportbench -generate-only
#                        -merge-every 3 -commits 80000` left, to measure instead
#                        of generating the 80,000-commit history again
#   BENCH_REAL_FLAGS     extra flags for bench/realbench (e.g. "-rebase 15 -load 0")
#   BENCH_REAL_PAD_MB    MB of random files added to the clones of the real
#                        bench's second run, for a large pack (default 120;
#                        0: no second run)
#   BENCH_REAL_BUNDLE    the real repository's bundle (default: the first of
#                        ../shared/realrepos/hercules.bundle and
#                        ../../shared/realrepos/hercules.bundle that exists)
#   BENCH_STANDIN=1      measure 'hook post-commit' through a stand-in hook
#                        when the binary has no 'install' command yet
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/bin/git-ai-survival"
RESULTS="$ROOT/bench/results.md"
ALL=(real commit report scale scale80k checkpoint)

usage() {
	echo "usage: bench/run.sh [NAME...]   (benchmarks: ${ALL[*]})" >&2
	exit 2
}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${ALL[@]}")
for n in "${names[@]}"; do
	case " ${ALL[*]} " in
	*" $n "*) ;;
	*) echo "bench/run.sh: unknown benchmark '$n'" >&2; usage ;;
	esac
done

if [ ! -x "$BIN" ]; then
	echo "bench/run.sh: $BIN missing; building it" >&2
	${MAKE:-make} -s build
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/git-ai-survival-bench-XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Measure a copy: bin/ is shared, and a rebuild during the run must not
# change the binary under the benchmark.
mkdir "$TMP/bin"
cp "$BIN" "$TMP/bin/git-ai-survival"
BIN="$TMP/bin/git-ai-survival"

# The machine line every section starts with.
machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
	printf 'Run %s on %s CPUs%s, %s, %s; %s.\n' \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" \
		"$(nproc)" \
		"${cpu:+ ($cpu)}" \
		"$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')" \
		"$(git --version | sed 's/^git version /git /')" \
		"$("$BIN" version)"
}

# Each bench_NAME writes the body of its section to $1 and its summary to
# stdout; it fails when the benchmark could not run.

# The commit and rebase benchmarks on a clone of a real repository, quiet
# and beside a CPU load (bench/realbench); one line when the bundle is absent.
bench_real() {
	local flags=() bundle=${BENCH_REAL_BUNDLE:-}
	# shellcheck disable=SC2206 # word splitting wanted
	flags=(${BENCH_REAL_FLAGS:-})
	if [ -z "$bundle" ]; then
		bundle=$ROOT/../shared/realrepos/hercules.bundle
		for b in "$ROOT/../shared/realrepos/hercules.bundle" "$ROOT/../../shared/realrepos/hercules.bundle"; do
			[ -f "$b" ] && { bundle=$b; break; }
		done
	fi
	go build -o "$TMP/realbench" ./bench/realbench
	"$TMP/realbench" -bin "$BIN" -bundle "$bundle" -work "$TMP" -out "$1" "${flags[@]}"
	[ -f "$bundle" ] && [ "${BENCH_REAL_PAD_MB:-120}" != 0 ] || return 0
	# The same on clones with a large pack, as a long-lived project has.
	"$TMP/realbench" -bin "$BIN" -bundle "$bundle" -work "$TMP" -out "$1.large" -pad-mb "${BENCH_REAL_PAD_MB:-120}" "${flags[@]}"
	printf '\n## real: the same with a large pack\n\n' >>"$1"
	cat "$1.large" >>"$1"
	rm -f "$1.large"
}

title_real='real: the hooks on a real repository (commit and rebase)'

bench_commit() {
	local flags=()
	# shellcheck disable=SC2206 # word splitting wanted
	flags=(${BENCH_COMMIT_FLAGS:-})
	[ "${BENCH_STANDIN:-}" = 1 ] && flags+=(-standin)
	go build -o "$TMP/commitbench" ./bench/commitbench
	"$TMP/commitbench" -bin "$BIN" -work "$TMP" -out "$1" "${flags[@]}"
}

title_commit='commit: what the hooks cost `git commit`'

bench_report() {
	local flags=()
	# shellcheck disable=SC2206 # word splitting wanted
	flags=(${BENCH_REPORT_FLAGS:-})
	go build -o "$TMP/reportbench" ./bench/reportbench
	"$TMP/reportbench" -bin "$BIN" -work "$TMP" -out "$1" "${flags[@]}"
}

title_report='report: the survival engine against `git log -p` and `git blame`'

# The report on a merge-heavy history shaped like git's own (long-lived
# branches, a merge every third commit, files of 10,000 lines edited
# thousands of times) against git log -p: CPU and peak memory.
bench_scale() {
	local flags=()
	# shellcheck disable=SC2206 # word splitting wanted
	flags=(${BENCH_SCALE_FLAGS:-})
	go build -o "$TMP/reportbench" ./bench/reportbench
	"$TMP/reportbench" -bin "$BIN" -work "$TMP" -out "$1" -merge-every 3 -commits 6000 -reps 3 "${flags[@]}" >/dev/null
	sed -n 's/^- Report CPU over plain `git log -p`: \([^ ]*\).*/scale: report \/ git log -p (CPU) \1/p' "$1"
}

title_scale='scale: the report on a merge-heavy history against `git log -p`'

# The same shape at the size of git's own history: 80,000 commits, one
# round, without `git log -p -m` (most of an hour by itself). Generating
# the history and writing its notes take most of this benchmark's time;
# BENCH_SCALE80K_FROM measures one made earlier instead.
bench_scale80k() {
	local flags=()
	# shellcheck disable=SC2206 # word splitting wanted
	flags=(${BENCH_SCALE80K_FLAGS:-})
	[ -n "${BENCH_SCALE80K_FROM:-}" ] && flags=(-from "$BENCH_SCALE80K_FROM" "${flags[@]}")
	go build -o "$TMP/reportbench" ./bench/reportbench
	"$TMP/reportbench" -bin "$BIN" -work "$TMP" -out "$1" -merge-every 3 -commits 80000 -reps 1 -no-m "${flags[@]}" >/dev/null
	sed -n 's/^- Report CPU over plain `git log -p`: \([^ ]*\).*/scale80k: report \/ git log -p (CPU) \1/p' "$1"
}

title_scale80k='scale80k: the report on a merge-heavy history of 80,000 commits'

# The agent checkpoint (Pre + Post through the real binary, on a 2,000-line
# file) and the post-commit hook with 50 files' checkpoints pending, from the
# Go benchmarks in internal/checkpoint (means over 30 runs each).
bench_checkpoint() {
	go test -run '^$' -bench 'BenchmarkCheckpointPrePost|BenchmarkPostCommitHook' \
		-benchtime 30x -count 1 ./internal/checkpoint >"$TMP/checkpoint.txt"
	awk '
		/^Benchmark/ { name = $1; sub(/-[0-9]+$/, "", name); ms[name] = $3 / 1e6; order[++n] = name }
		END {
			print "| benchmark | mean of 30 |"
			print "|---|---:|"
			for (i = 1; i <= n; i++) printf "| `%s` | %.1f ms |\n", order[i], ms[order[i]]
			pair = ms["BenchmarkCheckpointPrePost"]
			with = ms["BenchmarkPostCommitHook/pending=50"]; without = ms["BenchmarkPostCommitHook/pending=0"]
			print ""
			printf "- Checkpoint Pre + Post on a 2,000-line file: %.1f ms (threshold 50 ms: %s).\n", pair, (pair < 50 ? "met" : "MISSED")
			printf "- Post-commit hook, 20,000-file repository, 10 files committed: %.1f ms with 50 files pending, %.1f ms with none (+%.1f ms); both include a `git notes remove` that resets the note between runs.\n", with, without, with - without
		}' "$TMP/checkpoint.txt" >"$1"
	awk '/^Benchmark/ { print "checkpoint: " $1 " " $3 / 1e6 " ms" }' "$TMP/checkpoint.txt"
}

title_checkpoint='checkpoint: agent checkpoints and the hook with pending state'

# replace_section NAME TITLE BODYFILE: put the section into bench/results.md.
replace_section() {
	local name=$1 title=$2 body=$3 begin="<!-- bench:$1 -->" end="<!-- /bench:$1 -->"
	local section="$TMP/section-$name.md"
	{
		echo "$begin"
		echo "## $title"
		echo
		machine
		echo
		cat "$body"
		echo "$end"
	} >"$section"
	if [ ! -f "$RESULTS" ]; then
		{
			echo "# Benchmark results"
			echo
			echo 'Written by `make bench` (`bench/run.sh`); `bench/README.md` says what each'
			echo 'benchmark measures and what its thresholds are. Each run rewrites the sections'
			echo 'of the benchmarks it ran and keeps the others.'
		} >"$RESULTS"
	fi
	if grep -qxF "$begin" "$RESULTS"; then
		awk -v begin="$begin" -v end="$end" -v file="$section" '
			$0 == begin { while ((getline line < file) > 0) print line; skip = 1; next }
			$0 == end { skip = 0; next }
			!skip { print }' "$RESULTS" >"$TMP/results.md"
	else
		{ cat "$RESULTS"; echo; cat "$section"; } >"$TMP/results.md"
	fi
	cp "$TMP/results.md" "$RESULTS"
}

failed=()
wrote=0
for n in "${names[@]}"; do
	echo "== $n" >&2
	body="$TMP/body-$n.md"
	if "bench_$n" "$body"; then
		title_var="title_$n"
		replace_section "$n" "${!title_var}" "$body"
		wrote=1
	else
		echo "bench/run.sh: benchmark '$n' failed to run; its section of bench/results.md is unchanged" >&2
		failed+=("$n")
	fi
done

[ "$wrote" = 1 ] && echo "results: bench/results.md"
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench/run.sh: failed: ${failed[*]}" >&2
	exit 1
fi
