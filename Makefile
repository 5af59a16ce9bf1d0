# Kedai: the two set-up commands are `make run` and `make test` (see README.md).
# Both install what is missing first. CI (`.ci/run`) calls `make test` on a clean clone.

SHELL := /bin/bash
CARGO ?= cargo
SAMPLE := samples/sample-events.jsonl
# The sample history ends here; `make run` reviews it at that instant.
SAMPLE_AT := 2026-07-20T12:00:00+08:00

.PHONY: run test deps fmt-check clippy unit bench sample

## run: build the `kedai` command line and print the sample history's metrics and inbox.
run: deps
	$(CARGO) build --release -p kedai-cli
	./target/release/kedai metrics --events $(SAMPLE) --at $(SAMPLE_AT)
	@echo
	./target/release/kedai inbox --events $(SAMPLE) --at $(SAMPLE_AT) --filter due_soon

## test: formatting, lints (warnings are errors) and every test suite.
test: deps fmt-check clippy unit

## deps: what the build needs and is missing. The Rust toolchain is the machine's own;
## rustfmt and clippy come with it as rustup components.
deps:
	@command -v $(CARGO) >/dev/null || { echo "make: cargo is missing: install Rust (https://rustup.rs)"; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked

## bench: the README's benchmark table (one run, about a minute in release mode).
bench: deps
	$(CARGO) run --release -p kedai-cli -- bench

## sample: regenerate the sample history (standard-library Python, deterministic).
sample:
	python3 scripts/gen_sample.py
