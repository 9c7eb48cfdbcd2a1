#!/usr/bin/env bash
# Installs code-server (VS Code's web build, from the npm registry) for the
# editor end-to-end test (test/e2e), into a cache folder outside the repo:
#
#   ${MIXDOWN_CODE_SERVER_DIR:-$HOME/.cache/mixdown/code-server-<version>}
#
# and prints the path of its launcher (…/node_modules/.bin/code-server) as
# the last line of stdout. Everything else goes to stderr. Idempotent: a
# finished install is marked with a stamp file and reused as it is.
#
# Why not a plain `npm install -g code-server`: its postinstall refuses to
# run as root without --unsafe-perm, and it would download ripgrep from
# outside the npm registry. So, as its postinstall.sh does, minus the
# downloads:
#   1. npm install code-server --ignore-scripts, then build argon2 (the
#      password hasher it loads at start) from source;
#   2. in lib/vscode: npm install --omit=dev --ignore-scripts, then rebuild
#      its native modules from source (kerberos needs libkrb5-dev);
#   3. Debian's rg stands in for @vscode/ripgrep's downloaded binary;
#   4. the symlinks postinstall.sh makes (node_modules.asar, bin scripts).
# The built-in extensions' own dependencies (lib/vscode/extensions: only
# TypeScript, for the TS/JS language features) are not installed.
#
# Needs Node 20 (code-server 4.100 requires it) and, when they are missing,
# installs with apt: build-essential, python3, libkrb5-dev, ripgrep.
set -euo pipefail

VERSION=4.100.3
DIR="${MIXDOWN_CODE_SERVER_DIR:-$HOME/.cache/mixdown/code-server-$VERSION}"
# Native modules are built for one Node ABI: another Node means a new install.
command -v node >/dev/null || { echo "install-code-server: error: node is not on PATH" >&2; exit 1; }
ABI="$(node -p process.versions.modules)"
STAMP="$DIR/.installed-$VERSION-abi$ABI"
BIN="$DIR/node_modules/.bin/code-server"

log() { echo "install-code-server: $*" >&2; }
fail() { echo "install-code-server: error: $*" >&2; exit 1; }

if [ -f "$STAMP" ] && [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

# One install at a time; one that waited here may find the work done.
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9
if [ -f "$STAMP" ] && [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

command -v npm >/dev/null || fail "npm is not on PATH"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = 20 ] || fail "code-server $VERSION needs Node 20, this is Node $(node -v)"

# System packages: compilers for the native modules, Kerberos headers for
# the kerberos module, and ripgrep (VS Code's search runs it).
NEEDED=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
command -v make >/dev/null && command -v g++ >/dev/null || NEEDED+=(build-essential)
command -v python3 >/dev/null || NEEDED+=(python3)
have_pkg libkrb5-dev || NEEDED+=(libkrb5-dev)
command -v rg >/dev/null || NEEDED+=(ripgrep)
if [ "${#NEEDED[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing system packages (${NEEDED[*]}); install them with: sudo apt-get install ${NEEDED[*]}"
  log "apt-get install ${NEEDED[*]}"
  apt-get update -q >&2 || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${NEEDED[@]}" >&2 \
    || fail "apt-get install ${NEEDED[*]} failed"
fi
RG="$(command -v rg)" || fail "rg is still missing after installing ripgrep"

# node-gyp builds against this Node's own headers (NodeSource's nodejs package
# and the official tarballs ship them); it would otherwise download them.
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODE_PREFIX/include/node/node_api.h" ] \
  || fail "Node's headers are not in $NODE_PREFIX/include/node: without them the native modules cannot be built here"
export npm_config_nodedir="$NODE_PREFIX"

# Build in a scratch folder beside the target and move it into place at the
# end, so an interrupted install never looks finished.
WORK="$DIR.partial.$$"
rm -rf "$WORK"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"
START=$SECONDS

log "npm install code-server@$VERSION into $DIR"
cd "$WORK"
echo '{ "name": "mixdown-code-server", "private": true }' > package.json
NPM=(npm --no-audit --no-fund --loglevel=error --no-update-notifier)
"${NPM[@]}" install --ignore-scripts "code-server@$VERSION" >&2 \
  || fail "npm install code-server@$VERSION failed"
# From source: its prebuilt-binary download would reach outside the npm registry.
"${NPM[@]}" rebuild --build-from-source argon2 >&2 \
  || fail "building argon2 failed (needs make, g++, python3)"

VS="$WORK/node_modules/code-server/lib/vscode"
[ -d "$VS" ] || fail "$VS is missing: not the code-server package layout this script knows"
cd "$VS"
log "npm install in lib/vscode ($((SECONDS - START)) s so far)"
"${NPM[@]}" install --omit=dev --ignore-scripts >&2 \
  || fail "npm install in code-server's lib/vscode failed"
# Every native module of lib/vscode but @vscode/ripgrep (its install script
# downloads rg) and the Windows-only ones.
NATIVE=(@parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty)
log "rebuilding ${NATIVE[*]} ($((SECONDS - START)) s so far)"
# node-pty's post-install runs `npx node-gyp` (from the npm registry).
npm_config_yes=true "${NPM[@]}" rebuild --build-from-source "${NATIVE[@]}" >&2 \
  || fail "rebuilding code-server's native modules failed (kerberos needs libkrb5-dev; all need make, g++, python3)"

mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$RG" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh

# A smoke test: the server's entry loads, with its native modules.
cd "$WORK"
echo 'auth: none' > smoke-config.yaml
OUT="$(node_modules/.bin/code-server --config smoke-config.yaml --version 2>&1)" || fail "code-server --version failed: $OUT"
rm smoke-config.yaml
case "$(echo "$OUT" | tail -n 1)" in
  "$VERSION "*) ;;
  *) fail "code-server --version printed '$OUT', expected $VERSION" ;;
esac
(cd "$VS" && node -e "for (const m of ['kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog']) require(m)") >&2 \
  || fail "a native module of code-server does not load"

date -u +%FT%TZ > "$WORK/$(basename "$STAMP")"
rm -rf "$DIR"
mv -T "$WORK" "$DIR"
trap - EXIT
log "installed code-server $VERSION in $((SECONDS - START)) s"
echo "$BIN"
