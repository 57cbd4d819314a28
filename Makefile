# SPDX-License-Identifier: GPL-2.0
#
# knts: Network Time Security (RFC 8915) served from the Linux kernel.
#
#   make                build knts.ko (kmod/ + core/) into build/kmod/<kver>/ and
#                       the programs in userspace/ (KVER=... picks the kernel)
#   make run            a working NTS server, proven by a chrony client
#   make check          every test: unit, KUnit (UML), real-kernel VM, DKMS
#   make bench          knts vs chronyd benchmark (Documentation/performance;
#                       BENCH_ARGS="-m insns -n 1 -w 3" for a short one)
#   make fuzz           the libFuzzer targets, 300 s each (tests/fuzz/run.sh)
#   make style          checkpatch --strict and kernel-doc over kmod/ and core/
#   make sparse         the module under sparse (C=2) with W=1, for each kernel
#   make install        module (updates/), programs, units (DESTDIR, PREFIX)
#   make deb            knts-dkms and knts Debian packages in build/deb
#   make rpm            knts-dkms and knts RPM packages in build/rpm
#   make dkms-install   register, build and install the module with DKMS

VERSION := $(shell sed -n 's/^\#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)

# The kernels to build for: KVER when given; else the running kernel when its
# build tree is installed; else every Debian amd64 headers tree installed
# (6.1 and 6.12 on Debian 12 after scripts/deps.sh).  Each one's knts.ko
# lands in build/kmod/<kver>/ (scripts/kbuild.sh says which it built).
RUNNING := $(shell uname -r)
KVERS := $(or $(KVER),$(if $(wildcard /lib/modules/$(RUNNING)/build),$(RUNNING)),\
	$(patsubst /usr/src/linux-headers-%,%,$(wildcard /usr/src/linux-headers-*-amd64)))
kdir = $(or $(KDIR),$(firstword $(wildcard /lib/modules/$(1)/build) \
	/usr/src/linux-headers-$(1)))

PREFIX ?= /usr
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= /lib/systemd/system

all: module userspace

module:
	scripts/kbuild.sh $(KVERS)

userspace:
	$(MAKE) -C userspace

sparse:
	scripts/kbuild.sh --sparse $(KVERS)

style:
	scripts/checkpatch.sh

check:
	tests/run.sh

bench:
	scripts/bench.sh $(BENCH_ARGS)

run:
	scripts/run.sh

deb:
	scripts/mkdeb.sh

rpm:
	scripts/mkrpm.sh

fuzz:
	tests/fuzz/run.sh 300

install: all
	$(foreach k,$(KVERS),$(MAKE) -C $(call kdir,$(k)) M=$(CURDIR)/build/kmod/$(k) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install &&) true
	install -D -m 0755 userspace/kntsctl/kntsctl $(DESTDIR)$(SBINDIR)/kntsctl
	install -D -m 0755 userspace/kntsd/kntsd $(DESTDIR)$(SBINDIR)/kntsd
	install -D -m 0644 userspace/kntsd/kntsd.service \
		$(DESTDIR)$(UNITDIR)/kntsd.service
	test -e $(DESTDIR)/etc/knts/kntsd.conf || \
		install -D -m 0644 userspace/kntsd/kntsd.conf $(DESTDIR)/etc/knts/kntsd.conf
	install -D -m 0644 userspace/kntsd/knts.firewalld.xml \
		$(DESTDIR)$(PREFIX)/lib/firewalld/services/knts.xml
	install -D -m 0644 uapi/linux/knts.h $(DESTDIR)$(PREFIX)/include/linux/knts.h
	install -D -m 0644 scripts/knts.modules-load.conf \
		$(DESTDIR)/usr/lib/modules-load.d/knts.conf.example
	install -D -m 0644 Documentation/man/kntsd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/kntsd.8
	install -D -m 0644 Documentation/man/kntsctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/kntsctl.8
	install -D -m 0644 Documentation/man/kntsd.conf.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/kntsd.conf.5
	$(if $(DESTDIR),,$(foreach k,$(KVERS),depmod -a $(k) &&) true)
	$(if $(DESTDIR),,getent passwd _knts >/dev/null || useradd --system \
		--user-group --home-dir /var/lib/knts --no-create-home \
		--shell /usr/sbin/nologin _knts)

DKMS_SRC = /usr/src/knts-$(VERSION)
DKMS_FILES = Kbuild Makefile dkms.conf kmod core uapi

dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	mkdir -p $(DESTDIR)$(DKMS_SRC)
	cp -r $(DKMS_FILES) $(DESTDIR)$(DKMS_SRC)/
	find $(DESTDIR)$(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name modules.order \
		-o -name Module.symvers -o -name .kunitconfig \) -delete

dkms-install: dkms-src
	dkms add knts/$(VERSION)
	$(foreach k,$(KVERS),dkms build knts/$(VERSION) -k $(k) && \
		dkms install knts/$(VERSION) -k $(k) &&) true

dkms-uninstall:
	-dkms remove knts/$(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all module userspace sparse style check fuzz install dkms-src deb rpm run \
	dkms-install dkms-uninstall clean

print-kvers:
	@echo $(KVERS)
.PHONY: print-kvers
