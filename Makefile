# iKernel: the two quick-start commands are `make demo` and `make test`.
# Each installs the Debian packages it needs (as root) and builds what it needs.

BUILD      ?= build
BUILD_ASAN ?= build-asan
DEB_PKGS   := gcc make meson ninja-build pkg-config libcmocka-dev libinih-dev libseccomp-dev \
              libfuse3-dev libjansson-dev python3 xz-utils gnuplot-nox clang libclang-rt-14-dev \
              pandoc iputils-ping iproute2
# make install: where (meson's prefix of $(BUILD)) and under which staging root.
PREFIX     ?= /usr/local
DESTDIR    ?=

.PHONY: all deps build build-asan linux-drivers install test demo net-demo bench campaign soak clean format \
	fuzz fuzz-smoke

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
# linux-source-6.1 (fetched with apt by tools/linux-drivers.sh, once for both build
# directories). The default build (`make`, `make demo`, `ninja -C build`) never fetches: this
# target also turns on -Dlinux_drivers in both build directories, which adds the Linux images
# and their tests (suites linux, campaign, soak) to them.
linux-drivers: build build-asan
	@echo "ikernel: the Linux drivers need linux-source-6.1 (Debian, about 140 MB): fetched with apt" \
		"unless a copy is on this machine already"
	@for b in $(BUILD) $(BUILD_ASAN); do \
		meson configure $$b | grep -Eq '^ *linux_drivers +true' || meson configure $$b -Dlinux_drivers=true || exit 1; \
	done
	ninja -C $(BUILD) linux-drivers linux-inproc
	ninja -C $(BUILD_ASAN) linux-drivers linux-inproc

# Install (README, Install): ikernel, libikernel (shared, static, header, ikernel.pc), the driver
# images in $(PREFIX)/lib/<arch>/ikernel (the Linux ones too if built), the manifests in
# $(PREFIX)/etc/ikernel (/etc/ikernel for PREFIX=/usr), the man pages and ikernel.service.
# DESTDIR stages the files under another root (for packaging). Never fetches anything.
install: build
	@meson configure $(BUILD) | grep -Eq '^ *prefix +$(PREFIX) ' || meson configure $(BUILD) -Dprefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(abspath $(DESTDIR)))

# Every suite in both builds, then the fuzz smoke (tools/run-tests.sh); the last line counts all.
test: build build-asan linux-drivers
	@tools/run-tests.sh $(BUILD) $(BUILD_ASAN)

# libFuzzer targets of every host-side parser of untrusted input (fuzz/run.sh, seeds in
# fuzz/corpus/<target>): `make fuzz` runs each for FUZZ_SECONDS, `make fuzz-smoke` for 10 s.
FUZZ_SECONDS ?= 300
fuzz: deps
	FUZZ_OUT=$(BUILD)/fuzz fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: deps
	FUZZ_OUT=$(BUILD)/fuzz fuzz/run.sh 10

demo: build
	@tools/demo.sh $(BUILD)

# The NE2000 network demo (tools/net-demo.py, issue 12): the unmodified Linux ne.c in a driver VM
# (ISOLATION=process: a jailed process) gives a network namespace of the demo's own a real
# interface: ping -c 100, 16 MiB over TCP each way with SHA-256, a driver crash mid-transfer and
# its outage; everything it creates is removed. Builds the NE2000 image (fetches linux-source-6.1
# once, as make linux-drivers does). Needs root. NIC=e1000: the same through Linux's e1000 on the
# PCI 82540EM model.
ISOLATION ?= vm
NIC ?= ne2000
net-demo: build
	@meson configure $(BUILD) | grep -Eq '^ *linux_drivers +true' || meson configure $(BUILD) -Dlinux_drivers=true
	ninja -C $(BUILD) drivers/linux/$(NIC).img drivers/linux/$(NIC).proc
	@python3 tools/net-demo.py $(BUILD) $(ISOLATION) $(NIC)

# The fault-injection campaign (tools/campaign.py): 10,000 faults over our led and nulldev and
# the unmodified Linux nvram and wdt drivers with checking clients, and 140 (4 of each class)
# over the Linux NE2000 under TCP between two network namespaces of its own (root; ~7 s a
# fault, in parallel with the others); writes docs/RELIABILITY.md and its plot.
campaign: build
	ninja -C $(BUILD) linux-drivers
	python3 tools/campaign.py $(BUILD) --faults 10000 --drivers led,nulldev,nvram,wdt,ne2000 \
		--nic-faults 140 --report docs/RELIABILITY.md \
		--plot docs/reliability.png --json $(BUILD)/campaign.json

# The soak test (tools/soak.py): SOAK_SECONDS (default 600) of many concurrent checking clients
# (C through libikernel and through the device files, Python through the device files) on every
# shipped driver, the Linux nvram and wdt included, with faults injected and drivers restarted on
# a schedule; writes the soak section of docs/RELIABILITY.md and docs/soak.png. `make test` runs
# it for 60 s.
SOAK_SECONDS ?= 600
soak: build
	ninja -C $(BUILD) linux-drivers
	python3 tools/soak.py $(BUILD) --seconds $(SOAK_SECONDS) --report docs/RELIABILITY.md \
		--plot docs/soak.png --json $(BUILD)/soak.json

# docs/PERFORMANCE.md and docs/perf/*.png from one `ikernel bench all` run (several minutes).
bench: build
	tools/bench-report.py $(BUILD)/src/cli/ikernel --out docs/PERFORMANCE.md

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
