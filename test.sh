#!/usr/bin/env bash
# The test command: starts the real servers the tests need on loopback, builds the
# solution, runs every test project once, and ends with a one-line summary:
#
#   tests: N passed, N failed[, N skipped]
#
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter "FullyQualifiedName~Sla".
# LITIGES_TEST_REPEAT=3 ./test.sh runs the whole suite three times in a row on the same servers
# (a race shows up as a failure in one round); each round's line is printed, then the total.
# Test results (TRX) go to artifacts/test-results; tests write screenshots and traces
# under artifacts/ too, and those are kept.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

RESULTS=artifacts/test-results
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# shellcheck source=scripts/services.sh
source scripts/services.sh
trap stop_all EXIT
# Turn signals into a normal exit so that the EXIT trap runs once and stops the servers.
trap 'exit 130' INT
trap 'exit 143' TERM

# Servers for the tests (LITIGES_TEST_* variables). npm tools are installed in one go first.
ensure_npm_tools "azurite@$AZURITE_VERSION" "maildev@$MAILDEV_VERSION" "axe-core@$AXE_CORE_VERSION"
ensure_axe
ensure_chromium
start_postgres
start_azurite
start_maildev
start_clamd
start_dovecot

# Each test host watches its configuration files with inotify; the default of 128 instances per
# user is tight for the integration suite's hundreds of hosts. Raise it where allowed (root).
if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)" -lt 1024 ]; then
    sysctl -qw fs.inotify.max_user_instances=1024 2>/dev/null || true
fi

dotnet restore Portal.sln
dotnet build Portal.sln -c Release --no-restore -nologo

# The benchmarks are not in the solution: build them (no run) so that they keep compiling, in one
# go through their own solution, which must list every one of them.
for bench in bench/*/*.csproj; do
    if ! grep -qF "Path=\"${bench#bench/}\"" bench/Benchmarks.slnx; then
        echo "test.sh: $bench is not in bench/Benchmarks.slnx (dotnet sln bench/Benchmarks.slnx add $bench)" >&2
        exit 2
    fi
done
dotnet build bench/Benchmarks.slnx -c Release -nologo

# Adds up the <Counters .../> element of every TRX file under a folder (one per test project
# and round): prints "files executed passed failed skipped". No python on a fresh machine: awk only.
count_results() {
    find "$1" -name '*.trx' -print0 | xargs -0 -r cat | awk '
        function attr(s, name,   m) {
            # " name=\"N\"" with the leading space, so that "passed" does not match "passedButRunAborted".
            if (match(s, " " name "=\"[0-9]+\"")) {
                m = substr(s, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0
            }
            return 0
        }
        {
            line = $0
            while (match(line, /<Counters [^>]*>/)) {
                c = substr(line, RSTART, RLENGTH)
                files++
                executed += attr(c, "executed")
                passed   += attr(c, "passed")
                failed   += attr(c, "failed") + attr(c, "error") + attr(c, "timeout") + attr(c, "aborted")
                # xunit skips count in total but not in executed, and notExecuted stays 0.
                nx = attr(c, "total") - attr(c, "executed")
                skipped  += (nx > attr(c, "notExecuted")) ? nx : attr(c, "notExecuted")
                line = substr(line, RSTART + RLENGTH)
            }
        }
        END { printf "%d %d %d %d %d\n", files, executed, passed, failed, skipped }'
}

# One run over the solution per round; its exit code is kept, not fatal, so the summary is
# still printed. Each round writes its TRX files in a folder of its own.
rounds="${LITIGES_TEST_REPEAT:-1}"
case "$rounds" in ''|*[!0-9]*|0) echo "test.sh: LITIGES_TEST_REPEAT must be a positive number" >&2; exit 2 ;; esac
test_status=0
for round in $(seq 1 "$rounds"); do
    started=$SECONDS
    dotnet test Portal.sln -c Release --no-build --logger trx --results-directory "$RESULTS/round-$round" "$@" \
        || test_status=$?
    if [ "$rounds" -gt 1 ]; then
        read -r _ _ round_passed round_failed _ <<<"$(count_results "$RESULTS/round-$round")"
        echo "test.sh: round $round of $rounds: $round_passed passed, $round_failed failed, $((SECONDS - started)) s"
    fi
done

# In CI, stop the compiler and MSBuild servers so no dotnet process outlives the run.
if [ "${CI:-}" = true ]; then
    dotnet build-server shutdown >/dev/null 2>&1 || true
fi

summary="$(count_results "$RESULTS")"
read -r trx_files executed passed failed skipped <<<"$summary"

if [ "$trx_files" -eq 0 ]; then
    echo "test.sh: no TRX results found in $RESULTS" >&2
elif [ "$executed" -eq 0 ]; then
    echo "test.sh: no test was executed" >&2
fi
if [ "$test_status" -ne 0 ]; then
    echo "test.sh: dotnet test exited with status $test_status" >&2
fi

line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line+=", $skipped skipped"
echo "$line"

if [ "$test_status" -ne 0 ]; then exit "$test_status"; fi
if [ "$executed" -eq 0 ] || [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
