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
#define KNTS_MCGRP_EVENTS	"events"

/**
 * enum knts_cmd - generic netlink commands of the "knts" family
 * @KNTS_CMD_UNSPEC: unused
 * @KNTS_CMD_GET_STATUS: read module version, load time, counters and the
 *	time status (unprivileged)
 * @KNTS_CMD_TIME_SET: set the time status the server announces; requires
 *	CAP_NET_ADMIN
 * @KNTS_CMD_KEY_SET: install master keys (one or more %KNTS_A_KEY, each in
 *	the slot id % 4) and optionally choose the current one
 *	(%KNTS_A_KEY_CURRENT); requires CAP_NET_ADMIN
 * @KNTS_CMD_KEY_DEL: remove the master key whose id is %KNTS_A_KEY_ID;
 *	requires CAP_NET_ADMIN
 * @KNTS_CMD_KEY_GET: list the master keys (never their bytes); requires
 *	CAP_NET_ADMIN
 * @KNTS_CMD_SOCKET_ADD: serve on a bound UDP socket (%KNTS_A_SOCKET with
 *	%KNTS_SOCK_A_FD); the module keeps its own reference to it; replies
 *	with the socket's description; requires CAP_NET_ADMIN
 * @KNTS_CMD_SOCKET_DEL: stop serving on the socket %KNTS_A_SOCKET names
 *	(%KNTS_SOCK_A_ID), or on every socket (%KNTS_A_ALL); requires
 *	CAP_NET_ADMIN
 * @KNTS_CMD_SOCKET_GET: list the sockets served (unprivileged)
 * @KNTS_CMD_CONFIG_SET: change the tunables (%KNTS_A_REQUIRE_NTS,
 *	%KNTS_A_RATELIMIT_RATE or %KNTS_A_RATELIMIT_INTERVAL_NS,
 *	%KNTS_A_RATELIMIT_BURST, %KNTS_A_RATELIMIT_LEAK,
 *	%KNTS_A_RATELIMIT_PREFIX6, %KNTS_A_RATELIMIT_KOD,
 *	%KNTS_A_COOKIE_BUDGET); those left out keep their value; requires
 *	CAP_NET_ADMIN
 * @KNTS_CMD_EVENT: notification on the "events" multicast group:
 *	%KNTS_A_EVENT says what changed
 * @KNTS_CMD_ACCESS_SET: replace the access rules (every %KNTS_A_ACCESS:
 *	the longest rule containing a source gives its verdict, no rule
 *	deny), or with %KNTS_A_ALL and no rule remove them (every source is
 *	served); requires CAP_NET_ADMIN
 *
 * Every command acts on the network namespace of the netlink socket it
 * arrives on; "CAP_NET_ADMIN" is the capability in the user namespace
 * that owns that network namespace.
 */
enum knts_cmd {
	KNTS_CMD_UNSPEC,
	KNTS_CMD_GET_STATUS,
	KNTS_CMD_TIME_SET,
	KNTS_CMD_KEY_SET,
	KNTS_CMD_KEY_DEL,
	KNTS_CMD_KEY_GET,
	KNTS_CMD_SOCKET_ADD,
	KNTS_CMD_SOCKET_DEL,
	KNTS_CMD_SOCKET_GET,
	KNTS_CMD_CONFIG_SET,
	KNTS_CMD_EVENT,
	KNTS_CMD_ACCESS_SET,

	__KNTS_CMD_MAX,
	KNTS_CMD_MAX = __KNTS_CMD_MAX - 1
};

/**
 * enum knts_a - top-level attributes
 * @KNTS_A_UNSPEC: unused
 * @KNTS_A_PAD: padding for 64-bit attributes
 * @KNTS_A_VERSION: module version (string)
 * @KNTS_A_LOAD_TIME: CLOCK_REALTIME when the namespace's server was set
 *	up (module load, or namespace creation), nanoseconds (u64)
 * @KNTS_A_STATS: counters summed over all CPUs (nest of &enum knts_stat)
 * @KNTS_A_TIME: time status (nest of &enum knts_time_a)
 * @KNTS_A_PORT: unused (was the module's single UDP port)
 * @KNTS_A_LISTEN_IPV4: flag, an IPv4 socket is served
 * @KNTS_A_LISTEN_IPV6: flag, an IPv6 socket is served
 * @KNTS_A_REQUIRE_NTS: 1 when unauthenticated requests are dropped, else
 *	0 (u8)
 * @KNTS_A_RATELIMIT_RATE: requests per second per source, 0 = off (u32);
 *	read: 0 also when the interval is no whole fraction of a second
 * @KNTS_A_RATELIMIT_BURST: requests a source may send at once (u32)
 * @KNTS_A_RATELIMIT_KOD: 1 when rate-limited requests get a RATE KoD,
 *	else 0 (u8)
 * @KNTS_A_KEY: a master key (nest of &enum knts_key_a); repeated
 * @KNTS_A_KEY_CURRENT: id of the key new cookies are sealed with (u32)
 * @KNTS_A_KEY_ID: a key id (u32)
 * @KNTS_A_AES: the AES implementation the module runs on (string): "aesni",
 *	or "generic", the kernel's table-based library (slow, not constant
 *	time)
 * @KNTS_A_COOKIE_BUDGET: fresh cookies per second per CPU beyond the first
 *	of each reply, 0 = no budget (u32)
 * @KNTS_A_SOCKET: a socket (nest of &enum knts_sock_a); repeated
 * @KNTS_A_ALL: flag: the command applies to every socket
 * @KNTS_A_EVENT: what a notification is about (u8, &enum knts_event)
 * @KNTS_A_NETNS_COOKIE: the network namespace's cookie (u64), as
 *	SO_NETNS_COOKIE reports it
 * @KNTS_A_INSTANCES: network namespaces with at least one socket served
 *	(u32; only in the initial namespace's status)
 * @KNTS_A_ACCESS: an access rule (nest of &enum knts_access_a); repeated
 * @KNTS_A_ACCESS_RULES: how many access rules apply (u32; absent: none,
 *	every source is served)
 * @KNTS_A_RATELIMIT_INTERVAL_NS: the spacing allowed on average between a
 *	source's requests, nanoseconds, 0 = off (u64; chrony's ratelimit
 *	interval, 2^interval seconds)
 * @KNTS_A_RATELIMIT_LEAK: one limited request in 2^leak is served anyway
 *	(u8, 0..4; 0: none; chrony's leak)
 * @KNTS_A_RATELIMIT_PREFIX6: IPv6 sources share a bucket per prefix of
 *	this length (u8, 32..128, default 64)
 */
enum knts_a {
	KNTS_A_UNSPEC,
	KNTS_A_PAD,
	KNTS_A_VERSION,
	KNTS_A_LOAD_TIME,
	KNTS_A_STATS,
	KNTS_A_TIME,
	KNTS_A_PORT,
	KNTS_A_LISTEN_IPV4,
	KNTS_A_LISTEN_IPV6,
	KNTS_A_REQUIRE_NTS,
	KNTS_A_RATELIMIT_RATE,
	KNTS_A_RATELIMIT_BURST,
	KNTS_A_RATELIMIT_KOD,
	KNTS_A_KEY,
	KNTS_A_KEY_CURRENT,
	KNTS_A_KEY_ID,
	KNTS_A_AES,
	KNTS_A_COOKIE_BUDGET,
	KNTS_A_SOCKET,
	KNTS_A_ALL,
	KNTS_A_EVENT,
	KNTS_A_NETNS_COOKIE,
	KNTS_A_INSTANCES,
	KNTS_A_ACCESS,
	KNTS_A_ACCESS_RULES,
	KNTS_A_RATELIMIT_INTERVAL_NS,
	KNTS_A_RATELIMIT_LEAK,
	KNTS_A_RATELIMIT_PREFIX6,

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
 * @KNTS_STAT_COOKIE_BUDGET_CUTS: replies that carried one cookie instead of
 *	the several asked for, because the CPU's cookie budget was spent
 * @KNTS_STAT_PASSED_UP: datagrams left on the socket for userspace: not a
 *	mode 3 request, or not parseable as NTP
 * @KNTS_STAT_DROP_CONTROL: dropped: an NTP control (mode 6) or private
 *	(mode 7) message; counted by kntsd, which reads what the module
 *	passes up
 * @KNTS_STAT_DROP_DENIED: dropped: the source is not allowed (access
 *	rules: chrony's allow and deny)
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
	KNTS_STAT_COOKIE_BUDGET_CUTS,
	KNTS_STAT_PASSED_UP,
	KNTS_STAT_DROP_CONTROL,
	KNTS_STAT_DROP_DENIED,

	__KNTS_STAT_MAX,
	KNTS_STAT_MAX = __KNTS_STAT_MAX - 1
};

/**
 * enum knts_time_a - time status attributes, nested in %KNTS_A_TIME
 * @KNTS_TIME_A_UNSPEC: unused
 * @KNTS_TIME_A_PAD: padding for 64-bit attributes
 * @KNTS_TIME_A_LEAP: leap indicator 0..3 (u8)
 * @KNTS_TIME_A_STRATUM: stratum 1..15 (u8)
 * @KNTS_TIME_A_PRECISION: log2 seconds of the clock precision, -32..0 (s32)
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

/**
 * enum knts_key_a - master key attributes, nested in %KNTS_A_KEY
 * @KNTS_KEY_A_UNSPEC: unused
 * @KNTS_KEY_A_PAD: padding for 64-bit attributes
 * @KNTS_KEY_A_ID: key id; the slot is id % 4 (u32)
 * @KNTS_KEY_A_AEAD: AEAD of the key, 15 = AES-SIV-CMAC-256 or
 *	30 = AES-128-GCM-SIV (u16, default 15)
 * @KNTS_KEY_A_SECRET: key bytes, 32 for AEAD 15, 16 for AEAD 30 (binary,
 *	write only)
 * @KNTS_KEY_A_SLOT: slot, 0..3 (u8, read only)
 * @KNTS_KEY_A_AGE_MS: milliseconds since it was installed (u64, read only)
 * @KNTS_KEY_A_CURRENT: flag, new cookies are sealed with it (read only)
 * @KNTS_KEY_A_OPENS: cookies it opened (u64, read only)
 * @KNTS_KEY_A_FAILS: cookies naming it that did not open (u64, read only)
 */
enum knts_key_a {
	KNTS_KEY_A_UNSPEC,
	KNTS_KEY_A_PAD,
	KNTS_KEY_A_ID,
	KNTS_KEY_A_AEAD,
	KNTS_KEY_A_SECRET,
	KNTS_KEY_A_SLOT,
	KNTS_KEY_A_AGE_MS,
	KNTS_KEY_A_CURRENT,
	KNTS_KEY_A_OPENS,
	KNTS_KEY_A_FAILS,

	__KNTS_KEY_A_MAX,
	KNTS_KEY_A_MAX = __KNTS_KEY_A_MAX - 1
};

/**
 * enum knts_sock_a - socket attributes, nested in %KNTS_A_SOCKET
 * @KNTS_SOCK_A_UNSPEC: unused
 * @KNTS_SOCK_A_PAD: padding for 64-bit attributes
 * @KNTS_SOCK_A_ID: the module's id for the socket (u32, read only; the
 *	key of %KNTS_CMD_SOCKET_DEL)
 * @KNTS_SOCK_A_FD: a descriptor of a bound UDP socket in the caller's
 *	network namespace (u32, write only)
 * @KNTS_SOCK_A_FAMILY: AF_INET or AF_INET6 (u16, read only)
 * @KNTS_SOCK_A_ADDR: local address, 4 or 16 bytes (binary, read only)
 * @KNTS_SOCK_A_PORT: local port (u16, read only)
 * @KNTS_SOCK_A_IFINDEX: device the socket is bound to, 0 = any (u32, read
 *	only)
 */
enum knts_sock_a {
	KNTS_SOCK_A_UNSPEC,
	KNTS_SOCK_A_PAD,
	KNTS_SOCK_A_ID,
	KNTS_SOCK_A_FD,
	KNTS_SOCK_A_FAMILY,
	KNTS_SOCK_A_ADDR,
	KNTS_SOCK_A_PORT,
	KNTS_SOCK_A_IFINDEX,

	__KNTS_SOCK_A_MAX,
	KNTS_SOCK_A_MAX = __KNTS_SOCK_A_MAX - 1
};

/**
 * enum knts_access_a - access rule attributes, nested in %KNTS_A_ACCESS
 * @KNTS_ACCESS_A_UNSPEC: unused
 * @KNTS_ACCESS_A_FAMILY: AF_INET or AF_INET6 (u16)
 * @KNTS_ACCESS_A_ADDR: the subnet's address, 4 or 16 bytes (binary; bits
 *	past the prefix are ignored)
 * @KNTS_ACCESS_A_BITS: prefix length, up to 32 or 128 (u8)
 * @KNTS_ACCESS_A_ALLOW: 1 to serve the subnet's sources, 0 to drop them
 *	(u8)
 */
enum knts_access_a {
	KNTS_ACCESS_A_UNSPEC,
	KNTS_ACCESS_A_FAMILY,
	KNTS_ACCESS_A_ADDR,
	KNTS_ACCESS_A_BITS,
	KNTS_ACCESS_A_ALLOW,

	__KNTS_ACCESS_A_MAX,
	KNTS_ACCESS_A_MAX = __KNTS_ACCESS_A_MAX - 1
};

/**
 * enum knts_event - what a %KNTS_CMD_EVENT notification announces
 * @KNTS_EVENT_UNSPEC: unused
 * @KNTS_EVENT_KEYS: master keys were installed or deleted
 *	(%KNTS_A_KEY_CURRENT: the current key's id, when there is one)
 * @KNTS_EVENT_TIME: the announced leap indicator, stratum or reference
 *	id changed, or the status was set after having none (%KNTS_A_TIME)
 * @KNTS_EVENT_CONFIG: tunables changed (the tunables' attributes)
 * @KNTS_EVENT_SOCKET_ADD: a socket is served (%KNTS_A_SOCKET)
 * @KNTS_EVENT_SOCKET_DEL: a socket is no longer served (%KNTS_A_SOCKET)
 * @KNTS_EVENT_NETNS_EXIT: a network namespace's server went away with its
 *	namespace (%KNTS_A_NETNS_COOKIE); sent in the initial namespace
 */
enum knts_event {
	KNTS_EVENT_UNSPEC,
	KNTS_EVENT_KEYS,
	KNTS_EVENT_TIME,
	KNTS_EVENT_CONFIG,
	KNTS_EVENT_SOCKET_ADD,
	KNTS_EVENT_SOCKET_DEL,
	KNTS_EVENT_NETNS_EXIT,
};

#endif /* _UAPI_LINUX_KNTS_H */
