# ketenpoort — the two commands: `make run` and `make test`.
SWIFT      ?= swift
DEBS       := libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev postgresql-15 openssl python3 python3-venv systemd chromium chromium-driver libnss3-tools
BIN        := .build/debug/ketenpoort
RELEASE    := .build/release/ketenpoort
SAMPLE     := adapters/coa/samples/tvs-export-20261122.csv

.PHONY: run test bench deps pyenvs build build-release clean

## Install the Debian packages the gateway links against, when missing (as root).
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (run make as root, or: sudo apt-get install -y$$missing)"; exit 1; fi; \
	fi

## The Python tools the suite runs (PyPI, pinned in tools/requirements-*.txt), each in a virtual
## environment outside the clone, made when missing (tools/pyenv).
pyenvs: deps
	@for r in tools/requirements-*.txt; do [ -f "$$r" ] || continue; n=$${r#tools/requirements-}; tools/pyenv $${n%.txt} >/dev/null; done

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build -c release

## The main job on the embedded default: dev PKI, local municipality endpoints (mutual TLS), two
## nights of the COA → municipalities sync, sealed and delivered; prints the run reports.
run: build
	$(BIN) demo --fresh

## The whole suite (parallel), after the format check (`swift format`, .swift-format; fix with
## `swift format format -i -r Sources Tests Package.swift`).
## Batch work at nice 10 in every process the tests start (`ketenpoort run` would take SCHED_IDLE):
## the parallel tests keep both cores busy with work of normal policy, and idle-class nights under a
## steady IND load would not progress; the tests of the idle policy set it for their own work.
test: deps pyenvs
	$(SWIFT) format lint --strict -r Sources Tests Package.swift
	$(SWIFT) build --build-tests
	KETENPOORT_BATCH_POLICY=nice $(SWIFT) test --skip-build --parallel

## Release-build benchmarks: the translate and validate commands on COA snapshots (10,900 and
## 1,000,000 rows), each run a fresh process, CPU time beside sha256sum of the same file; and
## the nightly sync end to end over mutual TLS to 342 municipalities (10,900 and 1,000,000 persons),
## the DUO ingest of a national status extract (250,000 records), the CBS delivery of 250,000 persons,
## and the IND status query API under load from a second process (250,000 persons in the store):
## alone, then at 1,000 questions/s while COA delivers a snapshot of 1,000,000 persons to the HTTPS
## inbox (its night delivered to 342 municipalities), and while DUO delivers a 250,000-record extract.
## The nights and the API alone run on SQLite and on PostgreSQL (a server of the benchmark's own,
## commits flushed); the API also on two gateway nodes sharing one PostgreSQL and the load, and
## its baseline: the same HTTPS stack answering a fixed answer (what the machine allows at all).
## `sync` between them: each starts with the previous one's files on disk, not still being written back.
bench: build-release
	$(RELEASE) bench
	sync
	$(RELEASE) bench-sync --persons 10900
	sync
	$(RELEASE) bench-sync --persons 10900 --store postgres
	sync
	$(RELEASE) bench-sync --persons 1000000
	sync
	$(RELEASE) bench-sync --persons 1000000 --second-night
	sync
	$(RELEASE) bench-sync --persons 1000000 --store postgres
	sync
	$(RELEASE) bench-duo --records 250000
	sync
	$(RELEASE) bench-cbs --persons 25000
	sync
	$(RELEASE) bench-cbs --persons 250000
	sync
	$(RELEASE) bench-api --persons 250000 --rate 5000 --seconds 10 --baseline
	sync
	$(RELEASE) bench-api --persons 250000 --rate 5000 --seconds 10 --store postgres
	sync
	$(RELEASE) bench-api --persons 250000 --rate 5000 --seconds 10 --store postgres --nodes 2
	sync
	$(RELEASE) bench-api --persons 250000 --rate 1000 --during-sync 1000000 --dir var/bench-api-during-sync
	sync
	$(RELEASE) bench-api --persons 250000 --rate 1000 --during-duo 250000 --dir var/bench-api-during-duo

clean:
	rm -rf .build var
