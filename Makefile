# Kedai: the two set-up commands are `make run` and `make test` (see README.md / DESKTOP.md).
# Both install what is missing first. CI (`.ci/run`) calls `make test` on a clean clone
# (CI=true, no display: the tests that need one start their own Xvfb).

SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm
SAMPLE := samples/sample-events.jsonl
# The sample history ends here; `make review` reviews it at that instant.
SAMPLE_AT := 2026-07-20T12:00:00+08:00
# Root installs directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# What the desktop app builds against and its tests run with (Debian 12 names).
APT_PACKAGES := build-essential libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev \
	libxdo-dev libssl-dev xvfb xauth dbus-x11 webkit2gtk-driver dunst chromium xdotool fonts-noto-color-emoji imagemagick \
	python3-gi
TAURI_DRIVER := $(HOME)/.cargo/bin/tauri-driver
APP := target/debug/kedai-desktop

.PHONY: run test deps rust-deps apt-deps ui-deps tauri-driver ui fmt-check clippy unit \
	ui-test browser-test desktop-test app bench bench-desktop review sample

## run: build the desktop app and open it in demo mode (simulated shops, live buyers).
run: deps ui
	$(CARGO) build -p kedai-desktop
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "make run: no display here; running under xvfb-run (a screenshot goes to artifacts/run.png after 15 s)"; \
	  mkdir -p artifacts; \
	  NO_AT_BRIDGE=1 xvfb-run -a -s "-screen 0 1440x900x24" sh -c \
	    '(sleep 15; command -v import >/dev/null && import -window root artifacts/run.png) & exec dbus-run-session -- $(APP) --demo'; \
	else \
	  $(APP) --demo; \
	fi

## test: formatting, lints (warnings are errors) and every test suite: cargo tests, vitest,
## the UI in headless Chromium, and the real app end to end under Xvfb.
test: deps fmt-check clippy unit ui-test browser-test desktop-test

## deps: what the build needs and is missing; installs nothing that is already there.
deps: rust-deps apt-deps ui-deps tauri-driver

rust-deps:
	@command -v $(CARGO) >/dev/null || { echo "make: cargo is missing: install Rust (https://rustup.rs)"; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

ui-deps:
	@command -v node >/dev/null || { echo "make: node is missing (Node 20 + npm 11)"; exit 1; }
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  cd ui && { $(NPM) ci --no-audit --no-fund || { echo "make: npm ci refused the lock file (npm 11 and optional platform packages); installing from package.json"; $(NPM) install --no-audit --no-fund; }; }; \
	fi

tauri-driver:
	@command -v tauri-driver >/dev/null || [ -x $(TAURI_DRIVER) ] || $(CARGO) install tauri-driver --locked

## ui: the web front end, embedded into the app at build time (ui/dist).
ui: ui-deps
	cd ui && $(NPM) run build --silent

fmt-check:
	$(CARGO) fmt --all -- --check

# kedai-desktop embeds ui/dist, so the lints need the built UI.
clippy: ui
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit: ui
	$(CARGO) test --workspace --locked

ui-test: ui-deps
	cd ui && $(NPM) test --silent

browser-test: ui
	cd ui && CHROMIUM=/usr/bin/chromium node --test e2e/browser/

app: ui
	$(CARGO) build -p kedai-desktop -p kedai-cli --locked

desktop-test: app tauri-driver
	cd ui && PATH="$(HOME)/.cargo/bin:$$PATH" node --test --test-concurrency=1 e2e/desktop/

## bench: the README's engine benchmark table (one run, about a minute in release mode).
bench: rust-deps
	$(CARGO) run --release -p kedai-cli -- bench

## bench-desktop: the desktop figures (release build, 50,000-conversation demo DB).
bench-desktop: deps ui
	src-tauri/bench/bench-desktop.sh

## review: the sample history's metrics and inbox from the command line.
review: rust-deps
	$(CARGO) build --release -p kedai-cli
	./target/release/kedai metrics --events $(SAMPLE) --at $(SAMPLE_AT)
	@echo
	./target/release/kedai inbox --events $(SAMPLE) --at $(SAMPLE_AT) --filter due_soon

## sample: regenerate the sample history (standard-library Python, deterministic).
sample:
	python3 scripts/gen_sample.py
