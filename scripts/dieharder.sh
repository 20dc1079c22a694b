#!/usr/bin/env bash
# Runs Debian's dieharder on the output of the configured RNG: the raw bytes after the SP 800-90B
# health tests, collected by `rng:collect` (the same engine the draws use). A lab tool: it takes
# from minutes to hours, so CI does not run it.
#
#   bash scripts/dieharder.sh                    collect 256 MiB to a file, then dieharder -a -g 201 -f FILE
#   bash scripts/dieharder.sh --mib 4096         a larger file (dieharder -a consumes several GiB)
#   bash scripts/dieharder.sh --stream           pipe the RNG into dieharder -a -g 200: never rewinds
#   bash scripts/dieharder.sh --mib 64 -- -d 0   any dieharder test selection instead of -a
#
# The RNG is configured by the service's variables (RNG_PROVIDER, PKCS11_MODULE, PKCS11_TOKEN_LABEL,
# PKCS11_PIN, RNG_KMS_REGION, ...). dieharder rewinds a file it has read to the end and reads it
# again, which voids the affected results: the script says so when it happens; use a larger
# --mib or --stream for evidence.
set -euo pipefail
cd "$(dirname "$0")/.."

mib=256
stream=false
out="reports/dieharder-$(date -u +%Y%m%dT%H%M%SZ)"
tests=(-a)
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) mib="$2"; shift 2 ;;
    --stream) stream=true; shift ;;
    --out) out="$2"; shift 2 ;;
    --) shift; tests=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "dieharder.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$mib" =~ ^[1-9][0-9]*$ ]]; then
  echo "dieharder.sh: --mib needs a positive integer, got '$mib'" >&2
  exit 2
fi

if ! command -v dieharder >/dev/null 2>&1; then
  echo "dieharder.sh: dieharder is not installed; installing the Debian package with apt-get" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get install -y dieharder >&2 ||
    { "${sudo_cmd[@]}" apt-get update >&2 && "${sudo_cmd[@]}" apt-get install -y dieharder >&2; }
fi

node scripts/ensure-built.mjs
mkdir -p "$out"
result="$out/dieharder.txt"
sidecar="$out/raw.json"
collect=(node dist/src/rng/cli/collect.js --raw)

if [ "$stream" = true ]; then
  echo "dieharder.sh: streaming ${RNG_PROVIDER:-os} output into dieharder -g 200 ${tests[*]} (report: $result)" >&2
  # dieharder stops reading when it is done; rng:collect then ends quietly (EPIPE).
  "${collect[@]}" --out - --sidecar "$sidecar" | dieharder -g 200 "${tests[@]}" 2>&1 | tee "$result"
else
  file="$out/raw.bin"
  "${collect[@]}" --bytes $((mib * 1024 * 1024)) --out "$file" --sidecar "$sidecar"
  echo "dieharder.sh: dieharder -g 201 -f $file ${tests[*]} (report: $result)" >&2
  # dieharder reports rewinds on stderr: keep it in the report.
  dieharder -g 201 -f "$file" "${tests[@]}" 2>&1 | tee "$result"
  if grep -q 'was rewound' "$result"; then
    echo "dieharder.sh: WARNING: dieharder rewound $file ($(grep -o 'rewound [0-9]* times' "$result" | tail -1));" \
      "results of tests that read past its end are void. Use a larger --mib or --stream." >&2
  fi
fi
weak=$(grep -c 'WEAK' "$result" || true)
failed=$(grep -c 'FAILED' "$result" || true)
echo "dieharder.sh: $failed FAILED, $weak WEAK; report $result, source described in $sidecar" >&2
[ "$failed" -eq 0 ]
