#!/usr/bin/env bash
# The demo command: builds the solution, creates/updates the SQLite database under .data/
# with demo data, and runs both apps until Ctrl-C:
#
#   customer portal  http://localhost:5080
#   back office      http://localhost:5090
#
# No server to install: database, documents and e-mails (.eml pickup files) all live
# under .data/. Delete that folder to start again from scratch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"

PORTAL_URL="http://localhost:5080"
BACKOFFICE_URL="http://localhost:5090"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# Both apps share one data folder, hence one SQLite database.
export DataFolder="$REPO/.data"
# Staff two-factor is required by default; the demo logs staff in with a password only.
export Security__RequireStaffTwoFactor=false
mkdir -p "$DataFolder"

# shellcheck source=scripts/services.sh
source scripts/services.sh
command -v curl >/dev/null 2>&1 || ensure_apt_packages curl ca-certificates

# Fail early, with a clear message, if the ports are taken (e.g. a previous run still going).
for url in "$PORTAL_URL" "$BACKOFFICE_URL"; do
    if _svc_port_answers "${url##*:}"; then
        echo "run.sh: port ${url##*:} is already in use; stop whatever listens there first." >&2
        exit 1
    fi
done

echo "Building..."
# Only the two apps: the demo needs no test project.
for project in src/CustomerPortal/Litiges.CustomerPortal.csproj src/BackOffice/Litiges.BackOffice.csproj; do
    dotnet build "$project" -c Release -nologo -v q
done

# Each app runs from its project folder so that its content root (appsettings, views,
# static files) resolves as in development.
PORTAL_DLL="bin/Release/net10.0/Litiges.CustomerPortal.dll"
BACKOFFICE_DLL="bin/Release/net10.0/Litiges.BackOffice.dll"

echo "Migrating the database and loading demo data..."
(cd src/BackOffice && dotnet "$BACKOFFICE_DLL" migrate --demo-data)

pids=()
stop_apps() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap stop_apps EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(cd src/CustomerPortal && exec dotnet "$PORTAL_DLL" --urls "$PORTAL_URL") &
pids+=($!)
(cd src/BackOffice && exec dotnet "$BACKOFFICE_DLL" --urls "$BACKOFFICE_URL") &
pids+=($!)

# Wait (up to 60 s each) for GET /health to answer 200; stop if an app dies first.
wait_healthy() {
    local url="$1" pid="$2"
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "run.sh: the app for $url exited during start-up (see its output above)." >&2
            return 1
        fi
        sleep 0.5
    done
    echo "run.sh: $url/health did not answer 200 within 60 s." >&2
    return 1
}
wait_healthy "$PORTAL_URL" "${pids[0]}"
wait_healthy "$BACKOFFICE_URL" "${pids[1]}"

cat <<EOF

Litiges is running (Ctrl-C stops both apps):
  customer portal  $PORTAL_URL
  back office      $BACKOFFICE_URL

Demo logins:
EOF
if [ -s "$DataFolder/demo-logins.txt" ]; then
    sed 's/^/  /' "$DataFolder/demo-logins.txt"
else
    echo "  (no $DataFolder/demo-logins.txt was written; see the demo data loader in the BackOffice app)"
fi
echo
echo "E-mails sent by the apps are written as .eml files under $DataFolder."
echo

# Return as soon as either app exits; the EXIT trap then stops the other one.
wait -n "${pids[@]}"
