/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: NTP (RFC 5905) and NTS (RFC 8915) wire constants, shared by the
 * module and userspace.
 */
#ifndef _KNTS_NTP_H
#define _KNTS_NTP_H

#include "core.h"

#define KNTS_NTP_HDR_LEN	48
/* Largest request accepted: what fits a 1280-byte IPv6 packet. */
#define KNTS_NTP_MAX_LEN	1232
#define KNTS_NTP_MODE_CLIENT	3
#define KNTS_NTP_MODE_SERVER	4
#define KNTS_NTP_VERSION_MAX	4

/* Header offsets. */
#define KNTS_NTP_OFF_LVM	0
#define KNTS_NTP_OFF_STRATUM	1
#define KNTS_NTP_OFF_POLL	2
#define KNTS_NTP_OFF_PRECISION	3
#define KNTS_NTP_OFF_ROOT_DELAY	4
#define KNTS_NTP_OFF_ROOT_DISP	8
#define KNTS_NTP_OFF_REFID	12
#define KNTS_NTP_OFF_REF_TS	16
#define KNTS_NTP_OFF_ORIGIN_TS	24
#define KNTS_NTP_OFF_RX_TS	32
#define KNTS_NTP_OFF_TX_TS	40

/* Extension fields (RFC 7822) and the NTS ones (RFC 8915 section 5). */
#define KNTS_EF_HDR_LEN		4
#define KNTS_EF_MIN_LEN		16
/* With no MAC, the last EF is at least 28 bytes; 20 or 24 left is a MAC. */
#define KNTS_EF_LAST_MIN_LEN	28
#define KNTS_EF_UNIQUE_ID	0x0104
#define KNTS_EF_COOKIE		0x0204
#define KNTS_EF_PLACEHOLDER	0x0304
#define KNTS_EF_AUTH		0x0404

#define KNTS_UID_MIN_LEN	32
#define KNTS_MAX_COOKIES	8
/* Nonce the server uses; also N_REQ, the minimum padded request nonce. */
#define KNTS_NONCE_LEN		16

/* Kiss codes. */
#define KNTS_KISS_NTSN		0x4e54534e	/* "NTSN" */
#define KNTS_KISS_RATE		0x52415445	/* "RATE" */

#define KNTS_LEAP_UNSYNC	3
#define KNTS_STRATUM_UNSYNC	16

/**
 * struct knts_time_params - what a reply announces about the server clock
 * @leap: leap indicator, 0..3
 * @stratum: stratum, 1..15, or %KNTS_STRATUM_UNSYNC (sent as 0)
 * @precision: log2 seconds
 * @root_delay: NTP short format (16.16 s)
 * @root_disp: NTP short format (16.16 s)
 * @refid: value of the reference id field
 * @ref_time: NTP timestamp format (32.32 s since 1900)
 */
struct knts_time_params {
	u8 leap;
	u8 stratum;
	s8 precision;
	u32 root_delay;
	u32 root_disp;
	u32 refid;
	u64 ref_time;
};

static inline unsigned int knts_pad4(unsigned int n)
{
	return (n + 3) & ~3u;
}

#endif /* _KNTS_NTP_H */
