# iKernel: the two quick-start commands are `make demo` and `make test`.
# Each installs the Debian packages it needs (as root) and builds what it needs.

BUILD      ?= build
BUILD_ASAN ?= build-asan
DEB_PKGS   := gcc make meson ninja-build pkg-config libcmocka-dev libinih-dev libseccomp-dev \
              libfuse3-dev python3 xz-utils

.PHONY: all deps build build-asan linux-drivers test demo bench clean format

all: build

deps:
	@tools/install-deps.sh $(DEB_PKGS)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Dsanitize=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

# The Linux 6.1 drivers of drivers/linux/drivers.list, built untouched from Debian's
# linux-source-6.1 (fetched with apt into each build directory by tools/linux-drivers.sh).
linux-drivers: build build-asan
	ninja -C $(BUILD) linux-drivers
	ninja -C $(BUILD_ASAN) linux-drivers

test: build build-asan linux-drivers
	@tools/run-tests.sh $(BUILD) $(BUILD_ASAN)

demo: build
	@tools/demo.sh $(BUILD)

bench: build
	$(BUILD)/src/cli/ikernel bench null

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
