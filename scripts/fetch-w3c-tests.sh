#!/usr/bin/env bash
# Fetches the W3C test suites (RDF syntaxes and SPARQL) that the conformance harnesses in
# `make test` run: the copy inside PyPI's rdflib source distribution (test/data/suites/w3c/),
# unpacked into DEST (default: .build/w3c-tests). Does nothing when DEST already holds this
# version. The suites are W3C's, under the W3C test suite licence (their LICENSE file).
#   scripts/fetch-w3c-tests.sh [DEST]
set -euo pipefail
cd "$(dirname "$0")/.."
version=7.6.0
dest=${1:-.build/w3c-tests}
[[ -f "$dest/.rdflib-$version" ]] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching the W3C test suites (rdflib $version source distribution, about 5 MB)" >&2
python3 -m pip download -q --no-deps --no-binary :all: "rdflib==$version" -d "$tmp" >&2
tar xzf "$tmp/rdflib-$version.tar.gz" -C "$tmp" "rdflib-$version/test/data/suites/w3c"
rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
mv "$tmp/rdflib-$version/test/data/suites/w3c" "$dest"
touch "$dest/.rdflib-$version"
