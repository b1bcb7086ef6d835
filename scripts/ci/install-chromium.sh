#!/usr/bin/env bash
# Installs Debian's Chromium for the report suites (test/report/) when it is missing.
# The suites drive /usr/bin/chromium with playwright-core (LAZYSCRIBE_CHROMIUM overrides the path)
# and fail, never skip, without it. Needs root or sudo, and the Debian package mirror.
set -euo pipefail
if [[ -n "${LAZYSCRIBE_CHROMIUM:-}" && -x "${LAZYSCRIBE_CHROMIUM}" ]] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
chromium --version
