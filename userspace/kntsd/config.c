// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd.conf: chrony's NTS server directives, with chrony's names and
 * meaning, and knts's own, prefixed "knts".  Every error is one message,
 * "file:line: what is wrong", in the caller's buffer; nothing is global.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "lib/ntske.h"
#include "lib/ntskeys.h"
#include "lib/util.h"

#define CONF_MAX_LINE	2048		/* chrony's MAX_LINE_LENGTH */
#define CONF_MAX_FILE	(1024 * 1024)
/* The directive and its arguments; more than any directive takes. */
#define CONF_MAX_WORDS	8
/* chrony's isspace(): space, tab, and CR of a CRLF file among them. */
#define CONF_BLANKS	" \t\r\v\f"

#define CONF_DEF_DUMPDIR	"/var/lib/knts"
#define CONF_DEF_CONTROL	"/run/knts/kntsd.sock"
#define CONF_DEF_REFID		0x7f7f0101	/* chrony's, 127.127.1.1 */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct parser {
	struct conf *c;
	const char *name;		/* file name for messages */
	int line;			/* current line, from 1 */
	const char *directive;		/* current directive */
	char *err;
	size_t errlen;
	/* ntsserverkey and ntsservercert seen so far, and their lines */
	unsigned int nkeys, ncrts;
	int key_line[CONF_MAX_CERTS], cert_line[CONF_MAX_CERTS];
};

static int verr(const struct parser *p, int line, const char *directive,
		const char *fmt, va_list ap)
{
	size_t n;
	int r;

	if (!p->err || !p->errlen)
		return -EINVAL;
	if (line > 0)
		r = snprintf(p->err, p->errlen, "%s:%d: ", p->name, line);
	else
		r = snprintf(p->err, p->errlen, "%s: ", p->name);
	n = r > 0 ? (size_t)r : 0;
	if (directive && n < p->errlen) {
		r = snprintf(p->err + n, p->errlen - n, "%s: ", directive);
		n += r > 0 ? (size_t)r : 0;
	}
	if (n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	return -EINVAL;
}

static int report(const struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "name:line: what", or "name: what" for line 0.  Returns -EINVAL. */
static int report(const struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, line, NULL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int fail(const struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "name:line: directive: what".  Returns -EINVAL. */
static int fail(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, p->line, p->directive, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int nomem(const struct parser *p)
{
	fail(p, "out of memory");
	return -ENOMEM;
}

/* Directive and option names: exact, as the documentation spells them. */
/* chrony compares directive and option names without regard to case. */
static bool word_is(const char *s, const char *word)
{
	return !strcasecmp(s, word);
}

static int get_u32(const struct parser *p, const char *opt, const char *s,
		   uint32_t min, uint32_t max, uint32_t *out)
{
	if (!parse_u32(s, min, max, out))
		return 0;
	return fail(p, "%s%s\"%s\" is not a number in %u..%u",
		    opt ? opt : "", opt ? " " : "", s, min, max);
}

static int get_s32(const struct parser *p, const char *opt, const char *s,
		   int32_t min, int32_t max, int32_t *out)
{
	if (!parse_s32(s, min, max, out))
		return 0;
	return fail(p, "%s%s\"%s\" is not a number in %d..%d",
		    opt ? opt : "", opt ? " " : "", s, min, max);
}

/* Replaces *field with a copy of s; the last directive wins. */
static int set_string(const struct parser *p, char **field, const char *s)
{
	char *dup = strdup(s);

	if (!dup)
		return nomem(p);
	free(*field);
	*field = dup;
	return 0;
}

/*
 * "NAME VALUE" pairs, in any order, each NAME from names[] at most once:
 * values[i] is set to the value of names[i], or left NULL.
 */
static int get_options(const struct parser *p, char **arg, unsigned int n,
		       const char *const *names, char **values,
		       unsigned int nnames)
{
	unsigned int i, j;

	for (i = 0; i < n; i += 2) {
		for (j = 0; j < nnames && !word_is(arg[i], names[j]); j++)
			;
		if (j == nnames)
			return fail(p, "unknown option \"%s\"", arg[i]);
		if (values[j])
			return fail(p, "%s given twice", arg[i]);
		if (i + 1 == n)
			return fail(p, "%s: missing value", arg[i]);
		values[j] = arg[i + 1];
	}
	return 0;
}

/* The n-th ntsserverkey goes with the n-th ntsservercert, as in chrony. */
static int add_cert_file(struct parser *p, const char *path, bool key)
{
	unsigned int *count = key ? &p->nkeys : &p->ncrts;
	struct conf_cert *cc;
	char *dup, **slot;

	if (*count == CONF_MAX_CERTS)
		return fail(p, "more than %d", CONF_MAX_CERTS);
	dup = strdup(path);
	if (!dup)
		return nomem(p);
	cc = &p->c->certs[*count];
	slot = key ? &cc->key : &cc->cert;
	free(*slot);
	*slot = dup;
	(key ? p->key_line : p->cert_line)[*count] = p->line;
	(*count)++;
	p->c->ncerts = p->nkeys < p->ncrts ? p->nkeys : p->ncrts;
	return 0;
}

static int do_serverkey(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return add_cert_file(p, arg[0], true);
}

static int do_servercert(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return add_cert_file(p, arg[0], false);
}

static int do_dumpdir(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return set_string(p, &p->c->dumpdir, arg[0]);
}

/* Sent to clients in the NTPv4 Server Negotiation record: 1..255 bytes. */
static int do_ntpserver(struct parser *p, char **arg, unsigned int n)
{
	const char *s;

	(void)n;
	if (strlen(arg[0]) > 255)
		return fail(p, "longer than 255 characters");
	for (s = arg[0]; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return fail(p, "\"%s\" is not a host name or address",
				    arg[0]);
	return set_string(p, &p->c->ntp_server, arg[0]);
}

static int do_ntsport(struct parser *p, char **arg, unsigned int n)
{
	uint32_t v;
	int ret;

	(void)n;
	ret = get_u32(p, NULL, arg[0], 1, 65535, &v);
	if (!ret)
		p->c->nts_port = (uint16_t)v;
	return ret;
}

/* chrony's "port 0" turns the NTP server off; knts is an NTP server. */
/* allow and deny [all] [SUBNET]: chrony's, in their order. */
static int do_access(struct parser *p, char **arg, unsigned int n, bool allow)
{
	char err[256];

	if (access_parse(&p->c->access, allow, arg, n, err, sizeof(err)))
		return fail(p, "%s", err);
	return 0;
}

static int do_allow(struct parser *p, char **arg, unsigned int n)
{
	return do_access(p, arg, n, true);
}

static int do_deny(struct parser *p, char **arg, unsigned int n)
{
	return do_access(p, arg, n, false);
}

/* bindaddress ADDRESS: the NTP sockets' address, once per family. */
static int do_bindaddress(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	if (inet_pton(AF_INET, arg[0], &p->c->bind4) == 1) {
		if (p->c->has_bind4)
			return fail(p, "bindaddress: one IPv4 address only (as chrony)");
		p->c->has_bind4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, arg[0], &p->c->bind6) == 1) {
		if (p->c->has_bind6)
			return fail(p, "bindaddress: one IPv6 address only (as chrony)");
		p->c->has_bind6 = true;
		return 0;
	}
	return fail(p, "bindaddress: '%s' is no IPv4 or IPv6 address", arg[0]);
}

static int do_port(struct parser *p, char **arg, unsigned int n)
{
	uint32_t v;
	int ret;

	(void)n;
	ret = get_u32(p, NULL, arg[0], 0, 65535, &v);
	if (ret)
		return ret;
	if (!v)
		return fail(p, "the NTP port must be set (1..65535), 0 is off");
	p->c->ntp_port = (uint16_t)v;
	return 0;
}

static int do_rotate(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 0, INT32_MAX, &p->c->rotate);
}

static int do_maxconn(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 1, 100000, &p->c->max_connections);
}

static int do_srcconn(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 0, 100000, &p->c->source_connections);
}

static int do_processes(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 0, 64, &p->c->processes);
}

/* An AEAD id knts implements: 15 or 30. */
static int get_aead(struct parser *p, const char *s, uint16_t *aead)
{
	uint32_t v;

	if (parse_u32(s, 15, 30, &v) || !nke_aead_mask((uint16_t)v))
		return fail(p, "AEAD \"%s\": knts has 15 (AES-SIV-CMAC-256) and 30 (AES-128-GCM-SIV)",
			    s);
	*aead = (uint16_t)v;
	return 0;
}

/* chrony's: the AEADs NTS-KE accepts; the client's order decides. */
static int do_aeads(struct parser *p, char **arg, unsigned int n)
{
	unsigned int i, mask = 0;
	uint16_t aead;
	int ret;

	for (i = 0; i < n; i++) {
		ret = get_aead(p, arg[i], &aead);
		if (ret)
			return ret;
		mask |= nke_aead_mask(aead);
	}
	p->c->aeads = mask;
	return 0;
}

static int do_keyaead(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_aead(p, arg[0], &p->c->key_aead);
}

/*
 * As chrony's parse_ratelimit(): the directive enables rate limiting and
 * sets the options it names; the others keep their value.
 */
/* interval, burst and leak options, as chrony's two rate limit directives. */
static int get_ratelimit(struct parser *p, char **arg, unsigned int n,
			 int32_t min_interval, int32_t *interval,
			 uint32_t *burst, uint32_t *leak)
{
	static const char *const names[] = { "interval", "burst", "leak" };
	char *v[3] = { NULL, NULL, NULL };
	int32_t i = *interval;
	uint32_t b = *burst, l = *leak;
	int ret;

	ret = get_options(p, arg, n, names, v, 3);
	if (!ret && v[0])
		ret = get_s32(p, names[0], v[0], min_interval, 12, &i);
	if (!ret && v[1])
		ret = get_u32(p, names[1], v[1], 1, 255, &b);
	if (!ret && v[2])
		ret = get_u32(p, names[2], v[2], 0, 4, &l);
	if (ret)
		return ret;
	*interval = i;
	*burst = b;
	*leak = l;
	return 0;
}

static int do_ratelimit(struct parser *p, char **arg, unsigned int n)
{
	struct conf *c = p->c;
	int ret = get_ratelimit(p, arg, n, -4, &c->rl_interval, &c->rl_burst,
				&c->rl_leak);

	if (!ret)
		c->ratelimit = true;
	return ret;
}

/* chrony's "ratelimit": NTP requests, when kntsd answers them itself. */
static int do_ntp_ratelimit(struct parser *p, char **arg, unsigned int n)
{
	struct conf *c = p->c;
	int ret = get_ratelimit(p, arg, n, -19, &c->ntp_rl_interval,
				&c->ntp_rl_burst, &c->ntp_rl_leak);

	if (!ret)
		c->ntp_ratelimit = true;
	return ret;
}

/* As chrony's "local": each directive is whole, refid back to default. */
static int do_local(struct parser *p, char **arg, unsigned int n)
{
	static const char *const names[] = { "stratum", "refid" };
	char *v[2] = { NULL, NULL };
	uint32_t stratum, refid = CONF_DEF_REFID;
	int ret;

	ret = get_options(p, arg, n, names, v, 2);
	if (ret)
		return ret;
	if (!v[0])
		return fail(p, "stratum N (1..15) is required");
	ret = get_u32(p, names[0], v[0], 1, 15, &stratum);
	if (ret)
		return ret;
	if (v[1] && parse_refid(v[1], &refid))
		return fail(p, "refid \"%s\": want a.b.c.d, 0xHHHHHHHH or 1-4 ASCII",
			    v[1]);
	p->c->local = true;
	p->c->local_stratum = (uint8_t)stratum;
	p->c->local_refid = refid;
	return 0;
}

static int do_ntp(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	if (word_is(arg[0], "auto"))
		p->c->ntp_path = CONF_NTP_AUTO;
	else if (word_is(arg[0], "kernel"))
		p->c->ntp_path = CONF_NTP_KERNEL;
	else if (word_is(arg[0], "userspace"))
		p->c->ntp_path = CONF_NTP_USERSPACE;
	else if (word_is(arg[0], "none"))
		p->c->ntp_path = CONF_NTP_NONE;
	else
		return fail(p, "\"%s\": want auto, kernel, userspace or none",
			    arg[0]);
	return 0;
}

static int do_user(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return set_string(p, &p->c->user, arg[0]);
}

static int do_statusinterval(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 1, 60, &p->c->status_interval);
}

static int do_stale(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	return get_u32(p, NULL, arg[0], 1, 604800, &p->c->stale);
}

/* A Unix socket: an absolute path that fits sun_path with its NUL. */
static int do_control(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	if (arg[0][0] != '/')
		return fail(p, "\"%s\" is not an absolute path", arg[0]);
	if (strlen(arg[0]) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return fail(p, "longer than %zu bytes",
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	return set_string(p, &p->c->control, arg[0]);
}

static int do_chronyd(struct parser *p, char **arg, unsigned int n)
{
	(void)n;
	if (word_is(arg[0], "yes"))
		p->c->chrony_tracking = true;
	else if (word_is(arg[0], "no"))
		p->c->chrony_tracking = false;
	else
		return fail(p, "\"%s\": want yes or no", arg[0]);
	return 0;
}

struct directive {
	const char *name;
	unsigned int min_args, max_args;	/* max < CONF_MAX_WORDS */
	int (*parse)(struct parser *p, char **arg, unsigned int n);
};

static const struct directive directives[] = {
	{ "ntsserverkey",	1, 1, do_serverkey },
	{ "ntsservercert",	1, 1, do_servercert },
	{ "ntsdumpdir",		1, 1, do_dumpdir },
	{ "ntsntpserver",	1, 1, do_ntpserver },
	{ "ntsport",		1, 1, do_ntsport },
	{ "port",		1, 1, do_port },
	{ "bindaddress",	1, 1, do_bindaddress },
	{ "allow",		0, 2, do_allow },
	{ "deny",		0, 2, do_deny },
	{ "ntsrotate",		1, 1, do_rotate },
	{ "maxntsconnections",	1, 1, do_maxconn },
	{ "ntsprocesses",	1, 1, do_processes },
	{ "ntsaeads",		1, 2, do_aeads },
	{ "ntsratelimit",	0, 6, do_ratelimit },
	{ "ratelimit",		0, 6, do_ntp_ratelimit },
	{ "kntslocal",		2, 4, do_local },
	{ "kntsntp",		1, 1, do_ntp },
	{ "kntsuser",		1, 1, do_user },
	{ "kntssourceconnections", 1, 1, do_srcconn },
	{ "kntsstatusinterval",	1, 1, do_statusinterval },
	{ "kntsstale",		1, 1, do_stale },
	{ "kntscontrol",	1, 1, do_control },
	{ "kntschronyd",	1, 1, do_chronyd },
	{ "kntskeyaead",	1, 1, do_keyaead },
};

static const struct directive *find_directive(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (word_is(name, directives[i].name))
			return &directives[i];
	return NULL;
}

static int unknown_directive(const struct parser *p, const char *name)
{
	return report(p, p->line, "unknown directive \"%s\"", name);
}

static int parse_line(struct parser *p, char *line)
{
	const struct directive *d;
	char *w[CONF_MAX_WORDS];
	unsigned int n, nargs;

	n = split_words(line, CONF_BLANKS, w, CONF_MAX_WORDS);
	if (!n || strchr("#!;%", w[0][0]))
		return 0;
	d = find_directive(w[0]);
	if (!d)
		return unknown_directive(p, w[0]);
	p->directive = d->name;
	/* n is CONF_MAX_WORDS + 1 for more words than any directive takes */
	nargs = n - 1;
	if (nargs < d->min_args)
		return fail(p, "missing argument");
	if (nargs > d->max_args)
		return fail(p, "too many arguments");
	return d->parse(p, w + 1, nargs);
}

/* What only the whole file can tell. */
static int check_file(const struct parser *p)
{
	struct conf *c = p->c;
	unsigned int i;

	if (p->nkeys > p->ncrts) {
		i = p->nkeys - 1;
		return report(p, p->key_line[i],
			      "ntsserverkey without an ntsservercert (%u keys, %u certificates; they pair in order)",
			      p->nkeys, p->ncrts);
	}
	if (p->ncrts > p->nkeys) {
		i = p->ncrts - 1;
		return report(p, p->cert_line[i],
			      "ntsservercert without an ntsserverkey (%u certificates, %u keys; they pair in order)",
			      p->ncrts, p->nkeys);
	}
	if ((uint64_t)c->stale < 2 * (uint64_t)c->status_interval)
		return report(p, 0,
			      "kntsstale %u must be at least twice kntsstatusinterval %u",
			      c->stale, c->status_interval);
	access_sort(&c->access);
	return 0;
}

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->dumpdir = strdup(CONF_DEF_DUMPDIR);
	c->nts_port = 4460;
	access_init(&c->access);
	c->ntp_port = 123;
	c->rotate = 604800;
	c->max_connections = 100;
	c->source_connections = 8;
	c->rl_interval = 6;
	c->rl_burst = 8;
	c->rl_leak = 2;
	c->ntp_rl_interval = 3;
	c->ntp_rl_burst = 8;
	c->ntp_rl_leak = 2;
	c->local_refid = CONF_DEF_REFID;
	c->ntp_path = CONF_NTP_KERNEL;
	c->status_interval = 5;
	c->stale = 30;
	c->control = strdup(CONF_DEF_CONTROL);
	c->chrony_tracking = true;
	c->aeads = NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30;
	c->key_aead = NTSKEYS_AEAD;
}

/**
 * conf_parse() - apply the directives of a kntsd.conf text
 * @c: settings, from conf_defaults() (or an earlier conf_parse())
 * @text: the text, NUL terminated; the last line needs no newline
 * @name: file name for messages
 * @err: message buffer, "name:line: what" on error
 * @errlen: its size
 *
 * On error @c holds what was applied so far; conf_free() frees it.
 *
 * Returns 0, -EINVAL, or -ENOMEM.
 */
int conf_parse(struct conf *c, const char *text, const char *name,
	       char *err, size_t errlen)
{
	struct parser p = {
		.c = c, .name = name, .err = err, .errlen = errlen,
		.nkeys = c->ncerts, .ncrts = c->ncerts,
	};
	char line[CONF_MAX_LINE + 1];
	const char *s = text;
	size_t len;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	while (*s) {
		len = strcspn(s, "\n");
		p.line++;
		if (len > CONF_MAX_LINE)
			return report(&p, p.line, "line longer than %d bytes",
				      CONF_MAX_LINE);
		memcpy(line, s, len);
		line[len] = '\0';
		p.directive = NULL;
		ret = parse_line(&p, line);
		if (ret)
			return ret;
		s += len;
		if (*s)
			s++;
	}
	return check_file(&p);
}

static int sys_err(const char *path, char *err, size_t errlen)
{
	int e = errno;

	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	return -e;
}

/* The whole file, NUL terminated, up to CONF_MAX_FILE bytes. */
static int read_file(const char *path, char **out, size_t *outlen,
		     char *err, size_t errlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sys_err(path, err, errlen);
	for (;;) {
		if (len == cap) {
			if (cap > CONF_MAX_FILE) {
				if (err && errlen)
					snprintf(err, errlen,
						 "%s: larger than %d bytes",
						 path, CONF_MAX_FILE);
				ret = -EINVAL;
				break;
			}
			cap = cap ? 2 * cap : 4096;
			if (cap > CONF_MAX_FILE + 1)
				cap = CONF_MAX_FILE + 1;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				errno = ENOMEM;
				ret = sys_err(path, err, errlen);
				break;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = sys_err(path, err, errlen);
			break;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			errno = ENOMEM;
			return sys_err(path, err, errlen);
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/**
 * conf_load() - read a kntsd.conf file and apply it with conf_parse()
 * @c: settings, as for conf_parse()
 * @path: the file; it names the file in messages
 * @err: message buffer, "path: strerror" or "path:line: what" on error
 * @errlen: its size
 *
 * Returns 0 or a negative errno.
 */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	const char *nul, *s;
	char *buf = NULL;
	size_t len = 0;
	int ret, line = 1;

	ret = read_file(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	nul = memchr(buf, '\0', len);
	if (nul) {
		for (s = buf; s < nul; s++)
			line += *s == '\n';
		if (err && errlen)
			snprintf(err, errlen,
				 "%s:%d: NUL byte: not a text file", path, line);
		ret = -EINVAL;
	} else {
		ret = conf_parse(c, buf, path, err, errlen);
	}
	free(buf);
	return ret;
}

void conf_free(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < CONF_MAX_CERTS; i++) {
		free(c->certs[i].key);
		free(c->certs[i].cert);
	}
	free(c->dumpdir);
	free(c->ntp_server);
	free(c->user);
	free(c->control);
	memset(c, 0, sizeof(*c));
}
