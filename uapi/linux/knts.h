/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * knts: Network Time Security (RFC 8915) served from the kernel.
 *
 * Generic netlink family "knts", version 1.  Documentation/netlink/specs/
 * knts.yaml is the source of truth for this header; tests/uapi-check.py
 * verifies that both agree.
 */
#ifndef _UAPI_LINUX_KNTS_H
#define _UAPI_LINUX_KNTS_H

#define KNTS_FAMILY_NAME	"knts"
#define KNTS_FAMILY_VERSION	1

/**
 * enum knts_cmd - generic netlink commands of the "knts" family
 * @KNTS_CMD_UNSPEC: unused
 * @KNTS_CMD_GET_STATUS: read module version, load time, counters and the
 *	time status (unprivileged)
 * @KNTS_CMD_TIME_SET: set the time status the server announces; requires
 *	CAP_NET_ADMIN
 */
enum knts_cmd {
	KNTS_CMD_UNSPEC,
	KNTS_CMD_GET_STATUS,
	KNTS_CMD_TIME_SET,

	__KNTS_CMD_MAX,
	KNTS_CMD_MAX = __KNTS_CMD_MAX - 1
};

/**
 * enum knts_a - top-level attributes
 * @KNTS_A_UNSPEC: unused
 * @KNTS_A_PAD: padding for 64-bit attributes
 * @KNTS_A_VERSION: module version (string)
 * @KNTS_A_LOAD_TIME: CLOCK_REALTIME at module load, nanoseconds (u64)
 * @KNTS_A_STATS: counters summed over all CPUs (nest of &enum knts_stat)
 * @KNTS_A_TIME: time status (nest of &enum knts_time_a)
 */
enum knts_a {
	KNTS_A_UNSPEC,
	KNTS_A_PAD,
	KNTS_A_VERSION,
	KNTS_A_LOAD_TIME,
	KNTS_A_STATS,
	KNTS_A_TIME,

	__KNTS_A_MAX,
	KNTS_A_MAX = __KNTS_A_MAX - 1
};

/**
 * enum knts_stat - server counters; each is a u64 attribute inside
 *	%KNTS_A_STATS, its type being the counter index
 * @KNTS_STAT_UNSPEC: unused
 * @KNTS_STAT_PAD: padding for 64-bit attributes
 * @KNTS_STAT_RX_PACKETS: NTP packets received
 * @KNTS_STAT_RX_DROPPED: NTP packets dropped, all causes
 * @KNTS_STAT_DROP_MALFORMED: dropped: header or extension fields malformed
 * @KNTS_STAT_DROP_MODE: dropped: not a mode 3 (client) request
 * @KNTS_STAT_DROP_SIZE: dropped: datagram too short or too long
 * @KNTS_STAT_DROP_RATELIMIT: dropped by the per-source rate limiter
 * @KNTS_STAT_DROP_NOT_NTS: dropped: unauthenticated while NTS is required
 * @KNTS_STAT_DROP_TX: dropped: reply could not be allocated, routed or sent
 * @KNTS_STAT_AUTH_REPLIES: authenticated (NTS) replies sent
 * @KNTS_STAT_PLAIN_REPLIES: unauthenticated replies sent
 * @KNTS_STAT_NAKS: NTS NAKs (kiss code NTSN) sent
 * @KNTS_STAT_KODS: rate kiss-o'-death (kiss code RATE) sent
 * @KNTS_STAT_COOKIE_UNKNOWN_KEY: cookie names a key that is not loaded
 * @KNTS_STAT_COOKIE_BAD_LENGTH: cookie length fits no loaded key
 * @KNTS_STAT_COOKIE_BAD_TAG: cookie failed to decrypt (forged or stale)
 * @KNTS_STAT_AUTH_FAILED: request authenticator failed to verify
 * @KNTS_STAT_COOKIES_ISSUED: fresh cookies sealed into replies
 * @KNTS_STAT_RX_TS_KERNEL: requests timestamped by the kernel on receive
 * @KNTS_STAT_RX_TS_FALLBACK: requests timestamped in the module instead
 */
enum knts_stat {
	KNTS_STAT_UNSPEC,
	KNTS_STAT_PAD,
	KNTS_STAT_RX_PACKETS,
	KNTS_STAT_RX_DROPPED,
	KNTS_STAT_DROP_MALFORMED,
	KNTS_STAT_DROP_MODE,
	KNTS_STAT_DROP_SIZE,
	KNTS_STAT_DROP_RATELIMIT,
	KNTS_STAT_DROP_NOT_NTS,
	KNTS_STAT_DROP_TX,
	KNTS_STAT_AUTH_REPLIES,
	KNTS_STAT_PLAIN_REPLIES,
	KNTS_STAT_NAKS,
	KNTS_STAT_KODS,
	KNTS_STAT_COOKIE_UNKNOWN_KEY,
	KNTS_STAT_COOKIE_BAD_LENGTH,
	KNTS_STAT_COOKIE_BAD_TAG,
	KNTS_STAT_AUTH_FAILED,
	KNTS_STAT_COOKIES_ISSUED,
	KNTS_STAT_RX_TS_KERNEL,
	KNTS_STAT_RX_TS_FALLBACK,

	__KNTS_STAT_MAX,
	KNTS_STAT_MAX = __KNTS_STAT_MAX - 1
};

/**
 * enum knts_time_a - time status attributes, nested in %KNTS_A_TIME
 * @KNTS_TIME_A_UNSPEC: unused
 * @KNTS_TIME_A_PAD: padding for 64-bit attributes
 * @KNTS_TIME_A_LEAP: leap indicator 0..3 (u8)
 * @KNTS_TIME_A_STRATUM: stratum 1..15 (u8)
 * @KNTS_TIME_A_PRECISION: log2 seconds of the clock precision (s8)
 * @KNTS_TIME_A_ROOT_DELAY: root delay, NTP short format 16.16 s (u32)
 * @KNTS_TIME_A_ROOT_DISP: root dispersion, NTP short format 16.16 s (u32)
 * @KNTS_TIME_A_REFID: reference identifier: the value of the 32-bit wire
 *	field, which the module writes big endian (u32)
 * @KNTS_TIME_A_REF_TIME: reference time, NTP timestamp 32.32 (u64)
 * @KNTS_TIME_A_STALE_AFTER: seconds after which the status is no longer
 *	trusted and replies carry leap=3 (u32, 1..604800)
 * @KNTS_TIME_A_AGE_MS: milliseconds since the status was set (u64, read only)
 * @KNTS_TIME_A_STALE: flag, present when the status is stale or was never
 *	set (read only)
 */
enum knts_time_a {
	KNTS_TIME_A_UNSPEC,
	KNTS_TIME_A_PAD,
	KNTS_TIME_A_LEAP,
	KNTS_TIME_A_STRATUM,
	KNTS_TIME_A_PRECISION,
	KNTS_TIME_A_ROOT_DELAY,
	KNTS_TIME_A_ROOT_DISP,
	KNTS_TIME_A_REFID,
	KNTS_TIME_A_REF_TIME,
	KNTS_TIME_A_STALE_AFTER,
	KNTS_TIME_A_AGE_MS,
	KNTS_TIME_A_STALE,

	__KNTS_TIME_A_MAX,
	KNTS_TIME_A_MAX = __KNTS_TIME_A_MAX - 1
};

#endif /* _UAPI_LINUX_KNTS_H */
