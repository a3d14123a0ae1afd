# shellcheck shell=bash
# Test services on loopback, for test.sh (and anything else that sources it).
#
#   source scripts/services.sh
#   trap stop_all EXIT
#   ensure_chromium; start_postgres; start_azurite; start_maildev; start_clamd; start_dovecot
#
# Every server listens on 127.0.0.1 on a free port, keeps its data in a fresh
# temporary folder, and is handed to the tests through LITIGES_TEST_* variables.
# stop_all stops whatever this shell started and removes the folders.
#
# Needs: bash, Debian's apt (root, or sudo without a password), node + npm for
# the npm tools. Installs are skipped quickly when already done.

# Repository root (the folder above scripts/); npm tools go under $SERVICES_ROOT/.tools.
SERVICES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_TOOLS="$SERVICES_ROOT/.tools"

# Pinned npm tool versions. Azurite 3.36+ needs node >= 21/22; the machines have node 20,
# and 3.35.0 is the newest release that runs on it.
AZURITE_VERSION="${AZURITE_VERSION:-3.35.0}"
MAILDEV_VERSION="${MAILDEV_VERSION:-3.0.0}"
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.11.0}"
# Lighthouse 13 needs node 22; 12.8.2 is the newest that runs on node 20 (bench/Lighthouse).
LIGHTHOUSE_VERSION="${LIGHTHOUSE_VERSION:-12.8.2}"

# Well-known Azurite development account (public, documented by Microsoft; not a secret).
AZURITE_ACCOUNT="devstoreaccount1"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

_SERVICES_APT_UPDATED=""
_SERVICES_PORTS_TAKEN=" "   # ports handed out in this run, so two services never get the same one
_PG_DIR="" _PG_BIN="" _PG_RUN_AS=""
_AZURITE_PID="" _AZURITE_DIR=""
_MAILDEV_PID="" _MAILDEV_DIR=""

_svc_log() { printf '[services] %s\n' "$*" >&2; }
_svc_die() { printf '[services] ERROR: %s\n' "$*" >&2; return 1; }

# Run a command as root: directly when we are root, else through passwordless sudo.
_svc_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        _svc_die "need root (or sudo) to run: $*"
    fi
}

# ensure_apt_packages pkg... : install the Debian packages that are not installed yet.
# apt-get update runs at most once per shell, and only when something is missing.
ensure_apt_packages() {
    local missing=() pkg log
    for pkg in "$@"; do
        [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ] \
            || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0

    _svc_log "installing Debian packages: ${missing[*]}"
    log="$(mktemp "${TMPDIR:-/tmp}/litiges-apt.XXXXXX")"
    if [ -z "$_SERVICES_APT_UPDATED" ]; then
        _svc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 \
            || { tail -n 20 "$log" >&2; rm -f "$log"; _svc_die "apt-get update failed"; return 1; }
        _SERVICES_APT_UPDATED=1
    fi
    _svc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >"$log" 2>&1 \
        || { tail -n 20 "$log" >&2; rm -f "$log"; _svc_die "apt-get install ${missing[*]} failed"; return 1; }
    rm -f "$log"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
_svc_port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when 127.0.0.1:$1 can be bound right now (a real bind test when node or python3 exists).
_svc_port_bindable() {
    local port="$1"
    if command -v node >/dev/null 2>&1; then
        node -e 'const s=require("net").createServer();
                 s.once("error",()=>process.exit(1));
                 s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)));' "$port" \
            2>/dev/null
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket,sys
s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$port" 2>/dev/null
    elif _svc_port_answers "$port"; then
        return 1   # no bind test possible: "nobody answers" has to do
    fi
}

# _svc_pick_port VAR: store in VAR a port that is free on 127.0.0.1. Ports are drawn from
# 20000-32767, below Linux's ephemeral range (32768+), so an outgoing connection cannot
# grab the port between this check and the server binding it. Not run in a subshell, so
# that the ports already handed out are remembered.
_svc_pick_port() {
    local _spp_i _spp_port
    for _spp_i in $(seq 1 200); do
        _spp_port=$((20000 + RANDOM % 12768))
        case "$_SERVICES_PORTS_TAKEN" in *" $_spp_port "*) continue ;; esac
        if _svc_port_bindable "$_spp_port"; then
            _SERVICES_PORTS_TAKEN+="$_spp_port "
            printf -v "$1" '%s' "$_spp_port"
            return 0
        fi
    done
    _svc_die "no free TCP port found on 127.0.0.1"
}

# free_port: print a free port (for callers outside this file).
free_port() {
    local fp_port
    _svc_pick_port fp_port && echo "$fp_port"
}

# _svc_wait_port PORT PID NAME LOG [SECONDS]: wait until the port answers; fail early
# (showing the log) if the process dies first.
_svc_wait_port() {
    local port="$1" pid="$2" name="$3" log="$4" timeout="${5:-60}" waited=0
    until _svc_port_answers "$port"; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            _svc_log "$name exited before listening on port $port; its log:"
            tail -n 40 "$log" >&2 2>/dev/null || true
            return 1
        fi
        if [ "$waited" -ge $((timeout * 10)) ]; then
            _svc_log "$name did not listen on port $port within ${timeout}s; its log:"
            tail -n 40 "$log" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# _svc_kill PID: TERM, wait up to 10 s, then KILL.
_svc_kill() {
    local pid="$1"
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- PostgreSQL

# Run a PostgreSQL binary as the `postgres` user when we are root (the server refuses
# to run as root), else as ourselves. Runs from the data folder so that the postgres
# user never needs access to the caller's working directory.
_pg_run() {
    if [ "$_PG_RUN_AS" = postgres ]; then
        (cd "$_PG_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$_PG_DIR" && "$@")
    fi
}

start_postgres() {
    [ -z "$_PG_DIR" ] || { _svc_log "PostgreSQL already started"; return 0; }

    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
        ensure_apt_packages postgresql || return 1
    fi
    # shellcheck disable=SC2012  # fixed Debian paths, no odd characters
    _PG_BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")"

    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || _svc_die "user 'postgres' is missing (package postgresql-common creates it)" || return 1
        _PG_RUN_AS=postgres
    else
        _PG_RUN_AS=""
    fi

    _PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/litiges-pg.XXXXXX")"
    [ "$_PG_RUN_AS" = postgres ] && chown postgres:postgres "$_PG_DIR"

    local port
    _svc_pick_port port || return 1

    _pg_run "$_PG_BIN/initdb" -D "$_PG_DIR/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$_PG_DIR/initdb.log" 2>&1 \
        || { tail -n 40 "$_PG_DIR/initdb.log" >&2; _svc_die "initdb failed"; return 1; }

    # Durability is traded for speed (fsync off etc.): the cluster is thrown away after the run.
    # -k: the Unix socket goes in our own folder, not /var/run/postgresql.
    _pg_run "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -l "$_PG_DIR/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $_PG_DIR -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null \
        || { tail -n 40 "$_PG_DIR/server.log" >&2; _svc_die "PostgreSQL did not start"; return 1; }

    export LITIGES_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=unused;Database=postgres;Pooling=true;Include Error Detail=true"
    _svc_log "PostgreSQL $("$_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $_PG_DIR)"
}

stop_postgres() {
    [ -n "$_PG_DIR" ] || return 0
    if [ -f "$_PG_DIR/data/postmaster.pid" ]; then
        if ! _pg_run "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
            # pg_ctl could not stop it: kill the postmaster by the pid it recorded.
            local pid
            pid="$(head -n 1 "$_PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
            if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
        fi
    fi
    rm -rf "$_PG_DIR"
    _PG_DIR=""
    unset LITIGES_TEST_POSTGRES
}

# ---------------------------------------------------------------- Chromium

ensure_chromium() {
    # Fonts: without them headless Chromium renders text as empty boxes in screenshots.
    # qpdf: the credit-note tests check the structure of the PDFs they render with it;
    # poppler-utils (pdftotext): they check that its words extract intact;
    # default-jre-headless + libsaxonhe-java: they run the official EN 16931 UBL XSLT;
    # python3: the case-file test runs the exported verify.py as a third party would.
    ensure_apt_packages chromium fonts-dejavu-core fonts-liberation qpdf poppler-utils default-jre-headless libsaxonhe-java python3 || return 1
    [ -x /usr/bin/chromium ] || _svc_die "/usr/bin/chromium missing after install" || return 1
    export LITIGES_TEST_CHROMIUM=/usr/bin/chromium
}

# ---------------------------------------------------------------- npm tools (.tools/)

# ensure_npm_tools name@version... : install into $SERVICES_TOOLS the packages whose
# installed version differs, in one npm call.
ensure_npm_tools() {
    local wanted=() spec name version installed
    for spec in "$@"; do
        name="${spec%@*}" version="${spec##*@}"
        installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
            "$SERVICES_TOOLS/node_modules/$name/package.json" 2>/dev/null | head -n 1 || true)"
        [ "$installed" = "$version" ] || wanted+=("$spec")
    done
    [ "${#wanted[@]}" -eq 0 ] && return 0

    if ! command -v npm >/dev/null 2>&1; then
        ensure_apt_packages nodejs npm || return 1
    fi
    _svc_log "installing npm packages into .tools: ${wanted[*]}"
    mkdir -p "$SERVICES_TOOLS"
    npm install --prefix "$SERVICES_TOOLS" "${wanted[@]}" \
        --no-audit --no-fund --no-update-notifier --loglevel=error >"$SERVICES_TOOLS/npm-install.log" 2>&1 \
        || { tail -n 40 "$SERVICES_TOOLS/npm-install.log" >&2; _svc_die "npm install failed"; return 1; }
}

# ensure_axe: axe-core, which the end-to-end tests inject into every page they visit.
ensure_axe() {
    ensure_npm_tools "axe-core@$AXE_CORE_VERSION" || return 1
    export LITIGES_TEST_AXE="$SERVICES_TOOLS/node_modules/axe-core/axe.min.js"
}

# ---------------------------------------------------------------- Azurite (blob only)

start_azurite() {
    [ -z "$_AZURITE_PID" ] || { _svc_log "Azurite already started"; return 0; }
    ensure_npm_tools "azurite@$AZURITE_VERSION" || return 1

    local port
    _svc_pick_port port || return 1
    _AZURITE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/litiges-azurite.XXXXXX")"

    "$SERVICES_TOOLS/node_modules/.bin/azurite-blob" \
        --blobHost 127.0.0.1 --blobPort "$port" --location "$_AZURITE_DIR" \
        --skipApiVersionCheck --loose --silent --disableTelemetry \
        >"$_AZURITE_DIR/azurite.log" 2>&1 &
    _AZURITE_PID=$!
    _svc_wait_port "$port" "$_AZURITE_PID" Azurite "$_AZURITE_DIR/azurite.log" || return 1

    export LITIGES_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$port/$AZURITE_ACCOUNT;"
    # Tests that stop and restart blob storage start their own Azurite with this.
    export LITIGES_TEST_AZURITE_BIN="$SERVICES_TOOLS/node_modules/.bin/azurite-blob"
    _svc_log "Azurite $AZURITE_VERSION blob service on 127.0.0.1:$port"
}

stop_azurite() {
    _svc_kill "$_AZURITE_PID"
    [ -n "$_AZURITE_DIR" ] && rm -rf "$_AZURITE_DIR"
    _AZURITE_PID="" _AZURITE_DIR=""
    unset LITIGES_TEST_AZURITE
}

# ---------------------------------------------------------------- maildev (SMTP catcher)

start_maildev() {
    [ -z "$_MAILDEV_PID" ] || { _svc_log "maildev already started"; return 0; }
    ensure_npm_tools "maildev@$MAILDEV_VERSION" || return 1

    local smtp web
    _svc_pick_port smtp || return 1
    _svc_pick_port web || return 1
    _MAILDEV_DIR="$(mktemp -d "${TMPDIR:-/tmp}/litiges-maildev.XXXXXX")"

    # maildev binds the web UI to 0.0.0.0 unless told otherwise: keep both on loopback.
    "$SERVICES_TOOLS/node_modules/.bin/maildev" \
        --smtp "$smtp" --web "$web" --ip 127.0.0.1 --web-ip 127.0.0.1 \
        --mail-directory "$_MAILDEV_DIR" --silent \
        >"$_MAILDEV_DIR/maildev.log" 2>&1 &
    _MAILDEV_PID=$!
    _svc_wait_port "$smtp" "$_MAILDEV_PID" maildev "$_MAILDEV_DIR/maildev.log" || return 1
    _svc_wait_port "$web" "$_MAILDEV_PID" maildev "$_MAILDEV_DIR/maildev.log" || return 1

    export LITIGES_TEST_SMTP_HOST=127.0.0.1
    export LITIGES_TEST_SMTP_PORT="$smtp"
    export LITIGES_TEST_MAILDEV_URL="http://127.0.0.1:$web"
    # Tests that stop and restart an SMTP server start their own maildev with this.
    export LITIGES_TEST_MAILDEV_BIN="$SERVICES_TOOLS/node_modules/.bin/maildev"
    _svc_log "maildev $MAILDEV_VERSION: SMTP 127.0.0.1:$smtp, web/API $LITIGES_TEST_MAILDEV_URL"
}

stop_maildev() {
    _svc_kill "$_MAILDEV_PID"
    [ -n "$_MAILDEV_DIR" ] && rm -rf "$_MAILDEV_DIR"
    _MAILDEV_PID="" _MAILDEV_DIR=""
    unset LITIGES_TEST_SMTP_HOST LITIGES_TEST_SMTP_PORT LITIGES_TEST_MAILDEV_URL
}

# ---------------------------------------------------------------- clamd (virus scanner)

_CLAMD_PID="" _CLAMD_DIR=""

# start_clamd: ClamAV's daemon on 127.0.0.1 with a signature database of its own, built here
# (the official one cannot be downloaded): one body signature for the EICAR test file.
start_clamd() {
    [ -z "$_CLAMD_PID" ] || { _svc_log "clamd already started"; return 0; }
    ensure_apt_packages clamav-daemon || return 1

    local port eicar hex
    _svc_pick_port port || return 1
    _CLAMD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/litiges-clamd.XXXXXX")"
    mkdir -p "$_CLAMD_DIR/db"
    eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
    hex="$(printf '%s' "$eicar" | od -An -tx1 | tr -d ' \n')"
    printf 'Litiges.Test.EICAR:0:*:%s\n' "$hex" >"$_CLAMD_DIR/db/litiges-test.ndb"
    printf '%s\n' "DatabaseDirectory $_CLAMD_DIR/db" "TCPSocket $port" "TCPAddr 127.0.0.1" "Foreground yes" \
        "LogFile $_CLAMD_DIR/clamd.log" "StreamMaxLength 200M" "MaxThreads 4" >"$_CLAMD_DIR/clamd.conf"
    /usr/sbin/clamd -c "$_CLAMD_DIR/clamd.conf" >"$_CLAMD_DIR/out.log" 2>&1 &
    _CLAMD_PID=$!
    _svc_wait_port "$port" "$_CLAMD_PID" clamd "$_CLAMD_DIR/out.log" || return 1

    export LITIGES_TEST_CLAMD="127.0.0.1:$port"
    _svc_log "clamd $(/usr/sbin/clamd --version | awk '{print $2}') on 127.0.0.1:$port (test signatures only)"
}

stop_clamd() {
    _svc_kill "$_CLAMD_PID"
    [ -n "$_CLAMD_DIR" ] && rm -rf "$_CLAMD_DIR"
    _CLAMD_PID="" _CLAMD_DIR=""
    unset LITIGES_TEST_CLAMD
}

# ---------------------------------------------------------------- dovecot (IMAP, e-mail in)

_DOVECOT_PID="" _DOVECOT_DIR=""

# start_dovecot: Debian's dovecot IMAP server on 127.0.0.1 with one test user (plain login on
# loopback, no TLS), mail in a temporary maildir. As root, the mail belongs to the dovecot user
# (dovecot refuses root for mail); otherwise to the caller.
start_dovecot() {
    [ -z "$_DOVECOT_PID" ] || { _svc_log "dovecot already started"; return 0; }
    ensure_apt_packages dovecot-imapd || return 1

    local port uid gid login_user internal_user password
    _svc_pick_port port || return 1
    _DOVECOT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/litiges-dovecot.XXXXXX")"
    chmod 755 "$_DOVECOT_DIR"
    password="litiges-$RANDOM$RANDOM"
    if [ "$(id -u)" -eq 0 ]; then
        uid="$(id -u dovecot)" gid="$(id -g dovecot)" login_user=dovenull internal_user=dovecot
    else
        uid="$(id -u)" gid="$(id -g)" login_user="$(id -un)" internal_user="$(id -un)"
    fi
    mkdir -p "$_DOVECOT_DIR/run" "$_DOVECOT_DIR/home/litiges"
    chown "$uid:$gid" "$_DOVECOT_DIR/home/litiges"
    printf 'litiges:{PLAIN}%s:%s:%s::%s\n' "$password" "$uid" "$gid" "$_DOVECOT_DIR/home/litiges" >"$_DOVECOT_DIR/users"
    cat >"$_DOVECOT_DIR/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $_DOVECOT_DIR/run
state_dir = $_DOVECOT_DIR/run
log_path = $_DOVECOT_DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = $uid
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $_DOVECOT_DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $_DOVECOT_DIR/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
CONF
    /usr/sbin/dovecot -F -c "$_DOVECOT_DIR/dovecot.conf" >"$_DOVECOT_DIR/out.log" 2>&1 &
    _DOVECOT_PID=$!
    _svc_wait_port "$port" "$_DOVECOT_PID" dovecot "$_DOVECOT_DIR/out.log" || return 1

    export LITIGES_TEST_IMAP_HOST=127.0.0.1
    export LITIGES_TEST_IMAP_PORT="$port"
    export LITIGES_TEST_IMAP_USER=litiges
    export LITIGES_TEST_IMAP_PASSWORD="$password"
    _svc_log "dovecot $(/usr/sbin/dovecot --version | awk '{print $1}') IMAP on 127.0.0.1:$port (user litiges)"
}

stop_dovecot() {
    _svc_kill "$_DOVECOT_PID"
    [ -n "$_DOVECOT_DIR" ] && rm -rf "$_DOVECOT_DIR"
    _DOVECOT_PID="" _DOVECOT_DIR=""
    unset LITIGES_TEST_IMAP_HOST LITIGES_TEST_IMAP_PORT LITIGES_TEST_IMAP_USER LITIGES_TEST_IMAP_PASSWORD
}

# ---------------------------------------------------------------- all

# stop_all: stop everything this shell started. Safe to call twice and from a trap;
# never fails, so it cannot change the exit status of the script that traps it.
stop_all() {
    local saved_errexit=""
    case "$-" in *e*) saved_errexit=1; set +e ;; esac
    stop_dovecot
    stop_clamd
    stop_maildev
    stop_azurite
    stop_postgres
    [ -n "$saved_errexit" ] && set -e
    return 0
}
