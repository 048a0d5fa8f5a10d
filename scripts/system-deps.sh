#!/usr/bin/env bash
# System packages the product and its tests need, installed from Debian's packages where missing:
# chromium + chromium-driver (board PDF/PNG exports, browser tests), CJK fonts (Chinese in
# exports and screenshots), redis-server (the shared cache of the production profile), poppler-utils
# (pdftotext: the tests read the text of exported PDFs).
# Run by `make run` and `make test`; safe to run again (installs nothing when all are present).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Missing system packages: ${need[*]}. Install them as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
