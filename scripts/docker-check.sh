#!/usr/bin/env bash
# Checks docker/Dockerfile where no Docker engine is available (no hadolint either).
#
#   1. static      the Dockerfile itself: named stages, pinned-by-argument base image, build-only
#                  compilers, production-only dependencies, non-root USER, HEALTHCHECK, tini
#                  ENTRYPOINT, CMD, VOLUMEs for the read-only root file system, the parameterised
#                  and checksummed CloudHSM download, an allow-list build context, and agreement
#                  with what deploy/ expects (user, port, PKCS#11 module path, health check).
#   2. entrypoint  docker/entrypoint.sh: plain exec, and the configure-pkcs11 arguments it passes
#                  (a stub stands in for the CloudHSM tool, which only exists in the image), and
#                  that every misconfiguration stops the container.
#   3. database    docker/db-runtime-login.mjs against a local PostgreSQL, when one answers.
#   4. build       the build stage replayed as plain commands in a clean copy of the repository
#                  (files git knows, so no node_modules, dist or data): WORKDIR, COPY, ENV, ARG
#                  and RUN; apt-get steps are checked (the packages are present), not run.
#   5. runtime     the runtime stage's COPY --from=build into a fresh folder; no dev dependency
#                  left; the service started as uid 10001 through docker/entrypoint.sh, GET
#                  /health/live = 200, the HEALTHCHECK command passes, SIGTERM stops it in time.
#
# Usage: scripts/docker-check.sh [--static] [--source=worktree|head] [--keep]
#   --static          stop after steps 1-3 (seconds instead of minutes)
#   --source=head     replay from `git archive HEAD` instead of the working tree
#   --keep            keep the temporary folder
# Exit status: 0 when every check passed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERFILE="$ROOT/docker/Dockerfile"
IGNOREFILE="$DOCKERFILE.dockerignore"
SERVICE_CONSTRUCT="$ROOT/deploy/lib/constructs/raffle-service.ts"
MODE=full
SOURCE=worktree
KEEP=0
START_TIMEOUT=${DOCKER_CHECK_START_TIMEOUT:-90}
STOP_TIMEOUT=30 # the task definition's stopTimeout

for arg in "$@"; do
  case "$arg" in
    --static) MODE=static ;;
    --source=worktree | --source=head) SOURCE="${arg#--source=}" ;;
    --keep) KEEP=1 ;;
    -h | --help)
      sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

pass() { printf '  PASS  %s\n' "$1"; }
# Failures are appended to a file so that checks made in subshells count too.
fail() {
  printf '  FAIL  %s\n' "$1"
  printf '%s\n' "$1" >>"$WORK/failures"
}
failures() { if [ -f "$WORK/failures" ]; then wc -l <"$WORK/failures"; else echo 0; fi; }
note() { printf '  NOTE  %s\n' "$1"; }
section() { printf '\n== %s\n' "$1"; }
check() {
  local description=$1
  shift
  if "$@" >/dev/null 2>&1; then pass "$description"; else fail "$description"; fi
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fairdraw-docker-check.XXXXXX")"
chmod 755 "$WORK"
SERVICE_PID=""
CHECK_ROLE=""
cleanup() {
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then kill -KILL "$SERVICE_PID" 2>/dev/null; fi
  if [ -n "$CHECK_ROLE" ]; then psql_admin -c "DROP ROLE IF EXISTS \"$CHECK_ROLE\"" >/dev/null 2>&1; fi
  if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Dockerfile parsing: one instruction per line, continuations joined, comments dropped.
#   <stage index> TAB <stage name> TAB <INSTRUCTION> TAB <arguments>
INSTRUCTIONS="$WORK/instructions.tsv"
awk '
  BEGIN { stage = -1; name = ""; pending = "" }
  /^[[:space:]]*#/ { next }
  pending == "" && /^[[:space:]]*$/ { next }
  {
    line = $0
    if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); pending = pending line " "; next }
    full = pending line; pending = ""
    sub(/^[[:space:]]+/, "", full); gsub(/[[:space:]]+/, " ", full); sub(/ $/, "", full)
    keyword = full; sub(/ .*/, "", keyword); keyword = toupper(keyword)
    args = substr(full, length(keyword) + 2)
    if (keyword == "FROM") {
      stage++; name = ""
      n = split(args, words, " ")
      if (n >= 3 && toupper(words[n - 1]) == "AS") name = words[n]
    }
    printf "%d\t%s\t%s\t%s\n", stage, name, keyword, args
  }' "$DOCKERFILE" >"$INSTRUCTIONS"

# Arguments of every <INSTRUCTION> in stage <name> ("" for the global scope), one per line.
instructions() { awk -F'\t' -v s="$1" -v k="$2" '(s == "" ? $1 == -1 : $2 == s) && $3 == k { print $4 }' "$INSTRUCTIONS"; }
stage_names() { awk -F'\t' '$3 == "FROM" { print ($2 == "" ? "<unnamed>" : $2) }' "$INSTRUCTIONS"; }
last_stage() { stage_names | tail -n 1; }
# A JSON-array instruction (CMD ["a", "b"]) as one word per line.
json_words() { node -e 'for (const w of JSON.parse(process.argv[1])) console.log(w)' "$1"; }

# ---------------------------------------------------------------------------------------------
section "1. static checks of docker/Dockerfile"
check "BuildKit syntax directive on line 1" grep -qE '^# syntax=docker/dockerfile:[0-9]' <(head -n 1 "$DOCKERFILE")

mapfile -t STAGES < <(stage_names)
if [ "${#STAGES[@]}" -ge 2 ] && ! printf '%s\n' "${STAGES[@]}" | grep -qx '<unnamed>'; then
  pass "multi-stage, every stage named: ${STAGES[*]}"
else
  fail "multi-stage with named stages (found: ${STAGES[*]:-none})"
fi
RUNTIME=$(last_stage)
check "the final stage is 'runtime'" test "$RUNTIME" = runtime
check "a 'build' stage exists" grep -qx build <(printf '%s\n' "${STAGES[@]}")

node_image_default=$(instructions "" ARG | sed -n 's/^NODE_IMAGE=//p')
if [[ "$node_image_default" =~ ^node:[0-9][^:]*-(bookworm|bullseye)-slim(@sha256:[0-9a-f]{64})?$ ]]; then
  pass "base image is a parameter with a versioned slim default ($node_image_default)"
else
  fail "base image default '$node_image_default' is not a versioned node:*-slim tag"
fi
check "no stage is built FROM a :latest tag" bash -c "! awk -F'\t' '\$3 == \"FROM\"' '$INSTRUCTIONS' | grep -q ':latest'"

build_runs=$(instructions build RUN)
check "build stage installs the native-addon toolchain (python3, make, g++)" \
  bash -c 'grep -E "apt-get install" <<<"$1" | grep -qw python3 && grep -E "apt-get install" <<<"$1" | grep -qw make && grep -E "apt-get install" <<<"$1" | grep -qw "g++"' _ "$build_runs"
check "build stage runs npm ci from the lockfile" grep -q 'npm ci' <<<"$build_runs"
check "build stage runs install scripts only for pkcs11js" bash -c 'grep -q -- "--ignore-scripts" <<<"$1" && grep -q "npm rebuild pkcs11js" <<<"$1"' _ "$build_runs"
check "build stage compiles with npm run build" grep -q 'npm run build' <<<"$build_runs"
check "build stage prunes dev dependencies (npm prune --omit=dev)" grep -q 'npm prune --omit=dev' <<<"$build_runs"

runtime_runs=$(instructions "$RUNTIME" RUN)
check "runtime stage installs no compiler" bash -c '! grep -E "apt-get install" <<<"$1" | grep -qwE "python3|make|g\+\+|gcc|build-essential"' _ "$runtime_runs"
check "runtime stage installs tini" bash -c 'grep -E "apt-get install" <<<"$1" | grep -qw tini' _ "$runtime_runs"
check "runtime stage installs the CloudHSM PKCS#11 .deb" grep -q 'cloudhsm-pkcs11.deb' <<<"$runtime_runs"
check "runtime stage removes npm and corepack" grep -q 'rm -rf /usr/local/lib/node_modules/npm' <<<"$runtime_runs"
check "runtime stage copies node_modules and dist from the build stage" \
  bash -c 'grep -q -- "--from=build .*/app/node_modules" <<<"$1" && grep -q -- "--from=build .*/app/dist" <<<"$1"' _ "$(instructions "$RUNTIME" COPY)"

runtime_user=$(instructions "$RUNTIME" USER | tail -n 1)
if [ -n "$runtime_user" ] && [[ ! "$runtime_user" =~ ^(root|0)(:|$) ]]; then
  pass "runtime stage ends as a non-root USER ($runtime_user)"
else
  fail "runtime stage must end with a non-root USER (found '${runtime_user:-none}')"
fi
check "the USER is created in the image (useradd --uid ${runtime_user%%:*})" grep -q "useradd .*--uid ${runtime_user%%:*}" <<<"$runtime_runs"

healthcheck=$(instructions "$RUNTIME" HEALTHCHECK)
check "HEALTHCHECK runs docker/healthcheck.mjs (exec form)" grep -q 'CMD \["node", "/app/docker/healthcheck.mjs"\]' <<<"$healthcheck"
entrypoint_json=$(instructions "$RUNTIME" ENTRYPOINT | tail -n 1)
cmd_json=$(instructions "$RUNTIME" CMD | tail -n 1)
mapfile -t ENTRYPOINT < <(json_words "$entrypoint_json" 2>/dev/null)
mapfile -t CMD < <(json_words "$cmd_json" 2>/dev/null)
check "ENTRYPOINT is tini -- docker/entrypoint.sh (exec form)" test "${ENTRYPOINT[*]:-}" = "/usr/bin/tini -- /app/docker/entrypoint.sh"
check "CMD is node --max-semi-space-size=64 dist/src/main.js" test "${CMD[*]:-}" = "node --max-semi-space-size=64 dist/src/main.js"
check "EXPOSE 3000" grep -qx 3000 <(instructions "$RUNTIME" EXPOSE)
check "STOPSIGNAL SIGTERM" grep -qx SIGTERM <(instructions "$RUNTIME" STOPSIGNAL)
volumes=$(instructions "$RUNTIME" VOLUME)
check "VOLUMEs for the writable paths of a read-only root (/opt/cloudhsm/etc, /opt/cloudhsm/run, /tmp)" \
  bash -c 'for p in /opt/cloudhsm/etc /opt/cloudhsm/run /tmp; do grep -q "\"$p\"" <<<"$1" || exit 1; done' _ "$volumes"

downloads_args=$(instructions downloads ARG)
check "CloudHSM library URL is a build argument" grep -q '^CLOUDHSM_PKCS11_DEB_URL=https://' <<<"$downloads_args"
check "CloudHSM library SHA-256 is a build argument and is verified" \
  bash -c 'grep -q "^CLOUDHSM_PKCS11_DEB_SHA256" <<<"$1" && grep -q "sha256sum cloudhsm-pkcs11.deb" <<<"$2"' _ "$downloads_args" "$(instructions downloads RUN)"
check "no ADD of a remote URL (downloads are checked by curl + sha256sum)" bash -c "! grep -qiE '^ADD .*https?://' <(cut -f3- '$INSTRUCTIONS' | tr '\t' ' ')"
runtime_env=$(instructions "$RUNTIME" ENV)
check "no credential in ENV" bash -c '! grep -oE "[A-Z_]+=" <<<"$1" | grep -qE "PASSWORD|SECRET|TOKEN|PIN=|SIGNING_KEY|DATABASE_URL"' _ "$runtime_env"

# The image and the task definition must agree.
pkcs11_module=$(grep -oE 'PKCS11_MODULE=[^ ]+' <<<"$runtime_env" | cut -d= -f2)
check "PKCS11_MODULE ($pkcs11_module) is the path deploy/ passes" grep -q "'$pkcs11_module'" "$SERVICE_CONSTRUCT"
check "USER ($runtime_user) is the user deploy/ runs the container as" grep -q "CONTAINER_USER = '$runtime_user'" "$SERVICE_CONSTRUCT"
check "the health-check command is the one deploy/ uses" grep -q "'CMD', 'node', '/app/docker/healthcheck.mjs'" "$SERVICE_CONSTRUCT"
check "port 3000 is the port deploy/ maps" grep -q 'CONTAINER_PORT = 3000' "$SERVICE_CONSTRUCT"

# Build context: docker/Dockerfile.dockerignore must be an allow-list that lets every COPY through.
if [ -f "$IGNOREFILE" ] && [ "$(grep -vE '^[[:space:]]*(#|$)' "$IGNOREFILE" | head -n 1)" = "**" ]; then
  pass "docker/Dockerfile.dockerignore excludes everything by default"
  context_ok=1
  while read -r copy; do
    sources=()
    for word in $copy; do
      case "$word" in --*) continue ;; esac
      sources+=("$word")
    done
    unset 'sources[${#sources[@]}-1]' # the destination
    for source in "${sources[@]}"; do
      if grep -qxF "!$source" "$IGNOREFILE" || grep -qxF "!$source/**" "$IGNOREFILE"; then :; else
        fail "COPY source '$source' is excluded by docker/Dockerfile.dockerignore"
        context_ok=0
      fi
    done
  done < <(awk -F'\t' '$3 == "COPY" && $4 !~ /--from=/ { print $4 }' "$INSTRUCTIONS")
  [ "$context_ok" = 1 ] && pass "every context COPY source is allowed by the ignore file"
else
  fail "docker/Dockerfile.dockerignore must start with ** (allow-list)"
fi

check "docker/entrypoint.sh parses (sh -n)" sh -n "$ROOT/docker/entrypoint.sh"
check "docker/healthcheck.mjs parses (node --check)" node --check "$ROOT/docker/healthcheck.mjs"
check "docker/db-runtime-login.mjs parses (node --check)" node --check "$ROOT/docker/db-runtime-login.mjs"
if command -v shellcheck >/dev/null; then
  check "shellcheck docker/entrypoint.sh" shellcheck "$ROOT/docker/entrypoint.sh"
else
  note "shellcheck is not installed: docker/entrypoint.sh was only parsed"
fi

# ---------------------------------------------------------------------------------------------
section "2. docker/entrypoint.sh"
ENTRY="$ROOT/docker/entrypoint.sh"
STUB="$WORK/stub"
mkdir -p "$STUB/etc"
cat >"$STUB/configure-pkcs11" <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >"$STUB_ARGS"
exit "${STUB_EXIT:-0}"
EOF
chmod +x "$STUB/configure-pkcs11"
PEM=$'-----BEGIN CERTIFICATE-----\nMIIBdocker-check\n-----END CERTIFICATE-----'
entry() { env -i PATH="$PATH" CLOUDHSM_ETC_DIR="$STUB/etc" CLOUDHSM_CONFIGURE_TOOL="$STUB/configure-pkcs11" STUB_ARGS="$STUB/args" "$@"; }

out=$(entry sh "$ENTRY" printf 'exec %s' ok 2>&1)
check "without CloudHSM settings it execs the command as given" test "$out" = "exec ok"

rm -f "$STUB/args"
out=$(entry CLOUDHSM_CLUSTER_ID=cluster-abc123 AWS_REGION=ca-central-1 CLOUDHSM_CUSTOMER_CA_PEM="$PEM" \
  sh "$ENTRY" sh -c 'printf "%s" "${CLOUDHSM_CUSTOMER_CA_PEM:-gone}"' 2>&1)
check "--cluster-id: configure-pkcs11 gets cluster, region, CA path and terminal logging" test \
  "$(cat "$STUB/args" 2>/dev/null)" = "--cluster-id cluster-abc123 --region ca-central-1 --hsm-ca-cert $STUB/etc/customerCA.crt --log-type term --log-level warn"
check "--cluster-id: the CA certificate is written to customerCA.crt" test "$(cat "$STUB/etc/customerCA.crt" 2>/dev/null)" = "$PEM"
check "--cluster-id: the command then runs, without the CA variable in its environment" test "$out" = "gone"

rm -f "$STUB/args"
entry CLOUDHSM_HSM_IPS="10.40.48.10 10.40.49.10" CLOUDHSM_CUSTOMER_CA_PEM="$PEM" CLOUDHSM_DISABLE_KEY_AVAILABILITY_CHECK=true \
  sh "$ENTRY" true >/dev/null 2>&1
check "-a: configure-pkcs11 gets every HSM address (and the single-HSM flag when asked)" test \
  "$(cat "$STUB/args" 2>/dev/null)" = "-a 10.40.48.10 10.40.49.10 --hsm-ca-cert $STUB/etc/customerCA.crt --log-type term --log-level warn --disable-key-availability-check"

expect_stop() {
  local description=$1
  shift
  rm -f "$STUB/args" "$STUB/ran"
  entry "$@" sh "$ENTRY" touch "$STUB/ran" >"$WORK/entry.out" 2>&1
  local status=$?
  if [ "$status" = 78 ] && [ ! -e "$STUB/ran" ] && grep -q '"event":"container_start_failed"' "$WORK/entry.out"; then
    pass "stops (exit 78, JSON log) when $description"
  else
    fail "must stop with exit 78 when $description (status $status)"
  fi
}
rm -f "$STUB/etc/customerCA.crt"
expect_stop "the cluster CA certificate is missing" CLOUDHSM_CLUSTER_ID=cluster-abc123 AWS_REGION=ca-central-1
expect_stop "the CA variable is not a PEM certificate" CLOUDHSM_CLUSTER_ID=cluster-abc123 AWS_REGION=ca-central-1 CLOUDHSM_CUSTOMER_CA_PEM=oops
expect_stop "no region is known" CLOUDHSM_CLUSTER_ID=cluster-abc123 CLOUDHSM_CUSTOMER_CA_PEM="$PEM"
expect_stop "configure-pkcs11 fails" CLOUDHSM_CLUSTER_ID=cluster-abc123 AWS_REGION=ca-central-1 CLOUDHSM_CUSTOMER_CA_PEM="$PEM" STUB_EXIT=1
expect_stop "the configuration folder is not writable" CLOUDHSM_CLUSTER_ID=cluster-abc123 AWS_REGION=ca-central-1 \
  CLOUDHSM_CUSTOMER_CA_PEM="$PEM" CLOUDHSM_ETC_DIR=/nonexistent/etc

# ---------------------------------------------------------------------------------------------
section "3. docker/db-runtime-login.mjs"
PGCHECK_HOST=${PGHOST:-127.0.0.1}
PGCHECK_PORT=${PGPORT:-5432}
PGCHECK_USER=${PGUSER:-postgres}
psql_admin() { psql -X -q -A -t -h "$PGCHECK_HOST" -p "$PGCHECK_PORT" -U "$PGCHECK_USER" -d postgres "$@"; }
login() {
  env -i PATH="$PATH" PGSSLMODE=disable DATABASE_HOST="$PGCHECK_HOST" DATABASE_PORT="$PGCHECK_PORT" DATABASE_NAME=postgres \
    DATABASE_USER="$PGCHECK_USER" DATABASE_PASSWORD="${PGPASSWORD:-unused}" RUNTIME_DATABASE_PASSWORD='s3cret-with-quote'"'"'-inside' \
    "$@" node "$ROOT/docker/db-runtime-login.mjs"
}
if command -v psql >/dev/null && pg_isready -q -h "$PGCHECK_HOST" -p "$PGCHECK_PORT" 2>/dev/null && psql_admin -c 'select 1' >/dev/null 2>&1; then
  CHECK_ROLE="fairdraw_check_$$"
  psql_admin -c "CREATE ROLE \"$CHECK_ROLE\" NOLOGIN" >/dev/null
  login RUNTIME_DATABASE_USER="$CHECK_ROLE" >"$WORK/login.out" 2>&1
  status=$?
  state=$(psql_admin -c "SELECT rolcanlogin, rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = '$CHECK_ROLE'")
  check "gives an existing NOLOGIN role a login and a SCRAM password (status $status)" test "$status:$state" = "0:t|t"
  login RUNTIME_DATABASE_USER="$CHECK_ROLE" >/dev/null 2>&1
  check "is idempotent (second run succeeds)" test $? = 0
  login RUNTIME_DATABASE_USER="${CHECK_ROLE}_missing" >"$WORK/login.out" 2>&1
  check "refuses a role the migrations have not created" bash -c "test $? = 1 && grep -q 'run the migrations first' '$WORK/login.out'"
  psql_admin -c "DROP ROLE \"$CHECK_ROLE\"" >/dev/null && CHECK_ROLE=""
else
  note "no PostgreSQL answers at $PGCHECK_HOST:$PGCHECK_PORT as $PGCHECK_USER: docker/db-runtime-login.mjs not run"
fi

if [ "$MODE" = static ]; then
  section "result"
  echo "  --static: build replay and start skipped"
  [ "$(failures)" = 0 ] && echo "  all checks passed" || echo "  $(failures) check(s) failed"
  exit $(($(failures) > 0))
fi

# ---------------------------------------------------------------------------------------------
section "4. build stage replayed in a clean copy ($SOURCE)"
CONTEXT="$WORK/context"
mkdir -p "$CONTEXT"
if [ "$SOURCE" = head ]; then
  git -C "$ROOT" archive HEAD | tar -x -C "$CONTEXT"
else
  # Tracked and untracked-but-not-ignored files: what a fresh checkout plus work in progress holds.
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) 2>/dev/null |
    tar -x -C "$CONTEXT"
fi
for leftover in node_modules dist data; do
  check "the clean copy has no $leftover/" test ! -e "$CONTEXT/$leftover"
done

# Replays COPY/WORKDIR/ENV/ARG/RUN of one stage into $WORK/root-<stage> (container / = that folder).
replay_stage() {
  local stage=$1 root="$WORK/root-$1" cwd step=0 keyword args
  mkdir -p "$root"
  cwd="$root"
  while IFS=$'\t' read -r _ _ keyword args; do
    case "$keyword" in
      WORKDIR)
        cwd="$root$args"
        mkdir -p "$cwd"
        ;;
      ARG)
        local name="${args%%=*}" value=""
        [[ "$args" == *=* ]] && value="${args#*=}"
        [ -n "${!name:-}" ] || export "$name=$value"
        ;;
      ENV)
        local pair
        for pair in $args; do export "${pair?}"; done
        ;;
      COPY)
        local words=() from="" word
        for word in $args; do
          case "$word" in
            --from=*) from="${word#--from=}" ;;
            --*) ;;
            *) words+=("$word") ;;
          esac
        done
        local dest="${words[${#words[@]} - 1]}"
        unset 'words[${#words[@]}-1]'
        [[ "$dest" == /* ]] && dest="$root$dest" || dest="$cwd/$dest"
        local base="$CONTEXT"
        [ -n "$from" ] && base="$WORK/root-$from"
        for word in "${words[@]}"; do
          local source="$base/${word#/}"
          if [ -d "$source" ]; then
            mkdir -p "$dest" && cp -a "$source/." "$dest/"
          elif [[ "$dest" == */ ]] || [ "${#words[@]}" -gt 1 ]; then
            mkdir -p "$dest" && cp -a "$source" "$dest"
          else
            mkdir -p "$(dirname "$dest")" && cp -a "$source" "$dest"
          fi || return 1
        done
        ;;
      RUN)
        step=$((step + 1))
        local command="$args"
        while [[ "$command" == --* ]]; do command="${command#* }"; done
        if [[ "$command" == *apt-get* ]]; then
          local packages missing=""
          packages=$(sed -n 's/.*apt-get install \([^&]*\).*/\1/p' <<<"$command" | tr ' ' '\n' | grep -vE '^-|^$|/')
          for package in $packages; do
            dpkg -s "$package" >/dev/null 2>&1 || command -v "$package" >/dev/null || missing+=" $package"
          done
          if [ -z "$missing" ]; then
            pass "$stage RUN $step: system packages present here instead of apt-get ($(echo $packages))"
          else
            fail "$stage RUN $step: missing system packages:$missing"
            return 1
          fi
          continue
        fi
        local started=$SECONDS
        if (cd "$cwd" && npm_config_prefer_offline=true npm_config_update_notifier=false sh -ec "$command") \
          >"$WORK/$stage-run-$step.log" 2>&1; then
          pass "$stage RUN $step ($((SECONDS - started)) s): ${command:0:90}"
        elif [[ "$command" == *"npm ci"* ]] && grep -q 'package-lock.json .*in sync' "$WORK/$stage-run-$step.log"; then
          # The lockfile does not match package.json: docker build would stop here too. Say so,
          # then carry on with npm install so that the later steps still get checked.
          fail "$stage RUN $step: npm ci refuses package-lock.json (out of sync with package.json; regenerate it with npm install --package-lock-only)"
          grep -m 5 'Missing:' "$WORK/$stage-run-$step.log" | sed 's/^/        /'
          if (cd "$cwd" && npm_config_prefer_offline=true sh -ec "${command//npm ci/npm install --no-save}") \
            >"$WORK/$stage-run-$step-retry.log" 2>&1; then
            note "$stage RUN $step: continued with 'npm install --no-save' to check the remaining steps"
          else
            fail "$stage RUN $step: npm install --no-save failed too (log: $WORK/$stage-run-$step-retry.log)"
            return 1
          fi
        else
          fail "$stage RUN $step: ${command:0:90} (log below)"
          tail -n 30 "$WORK/$stage-run-$step.log" | sed 's/^/        /'
          return 1
        fi
        ;;
    esac
  done < <(awk -F'\t' -v s="$stage" '$2 == s && $3 != "FROM"' "$INSTRUCTIONS")
}

build_ok=0
(replay_stage build) && build_ok=1
if [ "$build_ok" = 1 ]; then
  check "the build produced dist/src/main.js" test -f "$WORK/root-build/app/dist/src/main.js"
  check "the native pkcs11js addon was built" bash -c "ls '$WORK'/root-build/app/node_modules/pkcs11js/build/Release/*.node"
fi

# ---------------------------------------------------------------------------------------------
section "5. runtime stage assembled and started"
if [ "$build_ok" != 1 ]; then
  fail "runtime not assembled: the build stage failed"
else
  RUNTIME_ROOT="$WORK/root-$RUNTIME"
  (
    # Only the file operations of the runtime stage; its RUN steps set up the OS (apt, user).
    grep -vP '\tRUN\t' "$INSTRUCTIONS" >"$WORK/runtime-only.tsv"
    INSTRUCTIONS="$WORK/runtime-only.tsv" replay_stage "$RUNTIME"
  ) && pass "runtime stage COPY/WORKDIR replayed (its RUN steps set up the OS and are checked statically)"
  APP="$RUNTIME_ROOT/app"
  check "runtime folder holds package.json, dist, node_modules and the docker/ scripts" \
    bash -c "test -f '$APP/package.json' -a -f '$APP/dist/src/main.js' -a -d '$APP/node_modules' -a -x '$APP/docker/entrypoint.sh' -a -f '$APP/docker/healthcheck.mjs'"
  dev_left=$(node -e '
    const lock = require(process.argv[1] + "/package-lock.json");
    const fs = require("node:fs");
    const left = Object.entries(lock.packages)
      .filter(([path, meta]) => path.startsWith("node_modules/") && meta.dev && fs.existsSync(process.argv[2] + "/" + path));
    console.log(left.map(([path]) => path.slice("node_modules/".length)).join(" "));
  ' "$CONTEXT" "$APP")
  check "no dev-only package is left in node_modules${dev_left:+ (found: ${dev_left:0:120})}" test -z "$dev_left"
  check "no compiler toolchain package left (typescript, @swc/core, jest)" \
    bash -c "test ! -e '$APP/node_modules/typescript' -a ! -e '$APP/node_modules/@swc/core' -a ! -e '$APP/node_modules/jest'"
  note "runtime folder size $(du -sh "$APP" | cut -f1) (node_modules $(du -sh "$APP/node_modules" | cut -f1))"

  PORT=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  DATA="$WORK/data"
  mkdir -p "$DATA"
  USER_ID="${runtime_user%%:*}"
  GROUP_ID="${runtime_user##*:}"
  AS_USER=()
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chown "$USER_ID:$GROUP_ID" "$DATA"
    chmod -R a+rX "$RUNTIME_ROOT"
    AS_USER=(setpriv --reuid="$USER_ID" --regid="$GROUP_ID" --clear-groups --inh-caps=-all)
  else
    note "not root (or no setpriv): the service starts as $(id -un), not as uid $USER_ID"
  fi
  # The image's environment, minus what points into files only the image has (the RDS CA
  # bundle, the CloudHSM library): here the service runs on PGlite and the OS CSPRNG.
  IMAGE_ENV=()
  for pair in $runtime_env; do
    case "$pair" in NODE_EXTRA_CA_CERTS=* | PKCS11_MODULE=* | PORT=*) ;; *) IMAGE_ENV+=("$pair") ;; esac
  done
  # What production refuses to start without (NODE_ENV=production): a token issuer (never
  # contacted here: no request carries a token), a ledger signing key, made fresh for this run in
  # the C2SP signed-note format, a certified RNG (there is no HSM here, so the OS source is
  # accepted explicitly: RNG_ALLOW_UNCERTIFIED, which production logs and journals at start) and
  # payment providers without the development-only test provider (cash needs no secret), and a
  # geolocation provider for online buyers (PLY-2; its keys are fetched at the first online order,
  # which no request here makes).
  LEDGER_ORIGIN_CHECK=docker-check.local/ledger
  SIGNING_KEY=$(node -e '
    const crypto = require("node:crypto");
    const name = process.argv[1];
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
    const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(16);
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
    const id = crypto.createHash("sha256").update(Buffer.concat([Buffer.from(name + "\n"), Buffer.from([1]), raw]));
    const key = Buffer.concat([Buffer.from([1]), seed]).toString("base64");
    console.log(`PRIVATE+KEY+${name}+${id.digest().subarray(0, 4).toString("hex")}+${key}`);
  ' "$LEDGER_ORIGIN_CHECK")
  note "tini is replaced by the shell's own process handling here; entrypoint.sh runs unchanged"
  (
    cd "$APP" &&
      exec "${AS_USER[@]}" env -i PATH="$PATH" HOME=/nonexistent "${IMAGE_ENV[@]}" PORT="$PORT" DATA_DIR="$DATA" \
        AUTH_JWKS_URL="http://127.0.0.1:9/.well-known/jwks.json" AUTH_ISSUER=docker-check AUTH_AUDIENCE=docker-check \
        LEDGER_ORIGIN="$LEDGER_ORIGIN_CHECK" LEDGER_SIGNING_KEY="$SIGNING_KEY" RNG_ALLOW_UNCERTIFIED=true PAYMENT_PROVIDERS=cash \
        GEOLOCATION_PROVIDER=jws GEOLOCATION_JWKS_URL="http://127.0.0.1:9/geolocation/jwks.json" GEOLOCATION_ISSUER=docker-check \
        "$APP/docker/entrypoint.sh" "${CMD[@]}"
  ) >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!

  started=$SECONDS
  live=""
  while [ $((SECONDS - started)) -lt "$START_TIMEOUT" ] && kill -0 "$SERVICE_PID" 2>/dev/null; do
    live=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/live" 2>/dev/null)
    [ "$live" = 200 ] && break
    sleep 0.5
  done
  if [ "$live" = 200 ]; then
    pass "GET /health/live answered 200 after $((SECONDS - started)) s"
    if [ "${#AS_USER[@]}" -gt 0 ]; then
      check "the service process runs as uid $USER_ID" test "$(stat -c %u "/proc/$SERVICE_PID")" = "$USER_ID"
      check "the service user cannot write the application files" bash -c "! ${AS_USER[*]} test -w '$APP/dist/src/main.js'"
    fi
    check "the HEALTHCHECK command passes" env PORT="$PORT" node "$APP/docker/healthcheck.mjs"
    ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")
    note "GET /health/ready answered $ready (PGlite, no HSM)"

    kill -TERM "$SERVICE_PID"
    stopped=$SECONDS
    while kill -0 "$SERVICE_PID" 2>/dev/null && [ $((SECONDS - stopped)) -lt "$STOP_TIMEOUT" ]; do sleep 0.2; done
    if kill -0 "$SERVICE_PID" 2>/dev/null; then
      fail "SIGTERM did not stop the service within ${STOP_TIMEOUT} s (ECS would SIGKILL it)"
      kill -KILL "$SERVICE_PID"
    else
      wait "$SERVICE_PID"
      status=$?
      if [ "$status" = 0 ] || [ "$status" = 143 ]; then
        pass "SIGTERM stopped the service in $((SECONDS - stopped)) s (exit status $status)"
      else
        fail "SIGTERM: the service exited with status $status"
      fi
    fi
    SERVICE_PID=""
    check "the HEALTHCHECK command fails once the service is down" bash -c "! env PORT=$PORT node '$APP/docker/healthcheck.mjs'"
  else
    fail "GET /health/live did not answer 200 within ${START_TIMEOUT} s (last: ${live:-no answer}); service log:"
    tail -n 40 "$WORK/service.log" | sed 's/^/        /'
  fi
fi

section "result"
if [ "$(failures)" = 0 ]; then echo "  all checks passed"; else echo "  $(failures) check(s) failed"; fi
exit $(($(failures) > 0))
