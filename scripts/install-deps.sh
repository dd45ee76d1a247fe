#!/usr/bin/env bash
# Installs the Debian packages Quiver needs to build, test and run, when they are missing.
# As root it runs apt-get; otherwise it names what to install and fails.
#   scripts/install-deps.sh            build + run: PostgreSQL server, libpq-dev, zlib, pkg-config
#   scripts/install-deps.sh --test     also what the tests use: gzip, redis-cli/redis-benchmark and
#                                      redis-server (redis-tools, redis-server), python3 with pytest and
#                                      redis-py (PyPI `redis`, for its RESP3 support), curl, roqet, chromium, SPARQLWrapper and rdflib (the
#                                      SPARQL tests' reference) for Tests/e2e
set -euo pipefail
packages=(postgresql libpq-dev zlib1g-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then packages+=(gzip curl rasqal-utils chromium redis-tools redis-server python3 python3-pip); fi

# redis-py 5 or later (Debian's python3-redis is older and lacks RESP3) and pytest, from PyPI.
install_python_test_packages() {
  [[ "${1:-}" == "--test" ]] || return 0
  command -v python3 >/dev/null || return 0
  local want=()
  python3 -c 'import redis, sys; sys.exit(0 if int(redis.__version__.split(".")[0]) >= 5 else 1)' 2>/dev/null || want+=("redis>=5")
  python3 -c 'import pytest' 2>/dev/null || want+=(pytest)
  python3 -c 'import rdflib' 2>/dev/null || want+=(rdflib)   # the SPARQL e2e tests' reference answers
  python3 -c 'import SPARQLWrapper' 2>/dev/null || want+=(sparqlwrapper)   # a SPARQL protocol client for the HTTP tests
  [[ ${#want[@]} -eq 0 ]] && return 0
  echo "installing Python packages: ${want[*]}" >&2
  python3 -m pip install -q "${want[@]}" 2>/dev/null || python3 -m pip install -q --break-system-packages "${want[@]}"
}
trap 'install_python_test_packages "${1:-}"' EXIT
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
