# vuoro: build, run, test. `make run` and `make test` do all set-up on a fresh Debian machine (as root).
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
APT_PACKAGES = libsqlite3-dev libsystemd-dev pkg-config

.PHONY: deps build release run test clean format

# Installs the system libraries the package links, when missing (apt, as root).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing; install them (sudo apt-get install$$missing) or run as root"; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The daemon on its built-in demo centre, state in ./vuoro-state, listening on 127.0.0.1:7410.
run: release
	.build/release/vuorod

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
