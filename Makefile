# vuoro: build, run, test. `make run` and `make test` do all set-up on a fresh Debian machine (as root).
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
APT_PACKAGES = libsqlite3-dev libsystemd-dev pkg-config
# Tools some tests use (systemd-analyze, systemd-socket-activate); installed when possible, skipped when not.
TEST_PACKAGES = systemd tmux zbar-tools chromium chromium-driver espeak-ng sox
# Python packages of the browser tests (headless Chromium through chromium-driver, and axe-core's checks).
TEST_PIP = selenium axe-selenium-python pytest pyyaml jsonschema openapi-spec-validator

EXECUTABLES = vuorod vuoro-ticket vuoro-display vuoro-counter vuoroctl

.PHONY: deps test-deps build release run test browser-test install install-check man clean format fuzz soak bench

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
	.build/release/vuorod --web 127.0.0.1:7480

test-deps:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing for tests:$$missing"; apt-get update -qq >/dev/null 2>&1; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || echo "could not install$$missing: the tests that need them will say they are skipped"; \
	elif [ -n "$$missing" ]; then echo "not installed:$$missing: the tests that need them will say they are skipped"; fi
	@python3 -c "import selenium, axe_selenium_python, pytest, yaml, jsonschema, openapi_spec_validator" 2>/dev/null || \
	  python3 -m pip install -q $(TEST_PIP) >/dev/null 2>&1 || \
	  python3 -m pip install -q --break-system-packages $(TEST_PIP) >/dev/null 2>&1 || echo "could not install $(TEST_PIP): the browser tests are skipped"

# The suite takes under a minute; a hang fails it after TEST_TIMEOUT seconds instead of stalling CI.
TEST_TIMEOUT ?= 1200
test: deps test-deps
	$(SWIFT) build --build-tests
	timeout --kill-after=30 $(TEST_TIMEOUT) $(SWIFT) test --skip-build --parallel --num-workers 2 \
	  || { rc=$$?; [ $$rc = 124 ] && echo "make test: the suite did not finish within $(TEST_TIMEOUT) s"; exit $$rc; }
	$(MAKE) browser-test
	$(MAKE) install-check

# The web pages as a person sees them: headless Chromium against the built vuorod (Tests/browser); and the
# booking API against api/openapi.yaml, which needs no browser.
browser-test:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && python3 -c "import selenium, pytest" 2>/dev/null; then \
	  cd Tests/browser && timeout --kill-after=30 600 python3 -m pytest -q -p no:cacheprovider; \
	else echo "browser-test: chromium, chromium-driver or selenium missing: the browser tests are skipped"; \
	  cd Tests/browser && timeout --kill-after=30 300 python3 -m pytest -q -p no:cacheprovider test_api.py; fi

# Installs into a temporary DESTDIR and checks that every file is there and the man pages render.
install-check:
	rm -rf .build/install-check
	$(MAKE) install DESTDIR=$(CURDIR)/.build/install-check PREFIX=/usr >/dev/null
	for f in $(EXECUTABLES); do test -x .build/install-check/usr/bin/$$f || { echo "missing bin/$$f"; exit 1; }; \
	  test -s .build/install-check/usr/share/man/man1/$$f.1 || { echo "missing man1/$$f.1"; exit 1; }; done
	test -s .build/install-check/lib/systemd/system/vuorod.service && test -s .build/install-check/lib/systemd/system/vuorod.socket
	grep -q '^ExecStart=/usr/bin/vuorod ' .build/install-check/lib/systemd/system/vuorod.service
	grep -q '^ExecStart=/usr/bin/vuorod --config /etc/vuoro/%i.toml' .build/install-check/lib/systemd/system/vuorod@.service
	test -s .build/install-check/etc/vuoro/vuoro.example.toml
	grep -q '^ExecStart=/usr/bin/vuoro-ticket --kiosk ' .build/install-check/lib/systemd/system/vuoro-kiosk.service
	grep -q '^ExecStart=/usr/bin/vuoro-display ' .build/install-check/lib/systemd/system/vuoro-display.service
	test -s .build/install-check/etc/vuoro/kiosk.env.example && test -s .build/install-check/etc/vuoro/display.env.example
	.build/install-check/usr/bin/vuorod --check-config --config .build/install-check/etc/vuoro/vuoro.example.toml
	@echo "install-check: all files installed"

# A busy day at 10x speed against the built daemon for SOAK_SECONDS (default 600): memory flat, no descriptor
# leak, every ticket final at the end.
SOAK_SECONDS ?= 600
soak: deps
	$(SWIFT) build --build-tests
	VUORO_SOAK_SECONDS=$(SOAK_SECONDS) $(SWIFT) test --skip-build --filter SoakTests

# The four workloads of vuoro-bench against the release build, with redis-server and beanstalkd beside it.
BENCH_ARGS ?=
bench: release
	@if [ "$$(id -u)" = 0 ]; then for p in redis-server beanstalkd; do command -v $$p >/dev/null || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p >/dev/null || echo "$$p not installed: skipped"; done; fi
	@systemctl stop redis-server 2>/dev/null || true
	.build/release/vuoro-bench $(BENCH_ARGS)

# One man page per executable, generated from the argument definitions.
man:
	$(SWIFT) package --allow-writing-to-package-directory generate-manual >/dev/null

# Executables, man pages, systemd units, the example configuration and the documents.
install: release man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/lib/systemd/system $(DESTDIR)/etc/vuoro \
	  $(DESTDIR)$(PREFIX)/share/doc/vuoro $(DESTDIR)$(PREFIX)/share/man/man1
	for f in $(EXECUTABLES); do install -m 755 .build/release/$$f $(DESTDIR)$(PREFIX)/bin/; \
	  install -m 644 .build/plugins/GenerateManual/outputs/$$f/$$f.1 $(DESTDIR)$(PREFIX)/share/man/man1/; done
	sed 's#/usr/local/bin/vuorod#$(PREFIX)/bin/vuorod#; s#/usr/local/share/doc#$(PREFIX)/share/doc#g' \
	  systemd/vuorod.service > $(DESTDIR)/lib/systemd/system/vuorod.service
	sed 's#/usr/local/bin/vuorod#$(PREFIX)/bin/vuorod#; s#/usr/local/share/doc#$(PREFIX)/share/doc#g' \
	  systemd/vuorod@.service > $(DESTDIR)/lib/systemd/system/vuorod@.service
	sed 's#/usr/local/share/doc#$(PREFIX)/share/doc#g' systemd/vuorod.socket > $(DESTDIR)/lib/systemd/system/vuorod.socket
	for u in vuoro-kiosk vuoro-display; do sed 's#/usr/local/bin/#$(PREFIX)/bin/#; s#/usr/local/share/doc#$(PREFIX)/share/doc#g' \
	  systemd/$$u.service > $(DESTDIR)/lib/systemd/system/$$u.service; done
	install -m 644 config/vuoro.example.toml $(DESTDIR)/etc/vuoro/vuoro.example.toml
	install -m 600 config/kiosk.env.example config/display.env.example $(DESTDIR)/etc/vuoro/
	install -m 644 README.md protocol.md $(DESTDIR)$(PREFIX)/share/doc/vuoro/
	install -d $(DESTDIR)$(PREFIX)/share/doc/vuoro/docs
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/vuoro/docs/

# Fuzzes the protocol parser and the web listeners' HTTP request parser with libFuzzer, FUZZ_SECONDS each, seeded
# with the requests of protocol.md and Fuzz/corpus, and Fuzz/http-corpus.
FUZZ_SECONDS ?= 60
fuzz: deps
	mkdir -p .build/fuzz/corpus .build/fuzz/http-corpus
	swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name VuoroProtocol \
	  Sources/VuoroProtocol/*.swift Fuzz/RequestFuzzer.swift -o .build/fuzz/request-fuzzer
	swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name VuoroHTTP \
	  Sources/VuoroHTTP/*.swift Fuzz/HTTPFuzzer.swift -o .build/fuzz/http-fuzzer
	grep -E '^[a-z]+> ' protocol.md | sed 's/^[a-z]*> //' | awk '{ f = sprintf(".build/fuzz/corpus/seed-%03d", NR); print > f; close(f) }'
	.build/fuzz/request-fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 .build/fuzz/corpus Fuzz/corpus
	.build/fuzz/http-fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=8192 .build/fuzz/http-corpus Fuzz/http-corpus

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
