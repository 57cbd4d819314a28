/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * knts: the names of every counter, in one place.
 *
 * The module's counters are &enum knts_stat of <linux/knts.h> (the netlink
 * contract, checked against Documentation/netlink/specs/knts.yaml); kntsd's
 * NTS-KE counters live in kntsd and reach kntsctl over kntsd's control
 * socket.  Their labels (chronyc serverstats' wording where chrony has the
 * counter) and their keys (JSON, Prometheus "knts_<key>_total", kntsd's
 * control socket) are written only here.  Every file that includes this
 * header checks at compile time that KNTS_STATS names every &enum
 * knts_stat once and in order; tests/man-check.sh checks that kntsctl(8)
 * documents every key.
 *
 * Not a kernel uapi header: it is not installed.
 */
#ifndef _KNTS_COUNTERS_H
#define _KNTS_COUNTERS_H

#include "uapi/linux/knts.h"

/*
 * The module's counters (and those of kntsd's userspace NTP path, which
 * counts the same events), in &enum knts_stat order:
 * X(enum knts_stat suffix, label, key).
 */
#define KNTS_STATS(X)							\
	X(RX_PACKETS, "NTP packets received", ntp_packets_received)	\
	X(RX_DROPPED, "NTP packets dropped", ntp_packets_dropped)	\
	X(DROP_MALFORMED, "Dropped: malformed", dropped_malformed)	\
	X(DROP_MODE, "Dropped: not mode 3", dropped_mode)		\
	X(DROP_SIZE, "Dropped: bad length", dropped_size)		\
	X(DROP_RATELIMIT, "Dropped: rate limited", dropped_ratelimit)	\
	X(DROP_NOT_NTS, "Dropped: NTS required", dropped_not_nts)	\
	X(DROP_TX, "Dropped: send failed", dropped_tx)			\
	X(AUTH_REPLIES, "Authenticated NTP packets",			\
	  authenticated_ntp_packets)					\
	X(PLAIN_REPLIES, "Unauthenticated NTP replies",			\
	  unauthenticated_ntp_replies)					\
	X(NAKS, "NTS NAKs sent", nts_naks_sent)				\
	X(KODS, "RATE kiss-o'-death sent", rate_kods_sent)		\
	X(COOKIE_UNKNOWN_KEY, "Cookie failures: unknown key",		\
	  cookie_unknown_key)						\
	X(COOKIE_BAD_LENGTH, "Cookie failures: bad length",		\
	  cookie_bad_length)						\
	X(COOKIE_BAD_TAG, "Cookie failures: bad tag", cookie_bad_tag)	\
	X(AUTH_FAILED, "Authenticator failures", authenticator_failures) \
	X(COOKIES_ISSUED, "NTS cookies issued", nts_cookies_issued)	\
	X(RX_TS_KERNEL, "NTP kernel RX timestamps",			\
	  ntp_kernel_rx_timestamps)					\
	X(RX_TS_FALLBACK, "NTP fallback RX timestamps",			\
	  ntp_fallback_rx_timestamps)					\
	X(COOKIE_BUDGET_CUTS, "NTS replies cut to one cookie",		\
	  nts_cookie_budget_cuts)						\
	X(PASSED_UP, "NTP packets passed to kntsd",			\
	  ntp_passed_to_userspace)					\
	X(DROP_CONTROL, "Dropped: mode 6/7 (control, private)",	\
	  dropped_mode_control)						\
	X(DROP_DENIED, "Dropped: access denied", dropped_denied)

/*
 * kntsd's NTS-KE counters, in the order kntsctl prints them:
 * COUNT(field, label, key) is a counter of its own, CAUSE(...) one cause
 * of dropped connections, TOTAL(...) the sum of every CAUSE (so that the
 * total and its causes can never disagree).  field names the member of
 * kntsd's struct kesrv_stats.
 */
#define KNTS_KE_STATS(COUNT, TOTAL, CAUSE)				\
	COUNT(accepted, "NTS-KE connections accepted",			\
	      nts_ke_connections_accepted)				\
	TOTAL(dropped, "NTS-KE connections dropped",			\
	      nts_ke_connections_dropped)				\
	CAUSE(drop_maxconn, "NTS-KE dropped: connections",		\
	      nts_ke_dropped_max_connections)				\
	CAUSE(drop_ratelimit, "NTS-KE dropped: rate limited",		\
	      nts_ke_dropped_rate_limit)				\
	CAUSE(drop_denied, "NTS-KE dropped: access denied",		\
	      nts_ke_dropped_denied)					\
	CAUSE(drop_source, "NTS-KE dropped: per source",		\
	      nts_ke_dropped_per_source)				\
	CAUSE(drop_fds, "NTS-KE dropped: no descriptor",		\
	      nts_ke_dropped_no_descriptor)				\
	CAUSE(drop_tls, "NTS-KE dropped: TLS handshake",		\
	      nts_ke_dropped_tls_handshake)				\
	CAUSE(drop_alpn, "NTS-KE dropped: no ALPN", nts_ke_dropped_alpn) \
	CAUSE(drop_timeout, "NTS-KE dropped: timeout",			\
	      nts_ke_dropped_timeout)					\
	CAUSE(drop_invalid, "NTS-KE dropped: malformed",		\
	      nts_ke_dropped_malformed)					\
	CAUSE(drop_io, "NTS-KE dropped: I/O error", nts_ke_dropped_io)	\
	COUNT(errors_sent, "NTS-KE error responses", nts_ke_errors_sent) \
	COUNT(completed, "NTS-KE sessions completed",			\
	      nts_ke_sessions_completed)				\
	COUNT(cookies, "NTS-KE cookies issued", nts_ke_cookies_issued)

/*
 * KNTS_STATS lists &enum knts_stat from KNTS_STAT_RX_PACKETS on, once each
 * and in order: a counter out of place divides by zero here.
 */
#define __KNTS_STAT_POS(id, label, key) __KNTS_STAT_POS_##id,
#define __KNTS_STAT_CHECK(id, label, key)				\
	__KNTS_STAT_CHECK_##id = 1 /					\
		(KNTS_STAT_##id - KNTS_STAT_RX_PACKETS == __KNTS_STAT_POS_##id),
enum {
	KNTS_STATS(__KNTS_STAT_POS)
	__KNTS_STAT_POS_N,
	KNTS_STATS(__KNTS_STAT_CHECK)
	__KNTS_STAT_CHECK_ALL = 1 /
		(__KNTS_STAT_MAX - KNTS_STAT_RX_PACKETS == __KNTS_STAT_POS_N)
};

/**
 * struct knts_counter_name - how a counter is shown
 * @label: text output ("NTP packets received")
 * @key: JSON key, Prometheus name stem, control-socket key
 */
struct knts_counter_name {
	const char *label;
	const char *key;
};

/*
 * A table of names, as KNTS_STATS(KNTS_COUNTER_NAME) (after
 * "[KNTS_STAT_RX_PACKETS] =" for one indexed by &enum knts_stat) or
 * KNTS_KE_STATS(KNTS_COUNTER_NAME, KNTS_COUNTER_NAME, KNTS_COUNTER_NAME).
 */
#define KNTS_COUNTER_NAME(id, label, key) { label, #key },

#endif /* _KNTS_COUNTERS_H */
