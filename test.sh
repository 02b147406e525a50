#!/usr/bin/env bash
# Runs every Ribalta test suite: unit, integration on SQLite, integration on a real PostgreSQL
# (started by the tests themselves on a free loopback port), and browser tests in Debian's Chromium.
# Installs what the suites need when it is missing. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

need_packages=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_packages+=(postgresql)
[ -x /usr/bin/chromium ] || need_packages+=(chromium)
# Email tests run real mail servers: Dovecot (IMAP, POP3) and an aiosmtpd SMTP sink.
[ -x /usr/sbin/dovecot ] || need_packages+=(dovecot-imapd dovecot-pop3d)
[ -f /usr/lib/dovecot/pop3 ] || need_packages+=(dovecot-pop3d)
[ -d /usr/lib/python3/dist-packages/aiosmtpd ] || need_packages+=(python3-aiosmtpd)
if [ ${#need_packages[@]} -gt 0 ]; then
    echo "Installing test dependencies: ${need_packages[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

# A package's own service must not hold the port range or data; the tests start their own server.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "Building..."
if ! dotnet build Ribalta.slnx -c Release -nologo -v quiet; then
    echo "0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0
summary=()

run_suite() {
    local name="$1" project="$2" filter="$3"
    local trx="$results/$name.trx"
    echo "== $name"
    dotnet test "$project" -c Release --no-build --nologo --filter "$filter" \
        --logger "trx;LogFileName=$trx" --logger "console;verbosity=minimal" || true
    if [ ! -f "$trx" ]; then
        echo "$name: no results (the run did not start)"
        failed=$((failed + 1))
        summary+=("$name: did not run")
        return
    fi
    local counters total p f
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    total=${total:-0}; p=${p:-0}; f=${f:-0}
    # Tests that were found but did not pass or fail (aborted, not executed) count as failures.
    local other=$((total - p - f))
    [ "$other" -gt 0 ] && f=$((f + other))
    if [ "$total" -eq 0 ]; then
        echo "$name: no tests ran; that is a failure, not a skip"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    summary+=("$name: $p passed, $f failed")
}

run_suite unit tests/Ribalta.Tests "Suite=Unit"
run_suite sqlite tests/Ribalta.Tests "Suite=Sqlite"
run_suite postgres tests/Ribalta.Tests "Suite=Postgres"
run_suite browser tests/Ribalta.BrowserTests "Suite=Browser"

# One check that is not a test project: the benchmark's dataset generator builds the application's services itself
# (AddRibaltaModules, as the web host does) and writes every table; a small dataset on SQLite (a few seconds) proves it
# still runs against the current schema and modules.
run_check() {
    local name="$1"
    shift
    echo "== $name"
    if "$@"; then
        passed=$((passed + 1))
        summary+=("$name: 1 passed, 0 failed")
    else
        failed=$((failed + 1))
        summary+=("$name: 0 passed, 1 failed")
    fi
}

run_check bench-generate dotnet bench/Ribalta.Bench/bin/Release/net10.0/Ribalta.Bench.dll generate \
    --data-dir "$results/bench-data" --preset small --customers 500

echo
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
