#!/usr/bin/env bash
# Serve the app to a class: N `streamlit run app.py` processes behind HAProxy, with sticky
# sessions (a cookie names each visitor's process) and websockets.
#
#   bash scripts/serve_class.sh --workers 4 --port 8501
#
# The balancer listens on --port (all interfaces unless --host says otherwise); the workers
# on 127.0.0.1, ports --base-port .. --base-port+N-1 (--port+1 .. by default). Runs in the
# foreground: SIGTERM or Ctrl-C stops the balancer and every worker. A worker that exits is
# started again (after 1 s, then longer while it keeps failing); its students' pages
# reconnect to a fresh session with the settings of their link.
#
# HAProxy is installed from Debian's package `haproxy` when it is missing (apt-get, as root
# or through sudo). The configuration is scripts/haproxy.cfg.template, rendered into the run
# directory (a new temporary directory, removed on exit, unless --run-dir names one), which
# also holds the pid files: haproxy.pid and w1.pid .. wN.pid (the worker's current process).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
Usage: bash scripts/serve_class.sh --workers N --port P [options]

  --workers N      Streamlit processes to run (default 2)
  --port P         port the balancer listens on (default 8501)
  --host ADDR      address the balancer listens on (default 0.0.0.0: every interface)
  --base-port B    first worker port; the workers take B .. B+N-1 on 127.0.0.1 (default P+1)
  --run-dir DIR    where the rendered configuration and the pid files go (default: a new
                   temporary directory, removed on exit)
  -h, --help       this text

Environment: PYTHON (default python3) runs Streamlit; HAPROXY names the haproxy binary.
EOF
}

WORKERS=2 PORT=8501 HOST=0.0.0.0 BASE_PORT="" RUN_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --workers) WORKERS="${2:?--workers needs a number}"; shift 2 ;;
        --port) PORT="${2:?--port needs a number}"; shift 2 ;;
        --host) HOST="${2:?--host needs an address}"; shift 2 ;;
        --base-port) BASE_PORT="${2:?--base-port needs a number}"; shift 2 ;;
        --run-dir) RUN_DIR="${2:?--run-dir needs a directory}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "serve_class: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }
if ! is_number "$WORKERS" || [ "$WORKERS" -lt 1 ]; then
    echo "serve_class: --workers must be a whole number >= 1, not '$WORKERS'" >&2; exit 2
fi
BASE_PORT="${BASE_PORT:-$((PORT + 1))}"
for p in "$PORT" "$BASE_PORT"; do
    if ! is_number "$p" || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
        echo "serve_class: '$p' is not a port" >&2; exit 2
    fi
done
if [ $((BASE_PORT + WORKERS - 1)) -gt 65535 ]; then
    echo "serve_class: worker ports $BASE_PORT.. run past 65535" >&2; exit 2
fi
if [ "$PORT" -ge "$BASE_PORT" ] && [ "$PORT" -lt $((BASE_PORT + WORKERS)) ]; then
    echo "serve_class: the balancer port $PORT is one of the worker ports" >&2; exit 2
fi

PYTHON="${PYTHON:-python3}"
TEMPLATE=scripts/haproxy.cfg.template

# -- HAProxy: Debian's package, installed when missing -----------------------------------------
find_haproxy() {
    if [ -n "${HAPROXY:-}" ]; then [ -x "$HAPROXY" ] && echo "$HAPROXY"; return; fi
    # /usr/sbin is not on a plain user's PATH on Debian.
    command -v haproxy 2>/dev/null || { [ -x /usr/sbin/haproxy ] && echo /usr/sbin/haproxy; }
}
HAPROXY_BIN="$(find_haproxy || true)"
if [ -z "$HAPROXY_BIN" ]; then
    echo "serve_class: HAProxy is missing: installing Debian's haproxy package"
    # shellcheck source=scripts/debian_install.sh
    . scripts/debian_install.sh  # (the working directory is the repository)
    if debian_install haproxy; then
        HAPROXY_BIN="$(find_haproxy || true)"
    fi
    if [ -z "$HAPROXY_BIN" ]; then
        echo "serve_class: HAProxy is missing and could not be installed (apt-get is missing" \
             "or failed): install Debian's haproxy package, or set HAPROXY" >&2
        exit 3
    fi
fi
echo "serve_class: $("$HAPROXY_BIN" -v | head -n 1)"

# -- ports ----------------------------------------------------------------------------------
in_use() { (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for ((i = 0; i < WORKERS; i++)); do
    if in_use $((BASE_PORT + i)); then
        echo "serve_class: port $((BASE_PORT + i)) (worker w$((i + 1))) is already in use" >&2
        exit 1
    fi
done
if in_use "$PORT"; then
    echo "serve_class: port $PORT is already in use" >&2; exit 1
fi

# -- run directory and configuration ---------------------------------------------------------
own_run_dir=0
if [ -z "$RUN_DIR" ]; then
    RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/serve_class.XXXXXX")"
    own_run_dir=1
else
    mkdir -p "$RUN_DIR"
    RUN_DIR="$(cd "$RUN_DIR" && pwd)"
fi
trap 'if [ "$own_run_dir" -eq 1 ]; then rm -rf "$RUN_DIR"; fi' EXIT
CONFIG="$RUN_DIR/haproxy.cfg"
servers=""
for ((i = 1; i <= WORKERS; i++)); do
    servers+="server w$i 127.0.0.1:$((BASE_PORT + i - 1)) cookie w$i check"$'\n    '
done
bind="$HOST:$PORT"
if [[ "$HOST" == *:* ]]; then bind="[$HOST]:$PORT"; fi  # an IPv6 address
config="$(<"$TEMPLATE")"
config="${config//@BIND@/$bind}"
config="${config//@SERVERS@/$servers}"
config="${config//@STATS@/stats socket $RUN_DIR/haproxy.sock mode 600 level user}"
printf '%s\n' "$config" >"$CONFIG"
if ! check="$("$HAPROXY_BIN" -c -f "$CONFIG" 2>&1)"; then
    printf '%s\n' "$check" >&2
    echo "serve_class: HAProxy rejects $CONFIG (rendered from $TEMPLATE)" >&2
    exit 1
fi

# One secret for every worker, so that a cookie Streamlit signs in one process (st.login's,
# say) is valid in all of them. Through the environment: a command line is public in ps.
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
    STREAMLIT_SERVER_COOKIE_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
fi
export STREAMLIT_SERVER_COOKIE_SECRET

# -- stopping ---------------------------------------------------------------------------------
supervisors=() haproxy_pid="" stopping=0
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
stop_all() {
    stopping=1
    trap '' TERM INT
    local pid deadline file
    for pid in "$haproxy_pid" "${supervisors[@]}"; do
        if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    # Streamlit closes its sessions and HAProxy its connections; then whatever is left dies.
    deadline=$((SECONDS + 10))
    while [ $SECONDS -lt $deadline ]; do
        local left=0
        for pid in "$haproxy_pid" "${supervisors[@]}"; do
            if alive "$pid"; then left=1; fi
        done
        if [ "$left" -eq 0 ]; then break; fi
        sleep 0.2
    done
    for file in "$RUN_DIR"/w*.pid "$RUN_DIR"/haproxy.pid; do
        [ -f "$file" ] || continue
        pid="$(<"$file")"
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    for pid in "$haproxy_pid" "${supervisors[@]}"; do
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    wait 2>/dev/null || true
    rm -f "$RUN_DIR"/w*.pid "$RUN_DIR/haproxy.pid" "$RUN_DIR/haproxy.sock"
}
on_signal() {
    echo "serve_class: stopping the balancer and the workers"
    stop_all
    echo "serve_class: stopped"
    exit 0
}
trap on_signal TERM INT

# -- workers ----------------------------------------------------------------------------------
# One supervisor (a background subshell) per worker: it runs `streamlit run`, waits for it
# and starts it again when it exits, until it is told to stop (TERM).
supervise() {
    local name="$1" port="$2" child="" sleeper="" quit=0 backoff=1 started status
    stop_worker() {
        quit=1
        if alive "$child"; then kill -TERM "$child" 2>/dev/null || true; fi
        if alive "$sleeper"; then kill "$sleeper" 2>/dev/null || true; fi
    }
    trap stop_worker TERM
    trap '' INT  # Ctrl-C reaches the whole group: the main script stops everyone in order
    while [ "$quit" -eq 0 ]; do
        started=$SECONDS
        "$PYTHON" -m streamlit run app.py \
            --server.address 127.0.0.1 --server.port "$port" --server.headless true \
            --server.fileWatcherType none --browser.gatherUsageStats false &
        child=$!
        echo "$child" >"$RUN_DIR/$name.pid"
        echo "serve_class: worker $name on 127.0.0.1:$port, pid $child"
        # A trapped signal interrupts `wait`: wait again until the process is gone.
        status=0
        wait "$child" || status=$?
        while alive "$child"; do wait "$child" || status=$?; done
        if [ "$quit" -eq 1 ]; then break; fi
        if [ $((SECONDS - started)) -ge 30 ]; then backoff=1; fi
        echo "serve_class: worker $name (pid $child) exited with status $status;" \
             "starting it again in ${backoff} s" >&2
        sleep "$backoff" & sleeper=$!
        wait "$sleeper" || true
        sleeper=""
        backoff=$((backoff * 2 > 30 ? 30 : backoff * 2))
    done
}
for ((i = 1; i <= WORKERS; i++)); do
    supervise "w$i" $((BASE_PORT + i - 1)) &
    supervisors+=($!)
done

# The balancer opens once every worker answers its health check (or after 60 s, when the
# ones still starting join as their health checks pass).
healthy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1" \
        && printf 'GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
        && IFS= read -r -t 5 line <&3 && [[ "$line" == *" 200 "* ]]) 2>/dev/null
}
deadline=$((SECONDS + 60))
for ((i = 0; i < WORKERS; i++)); do
    while ! healthy $((BASE_PORT + i)) && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
done

# -db: HAProxy stays in the foreground, as a child of this script.
"$HAPROXY_BIN" -db -f "$CONFIG" &
haproxy_pid=$!
echo "$haproxy_pid" >"$RUN_DIR/haproxy.pid"
where="http://$bind/"
if [ "$HOST" = 0.0.0.0 ]; then where="http://<this machine's address>:$PORT/ (every interface)"; fi
echo "serve_class: balancer pid $haproxy_pid, run directory $RUN_DIR"
echo "serve_class: serving $WORKERS workers at $where"

status=0
wait "$haproxy_pid" || status=$?
if [ "$stopping" -eq 0 ]; then
    echo "serve_class: HAProxy exited with status $status: stopping the workers" >&2
    stop_all
    exit 1
fi
