/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: what differs between the kernels knts.ko builds for (Debian 12's
 * 6.1, and 6.12: Debian 12's second kernel and the base of RHEL 10, Debian
 * 13 and SLES 16).  One entry per difference, each naming the release that
 * made it; scripts/kbuild.sh builds for every installed kernel, so each
 * branch is compiled by make check.
 */
#ifndef _KNTS_COMPAT_H
#define _KNTS_COMPAT_H

/*
 * 6.12 moved get_unaligned()/put_unaligned() to <linux/unaligned.h>.  The
 * top-level Kbuild tells which the headers have (KNTS_HAVE_*), so that a
 * kernel with the move backported builds too.
 */
#ifdef KNTS_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _KNTS_COMPAT_H */
