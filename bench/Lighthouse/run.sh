#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices) of signed-in pages: the portal's
# home, invoice list and a dispute page, and the back office's dispute queue. See
# bench/Lighthouse/README.md.
#
#   bench/Lighthouse/run.sh [--preset mobile|desktop] [--runs N]
#
# Builds the apps, migrates a fresh SQLite database with the demo data, starts both apps' Release
# builds in Staging mode (Production's pipeline, without Production's refusal of the demo
# settings) on free loopback ports, signs in over HTTP (antiforgery token, then the auth cookie),
# and runs Lighthouse with Debian's chromium, the cookie passed as an extra header. Prints one
# line per page and run, the median of the runs, and keeps the HTML and JSON reports under
# artifacts/lighthouse/. Fails when a median is below 90 (performance) or 95 (accessibility,
# best practices).
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
BACKOFFICE_PID=""
cleanup() {
    _svc_kill "$PORTAL_PID"
    _svc_kill "$BACKOFFICE_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building the apps..."
for project in src/CustomerPortal/Litiges.CustomerPortal.csproj src/BackOffice/Litiges.BackOffice.csproj; do
    dotnet build "$project" -c Release -nologo -v q >/dev/null
done

echo "Migrating a fresh database with the demo data..."
export DataFolder="$WORK/data"
(cd src/BackOffice && ASPNETCORE_ENVIRONMENT=Staging DOTNET_ENVIRONMENT=Staging dotnet bin/Release/net10.0/Litiges.BackOffice.dll migrate --demo-data >/dev/null)

port="$(free_port)"
BASE="http://127.0.0.1:$port"
echo "Starting the portal (Staging) on $BASE..."
(cd src/CustomerPortal && ASPNETCORE_ENVIRONMENT=Staging ASPNETCORE_URLS="$BASE" Email__Outbox__Enabled=false \
    exec dotnet bin/Release/net10.0/Litiges.CustomerPortal.dll >"$WORK/portal.log" 2>&1) &
PORTAL_PID=$!
_svc_wait_port "$port" "$PORTAL_PID" portal "$WORK/portal.log" 120

bo_port="$(free_port)"
BO_BASE="http://127.0.0.1:$bo_port"
echo "Starting the back office (Staging, no two-factor for the demo agent) on $BO_BASE..."
(cd src/BackOffice && ASPNETCORE_ENVIRONMENT=Staging ASPNETCORE_URLS="$BO_BASE" Email__Outbox__Enabled=false \
    Security__RequireStaffTwoFactor=false Deadlines__Watcher__Enabled=false Notifications__Digest__Enabled=false \
    Kpis__Report__Enabled=false History__Seal__Enabled=false EInvoicing__Enabled=false \
    exec dotnet bin/Release/net10.0/Litiges.BackOffice.dll >"$WORK/backoffice.log" 2>&1) &
BACKOFFICE_PID=$!
_svc_wait_port "$bo_port" "$BACKOFFICE_PID" backoffice "$WORK/backoffice.log" 120

# Signs in as a browser would: the login page's antiforgery token and cookie, then the form post;
# prints the auth cookie (name=value) the jar then holds.
sign_in() {
    local base="$1" email="$2" cookie_name="$3" jar="$WORK/cookies-$3.txt" page token status
    page="$(curl -fsS -c "$jar" -b "$jar" "$base/Account/Login")"
    token="$(printf '%s' "$page" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1)"
    [ -n "$token" ] || { echo "No antiforgery token on the login page of $base." >&2; exit 1; }
    status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/Account/Login" \
        --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=Demo-Litiges-2026" \
        --data-urlencode "__RequestVerificationToken=$token")"
    [ "$status" = 302 ] || { echo "Sign-in of $email answered $status instead of a redirect." >&2; exit 1; }
    awk -F '\t' -v name="$cookie_name" '$6 ~ "^" name { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$jar"
}

cookie="$(sign_in "$BASE" admin1@customer.demo .Litiges.Portal)"
case "$cookie" in *".Litiges.Portal="*) ;; *) echo "No portal auth cookie after sign-in." >&2; exit 1 ;; esac
bo_cookie="$(sign_in "$BO_BASE" agent@litiges.demo .Litiges.BackOffice)"
case "$bo_cookie" in *".Litiges.BackOffice="*) ;; *) echo "No back-office auth cookie after sign-in." >&2; exit 1 ;; esac

dispute="$(curl -fsS -H "Cookie: $cookie" "$BASE/Disputes" | grep -o '/Disputes/Details/[0-9]*' | head -n 1)"
[ -n "$dispute" ] || { echo "The demo customer has no dispute to measure." >&2; exit 1; }

printf '{"Cookie": "%s"}' "$cookie" >"$WORK/headers-portal.json"
printf '{"Cookie": "%s"}' "$bo_cookie" >"$WORK/headers-backoffice.json"
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
preset_flag=()
[ "$PRESET" = desktop ] && preset_flag=(--preset=desktop)

failed=0
for target in "portal /" "portal /Invoices" "portal $dispute" "backoffice /Disputes"; do
    read -r app page <<<"$target"
    if [ "$app" = portal ]; then url="$BASE$page"; else url="$BO_BASE$page"; fi
    headers="$WORK/headers-$app.json"
    name="$app$(printf '%s' "$page" | tr '/' '_')"
    scores=()
    for run in $(seq 1 "$RUNS"); do
        report="$OUT/$name-$PRESET-$run"
        CHROME_PATH=/usr/bin/chromium "$SERVICES_TOOLS/node_modules/.bin/lighthouse" "$url" \
            --quiet --chrome-flags="$flags" --extra-headers="$headers" "${preset_flag[@]}" \
            --only-categories=performance,accessibility,best-practices --output=json --output=html --output-path="$report" \
            >"$WORK/lighthouse.log" 2>&1 || { tail -n 20 "$WORK/lighthouse.log" >&2; exit 1; }
        line="$(node -e '
            const r = require(process.argv[1]);
            if (r.finalDisplayedUrl.includes("/Account/Login")) { console.log("signed-out"); process.exit(0); }
            const c = r.categories, a = r.audits;
            console.log([Math.round(c.performance.score * 100), Math.round(c.accessibility.score * 100), Math.round(c["best-practices"].score * 100),
                Math.round(a["first-contentful-paint"].numericValue), Math.round(a["largest-contentful-paint"].numericValue),
                Math.round(a["total-blocking-time"].numericValue), a["cumulative-layout-shift"].numericValue.toFixed(3)].join(" "));
        ' "$report.report.json")"
        [ "$line" != signed-out ] || { echo "Lighthouse saw the sign-in page: the cookie was not taken." >&2; exit 1; }
        read -r perf access practices fcp lcp tbt cls <<<"$line"
        printf '%-10s %-26s %-7s run %d: performance %3d, accessibility %3d, best practices %3d (FCP %d ms, LCP %d ms, TBT %d ms, CLS %s)\n' \
            "$app" "$page" "$PRESET" "$run" "$perf" "$access" "$practices" "$fcp" "$lcp" "$tbt" "$cls"
        scores+=("$perf $access $practices")
    done
    middle=$(((RUNS + 1) / 2))
    perf="$(printf '%s\n' "${scores[@]}" | awk '{ print $1 }' | sort -n | sed -n "${middle}p")"
    access="$(printf '%s\n' "${scores[@]}" | awk '{ print $2 }' | sort -n | sed -n "${middle}p")"
    practices="$(printf '%s\n' "${scores[@]}" | awk '{ print $3 }' | sort -n | sed -n "${middle}p")"
    printf '%-10s %-26s %-7s median: performance %d, accessibility %d, best practices %d\n' "$app" "$page" "$PRESET" "$perf" "$access" "$practices"
    if [ "$perf" -lt 90 ] || [ "$access" -lt 95 ] || [ "$practices" -lt 95 ]; then failed=1; fi
done

[ "$failed" -eq 0 ] || { echo "A median score is below its target (performance 90, accessibility and best practices 95)." >&2; exit 1; }
