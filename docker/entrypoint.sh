#!/bin/sh
# Entrypoint of the Fairdraw image, started by tini (PID 1, which forwards SIGTERM to node).
#
# When the task is given a CloudHSM cluster (CLOUDHSM_CLUSTER_ID, or CLOUDHSM_HSM_IPS), it
# writes the cluster's issuing CA certificate and configures the Client SDK 5 PKCS#11 library
# with configure-pkcs11 before anything can ask the HSM for random bytes. Any failure stops
# the container (exit 78, EX_CONFIG): the service never starts on a half-configured HSM.
# Then it execs the command (node), which takes over this process.
set -eu

fail() {
  printf '{"level":"fatal","event":"container_start_failed","msg":"%s"}\n' "$1" >&2
  exit 78
}

configure_cloudhsm() {
  etc="${CLOUDHSM_ETC_DIR:-/opt/cloudhsm/etc}"
  tool="${CLOUDHSM_CONFIGURE_TOOL:-/opt/cloudhsm/bin/configure-pkcs11}"
  [ -x "$tool" ] || fail "CloudHSM is requested but $tool is not in the image"
  [ -d "$etc" ] && [ -w "$etc" ] || fail "$etc is not writable: mount a task volume there"

  if [ -n "${CLOUDHSM_CUSTOMER_CA_PEM:-}" ]; then
    case "$CLOUDHSM_CUSTOMER_CA_PEM" in
      *"-----BEGIN CERTIFICATE-----"*"-----END CERTIFICATE-----"*) ;;
      *) fail "CLOUDHSM_CUSTOMER_CA_PEM is not a PEM certificate" ;;
    esac
    printf '%s\n' "$CLOUDHSM_CUSTOMER_CA_PEM" >"$etc/customerCA.crt"
  fi
  [ -s "$etc/customerCA.crt" ] || fail "no cluster CA certificate: set CLOUDHSM_CUSTOMER_CA_PEM"

  # The library logs to the container's output (the root file system is read-only).
  set -- --hsm-ca-cert "$etc/customerCA.crt" --log-type term --log-level "${CLOUDHSM_LOG_LEVEL:-warn}"
  if [ "${CLOUDHSM_DISABLE_KEY_AVAILABILITY_CHECK:-false}" = "true" ]; then
    # Only for a cluster with a single HSM (development); production runs two or more.
    set -- "$@" --disable-key-availability-check
  fi
  if [ -n "${CLOUDHSM_HSM_IPS:-}" ]; then
    # A space-separated list of HSM ENI addresses, when DescribeClusters is not reachable.
    # shellcheck disable=SC2086
    "$tool" -a $CLOUDHSM_HSM_IPS "$@" || fail "configure-pkcs11 -a failed"
  else
    region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
    [ -n "$region" ] || fail "AWS_REGION is required with CLOUDHSM_CLUSTER_ID"
    "$tool" --cluster-id "$CLOUDHSM_CLUSTER_ID" --region "$region" "$@" || fail "configure-pkcs11 --cluster-id failed"
  fi
}

if [ -n "${CLOUDHSM_CLUSTER_ID:-}" ] || [ -n "${CLOUDHSM_HSM_IPS:-}" ]; then
  configure_cloudhsm
fi
unset CLOUDHSM_CUSTOMER_CA_PEM

[ "$#" -gt 0 ] || fail "no command given"
exec "$@"
