# Two commands do everything on a fresh Debian 12 machine (as root): `make demo` and `make check`.
# Each installs what is missing (scripts/install-deps, idempotent), builds, then runs.

WERROR := $(if $(CI),-DUMBRA_WERROR=ON,)
FUZZ_SECONDS ?= 60

.PHONY: deps build release check test demo bench fuzz format lint clean

deps:
	@scripts/install-deps

build: deps
	cmake --preset dev $(WERROR) >/dev/null
	cmake --build --preset dev

release: deps
	cmake --preset release $(WERROR) >/dev/null
	cmake --build --preset release

# Every test: C++ unit and integration tests (ctest), then the browser tests when web/ has them.
check: build
	ctest --preset dev -j2
	@if [ -f web/package.json ]; then cd web && npm test; fi

test: check

demo: release
	@scripts/demo

bench: release
	@scripts/bench

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz --target umbra_fuzzers
	@scripts/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.h' '*.cpp' | xargs clang-format -i

# clang-format (must be clean) and clang-tidy over the C++ sources, using build/dev's compile database.
lint: build
	@scripts/lint

clean:
	rm -rf build
