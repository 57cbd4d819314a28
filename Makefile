# SPDX-License-Identifier: GPL-2.0
#
# knts: Network Time Security (RFC 8915) served from the Linux kernel.
#
#   make                build knts.ko (kmod/ + core/) and the programs in userspace/
#   make run            a working NTS server, proven by a chrony client
#   make check          every test: unit, KUnit (UML), real-kernel VM, DKMS
#   make bench          knts vs chronyd benchmark (Documentation/performance)
#   make fuzz           the libFuzzer targets, 300 s each (tests/fuzz/run.sh)
#   make style          checkpatch --strict and kernel-doc over kmod/ and core/
#   make sparse         the module under sparse (C=2) with W=1
#   make install        module (updates/), programs, units (DESTDIR, PREFIX)
#   make deb            knts-dkms and knts Debian packages in build/deb
#   make dkms-install   register, build and install the module with DKMS

VERSION := $(shell sed -n 's/^\#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)

# The kernel to build against: the running one when its build tree exists,
# else the newest Debian amd64 headers installed.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
	sed 's|.*/linux-headers-||' | sort -V | tail -n 1; fi)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	/usr/src/linux-headers-$(KVER))

PREFIX ?= /usr
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= /lib/systemd/system

all: module userspace

# What knts.ko needs of the kernel (dkms.conf's BUILD_EXCLUSIVE_CONFIG too).
KNTS_CONFIGS := CONFIG_NET CONFIG_INET CONFIG_NET_UDP_TUNNEL CONFIG_CRYPTO_AES \
	CONFIG_CRYPTO_CMAC CONFIG_CRYPTO_CTR

check-config:
	@test -d "$(KDIR)" || { echo "no kernel build tree at '$(KDIR)': install linux-headers (scripts/deps.sh) or set KDIR" >&2; exit 1; }
	@for c in $(KNTS_CONFIGS); do \
		grep -Eq "^$$c=(y|m)$$" $(KDIR)/.config || \
		{ echo "$(KDIR): $$c is not set; knts.ko needs it" >&2; exit 1; }; \
	done

module: check-config
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

userspace:
	$(MAKE) -C userspace

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

style:
	scripts/checkpatch.sh

check:
	tests/run.sh

bench:
	scripts/bench.sh

run:
	scripts/run.sh

deb:
	scripts/mkdeb.sh

fuzz:
	tests/fuzz/run.sh 300

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	install -D -m 0755 userspace/kntsctl/kntsctl $(DESTDIR)$(SBINDIR)/kntsctl
	install -D -m 0755 userspace/kntsd/kntsd $(DESTDIR)$(SBINDIR)/kntsd
	install -D -m 0644 userspace/kntsd/kntsd.service \
		$(DESTDIR)$(UNITDIR)/kntsd.service
	test -e $(DESTDIR)/etc/knts/kntsd.conf || \
		install -D -m 0644 userspace/kntsd/kntsd.conf $(DESTDIR)/etc/knts/kntsd.conf
	install -D -m 0644 uapi/linux/knts.h $(DESTDIR)$(PREFIX)/include/linux/knts.h
	install -D -m 0644 scripts/knts.modules-load.conf \
		$(DESTDIR)/usr/lib/modules-load.d/knts.conf.example
	install -D -m 0644 Documentation/man/kntsd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/kntsd.8
	install -D -m 0644 Documentation/man/kntsctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/kntsctl.8
	install -D -m 0644 Documentation/man/kntsd.conf.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/kntsd.conf.5
	$(if $(DESTDIR),,depmod -a $(KVER))

DKMS_SRC = /usr/src/knts-$(VERSION)
DKMS_FILES = Kbuild Makefile dkms.conf kmod core uapi

dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	mkdir -p $(DESTDIR)$(DKMS_SRC)
	cp -r $(DKMS_FILES) $(DESTDIR)$(DKMS_SRC)/
	find $(DESTDIR)$(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name modules.order \
		-o -name Module.symvers \) -delete

dkms-install: dkms-src
	dkms add knts/$(VERSION)
	dkms build knts/$(VERSION) -k $(KVER)
	dkms install knts/$(VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove knts/$(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all check-config module userspace sparse style check fuzz install dkms-src \
	dkms-install dkms-uninstall clean

print-kver:
	@echo $(KVER)
.PHONY: print-kver
