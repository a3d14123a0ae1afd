#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility) of two signed-in portal pages: the invoice list
# and a dispute page. See bench/Lighthouse/README.md.
#
#   bench/Lighthouse/run.sh [--preset mobile|desktop] [--runs N]
#
# Builds the apps, migrates a fresh SQLite database with the demo data, starts the portal's
# Release build in Production mode on a free loopback port, signs in over HTTP (antiforgery
# token, then the auth cookie), and runs Lighthouse with Debian's chromium, the cookie passed as
# an extra header. Prints one line per page and run, the median of the runs, and keeps the
# HTML and JSON reports under artifacts/lighthouse/. Fails when a median is below 90.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO="$(pwd)"

PRESET=mobile
RUNS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --preset) PRESET="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        *) echo "usage: $0 [--preset mobile|desktop] [--runs N]" >&2; exit 2 ;;
    esac
done
case "$PRESET" in mobile|desktop) ;; *) echo "--preset is mobile or desktop" >&2; exit 2 ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/services.sh
source scripts/services.sh
ensure_chromium
ensure_npm_tools "lighthouse@$LIGHTHOUSE_VERSION"
command -v curl >/dev/null 2>&1 || ensure_apt_packages curl ca-certificates

WORK="$(mktemp -d "${TMPDIR:-/tmp}/litiges-lighthouse.XXXXXX")"
OUT="$REPO/artifacts/lighthouse"
mkdir -p "$OUT"
PORTAL_PID=""
cleanup() {
    _svc_kill "$PORTAL_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building the apps..."
for project in src/CustomerPortal/Litiges.CustomerPortal.csproj src/BackOffice/Litiges.BackOffice.csproj; do
    dotnet build "$project" -c Release -nologo -v q >/dev/null
done

echo "Migrating a fresh database with the demo data..."
export DataFolder="$WORK/data"
(cd src/BackOffice && dotnet bin/Release/net10.0/Litiges.BackOffice.dll migrate --demo-data >/dev/null)

port="$(free_port)"
BASE="http://127.0.0.1:$port"
echo "Starting the portal (Production) on $BASE..."
(cd src/CustomerPortal && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$BASE" Email__Outbox__Enabled=false \
    exec dotnet bin/Release/net10.0/Litiges.CustomerPortal.dll >"$WORK/portal.log" 2>&1) &
PORTAL_PID=$!
_svc_wait_port "$port" "$PORTAL_PID" portal "$WORK/portal.log" 120

# Sign in as the first demo customer, as a browser would: the login page's antiforgery token and
# cookie, then the form post; the jar then holds the auth cookie.
JAR="$WORK/cookies.txt"
login_page="$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/Account/Login")"
token="$(printf '%s' "$login_page" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)"
[ -n "$token" ] || { echo "No antiforgery token on the login page." >&2; exit 1; }
status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" "$BASE/Account/Login" \
    --data-urlencode "Input.Email=admin1@customer.demo" --data-urlencode "Input.Password=Demo-Litiges-2026" \
    --data-urlencode "__RequestVerificationToken=$token")"
[ "$status" = 302 ] || { echo "Sign-in answered $status instead of a redirect." >&2; exit 1; }
cookie="$(awk -F '\t' '$6 ~ /^\.Litiges\.Portal/ { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$JAR")"
case "$cookie" in *".Litiges.Portal="*) ;; *) echo "No auth cookie after sign-in." >&2; exit 1 ;; esac

dispute="$(curl -fsS -b "$JAR" "$BASE/Disputes" | grep -o '/Disputes/Details/[0-9]*' | head -n 1)"
[ -n "$dispute" ] || { echo "The demo customer has no dispute to measure." >&2; exit 1; }

headers="$WORK/headers.json"
printf '{"Cookie": "%s"}' "$cookie" >"$headers"
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
preset_flag=()
[ "$PRESET" = desktop ] && preset_flag=(--preset=desktop)

failed=0
for page in /Invoices "$dispute"; do
    name="$(printf '%s' "$page" | tr '/' '_' | sed 's/^_//')"
    scores=()
    for run in $(seq 1 "$RUNS"); do
        report="$OUT/$name-$PRESET-$run"
        CHROME_PATH=/usr/bin/chromium "$SERVICES_TOOLS/node_modules/.bin/lighthouse" "$BASE$page" \
            --quiet --chrome-flags="$flags" --extra-headers="$headers" "${preset_flag[@]}" \
            --only-categories=performance,accessibility --output=json --output=html --output-path="$report" \
            >"$WORK/lighthouse.log" 2>&1 || { tail -n 20 "$WORK/lighthouse.log" >&2; exit 1; }
        line="$(node -e '
            const r = require(process.argv[1]);
            if (r.finalDisplayedUrl.includes("/Account/Login")) { console.log("signed-out"); process.exit(0); }
            const c = r.categories, a = r.audits;
            console.log([Math.round(c.performance.score * 100), Math.round(c.accessibility.score * 100),
                Math.round(a["first-contentful-paint"].numericValue), Math.round(a["largest-contentful-paint"].numericValue),
                Math.round(a["total-blocking-time"].numericValue), a["cumulative-layout-shift"].numericValue.toFixed(3)].join(" "));
        ' "$report.report.json")"
        [ "$line" != signed-out ] || { echo "Lighthouse saw the sign-in page: the cookie was not taken." >&2; exit 1; }
        read -r perf access fcp lcp tbt cls <<<"$line"
        printf '%-26s %-7s run %d: performance %3d, accessibility %3d (FCP %d ms, LCP %d ms, TBT %d ms, CLS %s)\n' \
            "$page" "$PRESET" "$run" "$perf" "$access" "$fcp" "$lcp" "$tbt" "$cls"
        scores+=("$perf $access")
    done
    middle=$(((RUNS + 1) / 2))
    perf="$(printf '%s\n' "${scores[@]}" | awk '{ print $1 }' | sort -n | sed -n "${middle}p")"
    access="$(printf '%s\n' "${scores[@]}" | awk '{ print $2 }' | sort -n | sed -n "${middle}p")"
    printf '%-26s %-7s median: performance %d, accessibility %d\n' "$page" "$PRESET" "$perf" "$access"
    if [ "$perf" -lt 90 ] || [ "$access" -lt 90 ]; then failed=1; fi
done

[ "$failed" -eq 0 ] || { echo "A median score is below 90." >&2; exit 1; }
