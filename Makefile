# Billfold — the two commands a newcomer needs:
#   make run    install what is missing, build, open the demo
#   make test   install test prerequisites, run the whole suite
# and for releases:
#   make package  the Linux, Debian, Windows and server packages in dist/
SHELL := /bin/bash
GO ?= go
export LANG := en_US.UTF-8
# Every build path-independent, as release builds are (fyne package
# --release): the checks, the smoke test's build and the packages then share
# their compiled packages in the build cache instead of compiling each
# dependency once per set of flags.
export GOFLAGS := -trimpath $(GOFLAGS)
# no_emoji: Fyne's bundled colour-emoji font (4 MB, parsed again for every
# text style) is left out; a billing app shows no emoji, and any that come
# in a customer's name still render from the system's fonts.
TAGS := migrated_fynedo,no_emoji
TEST_TAGS := ci,migrated_fynedo
DEMO_DATA ?= $(HOME)/.local/share/billfold/demo-server
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test deps test-deps package-deps vet vet-darwin unit fuzz smoke smoke-check bench build server package package-check clean

# The version from git (scripts/version.sh), stamped into every binary.
VERSION := $(shell scripts/version.sh)
STAMP := -X billfold/internal/appinfo.version=$(VERSION)
# The Fyne CLI that packages the app, installed into bin/ by version.
FYNE_CLI_VERSION := v1.7.4
FYNE := bin/tools/fyne-$(FYNE_CLI_VERSION)

# Build needs: a C compiler and the X11/OpenGL headers Fyne's GLFW driver uses.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxcursor-dev libxinerama-dev libxi-dev libxxf86vm-dev xdg-utils
# Test needs: PostgreSQL, HAProxy in front of server replicas, a virtual X
# server and screenshot tools for the smoke test, a session bus and keyring
# for the keyring tests, PDF tools.
# Packaging needs: git (the version), the MinGW cross-compiler for Windows,
# dpkg-dev (dpkg-shlibdeps), xz, zip and unzip, desktop-file-utils (validates
# the desktop entry).
PACKAGE_PKGS := $(BUILD_PKGS) git gcc-mingw-w64-x86-64-win32 dpkg-dev xz-utils zip unzip desktop-file-utils
TEST_PKGS := $(PACKAGE_PKGS) postgresql haproxy xvfb xdotool x11-utils imagemagick bc curl dbus dbus-x11 gnome-keyring poppler-utils

run: deps build
	./bin/billfold --demo

build:
	$(GO) build -tags $(TAGS) -ldflags "$(STAMP)" -o bin/billfold .

server:
	$(GO) build -ldflags "$(STAMP)" -o bin/billfold-server ./cmd/billfold-server
	./bin/billfold-server --demo --data "$(DEMO_DATA)" --listen 127.0.0.1:8080

define apt_install
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is required: https://go.dev/dl/"; exit 1; }
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
endef

deps:
	$(call apt_install,$(BUILD_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))

package-deps:
	$(call apt_install,$(PACKAGE_PKGS))

# The smoke test here only checks (SMOKE_MEASURE=0); `make smoke` also
# measures start-up and memory beside a bare Fyne window. The fuzz targets'
# seed corpora and testdata/fuzz run with the unit tests; the mutation runs
# are `make fuzz`: built with coverage instrumentation, every package they
# import compiles once more, about eight of a cold run's minutes on two cores
# and most of CI's margin under its 30.
test: test-deps vet unit smoke-check package-check

# Built as a release, as `fyne package --release` builds the packages: the
# package check then finds Fyne compiled (its release mode is a build tag,
# and a tag Fyne's own packages see recompiles all of them).
smoke-check:
	TAGS=release,$(TAGS) SMOKE_MEASURE=0 scripts/smoke.sh

$(FYNE):
	GOBIN=$(CURDIR)/bin/tools $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_CLI_VERSION)
	mv bin/tools/fyne $@

# Release artefacts (scripts/package.sh says what each holds).
package: package-deps $(FYNE)
	rm -rf dist
	FYNE=$(CURDIR)/$(FYNE) TAGS=$(TAGS) GO=$(GO) scripts/package.sh

# What CI builds and checks of the packages: the Linux tarball and .deb and
# the Windows cross-build, in build/package (dist/ stays as it was).
package-check: package-deps $(FYNE)
	FYNE=$(CURDIR)/$(FYNE) TAGS=$(TAGS) GO=$(GO) DIST=build/package scripts/package-check.sh

# The real binary under Xvfb; screenshots in build/smoke/.
smoke:
	TAGS=$(TAGS) scripts/smoke.sh

vet: vet-darwin
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet -tags $(TEST_TAGS) ./...
	$(GO) run $(STATICCHECK) -tags $(TEST_TAGS) ./...

# macOS cannot be built here (Fyne needs cgo and Apple's SDK there), so
# every package that compiles without cgo is vetted for darwin/arm64; a
# package that needs cgo for anything but Fyne fails it.
vet-darwin:
	scripts/vet-darwin.sh

# Unit, contract and server tests: SQLite always, PostgreSQL through
# scripts/with-postgres.sh (CI's server, or a throwaway cluster), the real
# Secret Service through scripts/with-keyring.sh; BILLFOLD_REQUIRE_KEYRING
# makes those keyring tests fail rather than skip when it cannot be started,
# BILLFOLD_REQUIRE_HAPROXY the replica tests when HAProxy is missing.
unit:
	BILLFOLD_REQUIRE_KEYRING=1 BILLFOLD_REQUIRE_HAPROXY=1 scripts/with-postgres.sh scripts/with-keyring.sh $(GO) test -tags $(TEST_TAGS) -race -count=1 ./...

# A short run of every fuzz target, so the parsers stay panic-free. A count,
# not a duration: a time-limited run can end in "context deadline exceeded"
# while the seed corpus is still being replayed.
FUZZ_PKGS := ./billing ./internal/server/httpapi ./apiclient ./internal/textwrap ./internal/anchor
FUZZ_TIME ?= 20000x
fuzz:
	@for p in $(FUZZ_PKGS); do for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$p/*_test.go); do \
	  echo "fuzz $$p $$t ($(FUZZ_TIME))"; \
	  $(GO) test -tags $(TEST_TAGS) -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZ_TIME) $$p || exit 1; done; done

bench:
	$(GO) test -tags $(TEST_TAGS) -run '^$$' -bench . -benchtime 3s ./internal/server/...

clean:
	rm -rf bin dist build/package

# --- Stripe gateway tests (issue 12) ---------------------------------------
# stripe-mock, Stripe's official API mock, built from source by go install
# into bin/tools; the tests start it on a free port. Under make, a missing or
# broken stripe-mock fails those tests instead of skipping them.
STRIPE_MOCK_VERSION := v0.203.0
STRIPE_MOCK := $(CURDIR)/bin/tools/stripe-mock-$(STRIPE_MOCK_VERSION)/stripe-mock
export BILLFOLD_STRIPE_MOCK := $(STRIPE_MOCK)
export BILLFOLD_REQUIRE_STRIPE_MOCK := 1
test-deps: $(STRIPE_MOCK)
$(STRIPE_MOCK):
	GOBIN=$(dir $@) $(GO) install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION)
FUZZ_PKGS += ./internal/server/gateway/stripegw ./internal/bankstatement
