#!/usr/bin/env bash
# Runs Hotpath's tests inside a REAL VS Code: code-server (the VS Code 1.100.3 server and its
# Node extension host, from the npm registry) with the workbench in headless Debian Chromium,
# driven by playwright-core. Works offline except for the npm registry and Debian's apt.
#
#   bash test/vscode/run.sh              # setup + mocha suite in the extension host + UI stage
#   MODE=mocha bash test/vscode/run.sh   # only the mocha suite (development-mode extension)
#   MODE=ui    bash test/vscode/run.sh   # only the UI stage (the packaged .vsix, installed)
#   MODE=webview bash test/vscode/run.sh # only the webview bundle in Chromium (no VS Code)
#   MODE=demo  bash test/vscode/run.sh   # only README's `npm run demo -- --vscode`, run and stopped
#   MODE=setup bash test/vscode/run.sh   # only install the tools (warms the cache)
#
# The webview stage also measures a large profile (first frame, zoom/pan frames); size it with
# HOTPATH_WEBVIEW_BENCH_SAMPLES (default 100000, 0 = skip; 1000000 for the benchmark).
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
# code-server writes ~/.config/code-server and ~/.local/share/code-server; keep them in the cache
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data"
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

step "build: extension, worker, webview, test suite"
( cd "$ROOT" && node esbuild.mjs )
rm -rf "$ROOT/out/vscode-suite"
# web-tree-sitter stays external: its ESM build reads import.meta.url, which a CommonJS bundle lacks
"$ROOT/node_modules/.bin/esbuild" "$HERE"/suite/*.ts --bundle --platform=node --target=node20 --format=cjs \
  --external:vscode --external:mocha --external:web-tree-sitter --log-level=warning --outdir="$ROOT/out/vscode-suite"

export NODE_PATH="$ROOT/node_modules"
PASSED=0; FAILED=0
count() {  # adds the counts of a results file, or one failure when the stage left none
  if [[ -s "$1" ]]; then
    PASSED=$((PASSED + $(node -p "require('$1').passed"))); FAILED=$((FAILED + $(node -p "require('$1').failed")))
  else FAILED=$((FAILED + 1)); fi
}
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/*.json
if [[ "$MODE" == all || "$MODE" == webview ]]; then
  step "webview bundle in Chromium (no VS Code)"
  ( cd "$ROOT" && timeout 300 node_modules/.bin/tsx test/vscode/webview/browser.ts "$ARTIFACTS/webview-results.json" ) || true
  count "$ARTIFACTS/webview-results.json"
fi
if [[ "$MODE" == webview ]]; then
  echo "vscode-host: $PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 && $PASSED -gt 0 ]]; exit
fi

step "sandbox: workspace, settings, .vsix"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/hotpath-vshost.XXXXXX")"
mkdir -p "$RUN"/{ext,data/User,ws/profiles,ws/programs}
echo '# Hotpath test workspace' > "$RUN/ws/README.md"
cp "$ROOT/test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile" "$RUN/ws/profiles/"
# the same profile under a name that says nothing: "Open Profile…" must sniff the content
cp "$ROOT/test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile" "$RUN/ws/profiles/capture.data"
cp "$ROOT/test/fixtures/programs/busy.js" "$RUN/ws/programs/"
cp "$HERE/fixtures/before.folded" "$HERE/fixtures/after.folded" "$RUN/ws/profiles/"
# VS Code's built-in JS profile table also opens *.cpuprofile; a user picks Hotpath the same way
cat > "$RUN/data/User/settings.json" <<'JSON'
{ "security.workspace.trust.enabled": false, "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false, "update.mode": "none", "workbench.tips.enabled": false,
  "workbench.enableExperiments": false, "git.enabled": false, "window.commandCenter": false,
  "workbench.editorAssociations": { "*.cpuprofile": "hotpath.profileView" } }
JSON
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' > "$RUN/config.yaml"
CS=("$TOOLS/node_modules/.bin/code-server" --config "$RUN/config.yaml" --extensions-dir "$RUN/ext" --user-data-dir "$RUN/data")
if [[ "$MODE" == all || "$MODE" == ui ]]; then
  # the same production .vsix as `npm run package`
  ( cd "$ROOT" && node scripts/package.mjs --out "$RUN/hotpath.vsix" > "$RUN/vsce.log" 2>&1 ) \
    || { echo "packaging failed:"; tail -20 "$RUN/vsce.log"; exit 1; }
  "${CS[@]}" --install-extension "$RUN/hotpath.vsix" > "$RUN/install.log" 2>&1 \
    || { echo "installing the .vsix failed:"; cat "$RUN/install.log"; exit 1; }
  ls "$RUN/ext" | grep -q '^hotpath\.hotpath-' || { echo "the .vsix did not install:"; cat "$RUN/install.log"; exit 1; }
fi

step "start code-server on 127.0.0.1"
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# setsid: the server, its extension host and their children share one process group we can end
HOTPATH_VSHOST_RESULTS="$RUN/mocha-results.json" setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$RUN/ws" > "$RUN/server.log" 2>&1 &
SERVER_PGID=$(ps -o pgid= -p $! | tr -d ' ')
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PGID" 2>/dev/null || { cat "$RUN/server.log"; exit 1; }
  sleep 0.2
done

if [[ "$MODE" == all || "$MODE" == mocha ]]; then
  step "mocha suite inside the extension host (development mode)"
  timeout 300 node "$HERE/driver.js" mocha "http://127.0.0.1:$PORT" "$RUN/ws" "$ARTIFACTS" "$ROOT" "$ROOT/out/vscode-suite/index" || true
  count "$RUN/mocha-results.json"
fi
if [[ "$MODE" == all || "$MODE" == ui ]]; then
  step "UI: the installed .vsix in the workbench"
  timeout 300 node "$HERE/driver.js" ui "http://127.0.0.1:$PORT" "$RUN/ws" "$ARTIFACTS" "$ARTIFACTS/ui-results.json" || true
  count "$ARTIFACTS/ui-results.json"
  mkdir -p "$ROOT/media"
  for shot in flamegraph editor-heat diff chat; do
    if [[ -f "$ARTIFACTS/$shot.png" ]]; then cp "$ARTIFACTS/$shot.png" "$ROOT/media/$shot.png"; fi
  done
fi
if [[ "$MODE" == all || "$MODE" == demo ]]; then
  step "README's npm run demo -- --vscode (the demo's own VS Code on 127.0.0.1:8484)"
  ( cd "$ROOT" && timeout 420 node test/vscode/demo-vscode.mjs "$ARTIFACTS/demo-vscode-results.json" ) || true
  count "$ARTIFACTS/demo-vscode-results.json"
fi
if ((FAILED)); then echo "server log: $ARTIFACTS/server.log"; cp "$RUN/server.log" "$ARTIFACTS/server.log"; fi

echo "=== done in $(since "$T0")s; screenshots in ${ARTIFACTS#"$ROOT/"}/"
echo "vscode-host: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 && $PASSED -gt 0 ]]
