#!/usr/bin/env bash
# Installs the Debian packages Quiver needs to build, test and run, when they are missing.
# As root it runs apt-get; otherwise it names what to install and fails.
#   scripts/install-deps.sh            build + run: PostgreSQL server, libpq-dev, zlib, pkg-config
#   scripts/install-deps.sh --test     also what the tests use
set -euo pipefail
packages=(postgresql libpq-dev zlib1g-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then packages+=(gzip); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
  echo "quiver needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
