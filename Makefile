# Quiver: the two commands for a fresh machine are `make demo` and `make test`.
SWIFT      ?= swift
DATA_DIR   ?= ./quiver-data
QUIVER      = .build/release/quiver
Q           = QUIVER_DATA_DIR=$(DATA_DIR) $(QUIVER)

.PHONY: demo test build release deps test-deps bench bench-daemon clean migrations

## Set up everything, start the embedded store, load the demo graph, and show each capability:
## multi-hop queries (also in SPARQL), a model trained and scored with explanations, an augmented dataset.
demo: deps release
	$(Q) db start
	$(Q) load demo ontology/demo-graph.tsv --split train
	$(Q) ontology load demo ontology/demo.ttl
	$(Q) stats demo --top 5
	@echo "== Which country was grace born in? (born_in, then located_in one or more times)"
	$(Q) paths demo grace france --via 'born_in/located_in+'
	@echo "== Composition: erin -born_in-> ? -located_in-> ? -located_in-> ?"
	$(Q) hop demo erin born_in located_in located_in
	@echo "== The same question in SPARQL: who was born in which country (plain names are urn:quiver:name: IRIs)"
	$(Q) sparql demo 'PREFIX q: <urn:quiver:name:> SELECT ?who ?country WHERE { ?who q:born_in/q:located_in+ ?country . FILTER(?country IN (q:france, q:italy)) } ORDER BY ?who'
	@echo "== The 3 shortest connections between erin and grace, either direction"
	$(Q) paths demo erin grace --mode k-shortest -k 3 --dir both
	@echo "== A small model (ComplEx), trained on the demo graph, ranks where erin was born, with the paths behind each answer"
	$(Q) train demo --model complex --name demo-complex
	$(Q) score demo erin born_in --model demo-complex --top-k 3 --explain 1
	@echo "== A grokking dataset (Wang et al.'s format) from the demo graph's 2-hop compositions"
	$(Q) augment demo --out $(DATA_DIR)/demo-dataset --phi 0.5
	@echo
	@echo "The store keeps running in $(DATA_DIR); stop it with: $(QUIVER) db stop --data-dir $(DATA_DIR)"

## Build once and run every test (unit and integration, against a real PostgreSQL the tests start),
## then the end-to-end tests of `quiver serve` with real clients (redis-cli, redis-py).
test: test-deps
	scripts/check-module-deps.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	QUIVER_BIN=$$($(SWIFT) build --show-bin-path)/quiver python3 -m pytest -q Tests/e2e

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test
	@scripts/fetch-w3c-tests.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product quiver

## Benchmarks (see Benchmarks/README.md).
bench: deps release
	Benchmarks/run.sh

## The daemon against redis-server with redis-benchmark (PING), then Quiver's own commands.
bench-daemon: test-deps release
	Benchmarks/daemon.sh

## Re-embed migrations/*.sql into the binary after changing them.
migrations:
	scripts/embed-migrations.sh

clean:
	rm -rf .build
