#!/usr/bin/env bash
# Benchmark WireMock, Prism and Mockoon next to the mock, with bench/run.py.
#
# Installs the three from the npm registry into a temporary folder (removed
# at exit), serves the mock's OK body from each on 127.0.0.1, warms them
# up and measures them as the mock and the floors are measured. Arguments
# are passed on to bench/run.py, for example: bench/peers.sh --quick
#
# QUBICTRON_BENCH_PEERS_DIR=DIR installs into DIR once and keeps it, so
# later runs reuse the install. PYTHON=... picks the interpreter (default:
# .venv/bin/python when it exists, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."

WIREMOCK_VERSION=3.13.2
PRISM_VERSION=5.14.2
MOCKOON_VERSION=9.9.0

for tool in npm node java; do
    if ! command -v "$tool" >/dev/null; then
        echo "bench/peers.sh: $tool is not installed; WireMock needs Java 11 or" \
            "newer, Prism and Mockoon need Node.js 18 or newer" >&2
        exit 2
    fi
done

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x .venv/bin/python ]]; then python=.venv/bin/python; else python=python3; fi
fi

peers_dir="${QUBICTRON_BENCH_PEERS_DIR:-}"
if [[ -z "$peers_dir" ]]; then
    peers_dir="$(mktemp -d -t qubictron-peers-XXXXXX)"
    trap 'rm -rf "$peers_dir"' EXIT
fi
mkdir -p "$peers_dir"

if [[ ! -x "$peers_dir/node_modules/.bin/mockoon-cli" ]]; then
    echo "bench/peers.sh: installing the peers into $peers_dir" >&2
    # --ignore-scripts: no install script of these packages is needed to run them.
    npm install --prefix "$peers_dir" --no-audit --no-fund --ignore-scripts \
        --loglevel=error \
        "wiremock@$WIREMOCK_VERSION" \
        "@stoplight/prism-cli@$PRISM_VERSION" \
        "@mockoon/cli@$MOCKOON_VERSION" >&2
fi

"$python" bench/run.py --peers-dir "$peers_dir" --workloads ok "$@"
