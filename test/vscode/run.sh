#!/usr/bin/env bash
# Runs Hotpath's tests inside a REAL VS Code: code-server (the VS Code 1.100.3 server and its
# Node extension host, from the npm registry) with the workbench in headless Debian Chromium,
# driven by playwright-core. Works offline except for the npm registry and Debian's apt.
#
#   bash test/vscode/run.sh              # setup + mocha suite in the extension host + UI stage
#   MODE=mocha bash test/vscode/run.sh   # only the mocha suite (development-mode extension)
#   MODE=ui    bash test/vscode/run.sh   # only the UI stage (the packaged .vsix, installed)
#   MODE=setup bash test/vscode/run.sh   # only install the tools (warms the cache)
#
# Env: HOTPATH_VSHOST_CACHE (tools, default ~/.cache/hotpath-vshost), CHROMIUM (browser path).
# Screenshots go to test-artifacts/vscode/; the flame graph one is also copied to media/.
# Last line: "vscode-host: N passed, N failed"; exit 0 only when everything selected passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/vscode"
MODE="${MODE:-all}"
CACHE="${HOTPATH_VSHOST_CACHE:-$HOME/.cache/hotpath-vshost}"
CS_VERSION=4.100.3                 # VS Code 1.100.3: the last code-server that runs on Node 20
RG_PKG_VERSION=1.15.11             # @vscode/ripgrep pinned by code-server 4.100.3's lib/vscode
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
TOOLS="$CACHE/tools-$CS_VERSION"
ARTIFACTS="$ROOT/test-artifacts/vscode"
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
step() { echo "=== $1 (at $(since "$T0")s)"; }

RUN=""; SERVER_PGID=""
cleanup() {
  # the extension host outlives a plain kill of the server; end the whole process group
  if [[ -n "$SERVER_PGID" ]]; then kill -TERM -- "-$SERVER_PGID" 2>/dev/null || true; fi
  if [[ -n "$RUN" ]]; then rm -rf "$RUN"; fi
}
trap cleanup EXIT

step "apt: chromium ripgrep libkrb5-dev"
need=()
[[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
command -v krb5-config >/dev/null || need+=(libkrb5-dev)      # code-server's kerberos module
{ command -v g++ && command -v make; } >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)               # node-gyp
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "npm: code-server@$CS_VERSION in $TOOLS"
mkdir -p "$TOOLS/tmp"
if [[ "$("$TOOLS/node_modules/.bin/code-server" --version 2>/dev/null | head -1 | cut -d' ' -f1)" != "$CS_VERSION" ]]; then
  # @vscode/ripgrep's install downloads rg from GitHub (unreachable); it first looks in
  # $TMPDIR/vscode-ripgrep-cache-<version>/<asset>, so seed that with Debian's rg.
  mkdir -p "$TOOLS/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION" "$TOOLS/rgseed"
  cp "$(command -v rg)" "$TOOLS/rgseed/rg"
  tar czf "$TOOLS/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C "$TOOLS/rgseed" rg
  # This npm skips dependency install scripts unless allowed; code-server's postinstall (and
  # the nested install of its lib/vscode native modules) must run. unsafe_perm: the postinstall
  # refuses root without it; yes: node-pty's install runs `npx node-gyp`.
  cat > "$TOOLS/package.json" <<'JSON'
{ "name": "hotpath-vshost-tools", "private": true,
  "allowScripts": { "code-server": true } }
JSON
  ( cd "$TOOLS" && TMPDIR="$TOOLS/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
      npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > "$TOOLS/npm.log" 2>&1 ) \
    || { echo "code-server install failed; tail of $TOOLS/npm.log:"; tail -40 "$TOOLS/npm.log"; exit 1; }
fi
"$TOOLS/node_modules/.bin/code-server" --version | head -1
[[ -d "$ROOT/node_modules/playwright-core" && -d "$ROOT/node_modules/@vscode/vsce" && -d "$ROOT/node_modules/mocha" ]] \
  || ( cd "$ROOT" && npm install --no-audit --no-fund )
[[ "$MODE" == setup ]] && exit 0
