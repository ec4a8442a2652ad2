# The README's commands. Each installs what it needs, idempotently, on a fresh Debian machine.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := libsqlite3-dev libzstd-dev libyaml-dev libcurl4-openssl-dev
PYTHON_PACKAGES := pugmark==0.16.7 pytest moto[server]==5.2.1 fakellm==0.3.5 croniter==7.0.0 stripe==16.1.0 slack_sdk==3.48.0 wcmatch==12.0.3 httpx==0.28.1

.PHONY: run test bench build lint format system-deps python-deps clean

# The Swift sources under version control (never the packages' checkouts in a .build folder).
SWIFT_SOURCES = $(shell git ls-files '*.swift')

## make run: the main job — a session driven by an example handler, killed, resumed; offline, file store.
run: system-deps build
	bash Examples/demo/run-demo.sh

## make test: the whole suite — format lint, Swift tests (stores, runtime, process handler, SIGKILL
## crash tests, conformance kits), the end-to-end tests with the real pugmark Python SDK, and the
## third-party adapter package of Examples/third-party-adapter.
test: system-deps python-deps lint build
	$(SWIFT) build --build-tests
	$(SWIFT) test
	CAIRN_BIN=$(CURDIR)/.build/debug/cairn ECHO_HANDLER_BIN=$(CURDIR)/.build/debug/echo-handler \
		$(PYTHON) -m pytest -q Tests/e2e
	bash Examples/third-party-adapter/check.sh

## make lint: swift format's checks with the repository's .swift-format (what `make test` runs first).
lint:
	@echo "swift format lint --strict ($(words $(SWIFT_SOURCES)) files)"
	@$(SWIFT) format lint --strict --parallel $(SWIFT_SOURCES)

## make format: rewrite the sources as swift format would.
format:
	@$(SWIFT) format --in-place --parallel $(SWIFT_SOURCES)

## make bench: release-mode benchmarks (stores, replay, process handler overhead).
bench: system-deps python-deps
	@$(PYTHON) -c 'import flatmachines' 2>/dev/null || $(PYTHON) -m pip install -q flatmachines==4.2.1
	$(SWIFT) build -c release --product cairn-bench
	$(SWIFT) build -c release --product cairn-crash-writer
	.build/release/cairn-bench

build:
	$(SWIFT) build

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# moto[server] is the S3-compatible server the S3 store's tests and benchmarks start on 127.0.0.1;
# fakellm the OpenAI- and Anthropic-compatible model server the provider tests start there.
# croniter, stripe, slack_sdk and wcmatch are the peers the trigger tests compare cron schedules,
# webhook signatures and file-watch globs with; promptise's filter module is the reference of filter expressions (installed
# without its dependencies: the tests load only that module).
python-deps:
	@$(PYTHON) -c 'import importlib.metadata as m, sys; sys.exit(0 if m.version("pugmark") == "0.16.7" else 1)' 2>/dev/null \
		&& $(PYTHON) -c 'import pytest, moto.server, flask, flask_cors, fakellm, croniter, stripe, slack_sdk, wcmatch, httpx' 2>/dev/null \
		|| $(PYTHON) -m pip install -q $(patsubst %,'%',$(PYTHON_PACKAGES))
	@$(PYTHON) -c 'import importlib.metadata as m, sys; sys.exit(0 if m.version("promptise") == "1.10.1" else 1)' 2>/dev/null \
		|| $(PYTHON) -m pip install -q --no-deps promptise==1.10.1

clean:
	rm -rf .build .cairn
