/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsd.conf: chrony's NTS server directives with chrony's names and
 * meaning, plus knts's own, prefixed "knts".  One directive per line;
 * lines starting with '#', '!', ';' or '%' are comments.  Any line that is
 * not understood is an error naming file:line.
 */
#ifndef KNTS_CONFIG_H
#define KNTS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "access.h"

#define CONF_MAX_CERTS 8
#define CONF_DEFAULT_PATH "/etc/knts/kntsd.conf"

enum conf_ntp_path {
	CONF_NTP_AUTO,		/* knts.ko when it loads, else userspace */
	CONF_NTP_KERNEL,	/* knts.ko or fail */
	CONF_NTP_USERSPACE,	/* kntsd answers NTP itself */
	CONF_NTP_NONE,		/* another server answers (NTS-KE only) */
};

struct conf_cert {
	char *key;		/* ntsserverkey */
	char *cert;		/* ntsservercert */
};

struct conf {
	struct conf_cert certs[CONF_MAX_CERTS];
	unsigned int ncerts;
	char *dumpdir;			/* ntsdumpdir, default /var/lib/knts */
	uint16_t nts_port;		/* ntsport, default 4460 */
	uint16_t ntp_port;		/* port, default 123 */
	/* bindaddress: at most one per family, as chrony; else the wildcard */
	bool has_bind4, has_bind6;
	struct in_addr bind4;
	struct in6_addr bind6;
	/* allow, deny: chrony's access rules for NTP and NTS-KE */
	struct access access;
	uint32_t rotate;		/* ntsrotate seconds, 0 = never; 604800 */
	char *ntp_server;		/* ntsntpserver, NULL = none */
	uint32_t max_connections;	/* maxntsconnections, default 100 */
	uint32_t source_connections;	/* kntssourceconnections, default 8 */
	uint32_t processes;		/* ntsprocesses (threads), 0 = CPUs */
	unsigned int aeads;		/* ntsaeads, NKE_AEAD_MASK_*; both */
	/* ntsratelimit [interval L] [burst B] [leak K], chrony's meaning */
	bool ratelimit;			/* the directive was given */
	int rl_interval;		/* log2 seconds, -4..12, default 6 */
	uint32_t rl_burst;		/* 1..255, default 8 */
	uint32_t rl_leak;		/* 0..4, default 2 */
	/* ratelimit: chrony's, for NTP when kntsd serves it (interval 3) */
	bool ntp_ratelimit;
	int32_t ntp_rl_interval;	/* log2 seconds, -19..12 */
	uint32_t ntp_rl_burst, ntp_rl_leak;
	/* knts's own */
	bool local;			/* kntslocal stratum N [refid ID] */
	uint8_t local_stratum;		/* 1..15 */
	uint32_t local_refid;		/* default 0x7f7f0101, chrony's */
	enum conf_ntp_path ntp_path;	/* kntsntp kernel|auto|userspace */
	char *user;			/* kntsuser NAME|root, NULL = as started */
	uint32_t status_interval;	/* kntsstatusinterval s, 1..60, def 5 */
	uint32_t stale;			/* kntsstale s, >= 2 * interval, def 30 */
	char *control;			/* kntscontrol PATH */
	bool chrony_tracking;		/* kntschronyd yes|no, default yes */
	uint16_t key_aead;		/* kntskeyaead 15|30, default 15 */
};

void conf_defaults(struct conf *c);
int conf_parse(struct conf *c, const char *text, const char *name,
	       char *err, size_t errlen);
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
void conf_free(struct conf *c);

#endif /* KNTS_CONFIG_H */
