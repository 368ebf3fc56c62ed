#!/usr/bin/env bash
# Run by `./tidings test` before the tests: installs the Debian packages the test suites need
# (chromium for the docs and console browser tests, postgresql for the PostgreSQL store tests, which start a
# throwaway cluster of their own, prometheus for the metrics test, which starts one of its own, redis-server
# for the BullMQ peer of `pnpm bench`'s peers case, which starts one of its own). Idempotent: when everything is installed it only checks.
# It installs only as root with apt-get; otherwise it names what is missing and leaves the tests
# to fail with their own message. Other packages may be named as arguments (bench/independent-api.sh
# asks for wrk this way).
set -euo pipefail

TIDINGS_TEST_PACKAGES=(chromium postgresql prometheus redis-server)
[ "$#" -gt 0 ] && TIDINGS_TEST_PACKAGES=("$@")

missing=()
for package in "${TIDINGS_TEST_PACKAGES[@]}"; do
  if ! dpkg-query --show --showformat='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "test-prerequisites: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "test-prerequisites: installing ${missing[*]} (apt-get update, then apt-get install)" >&2
apt-get update >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
echo "test-prerequisites: installed ${missing[*]}" >&2
