// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/kntsd/config.c: defaults, every directive, comments
 * and blanks, certificate pairs, every error naming file:line, the rules
 * only the whole file can check, last-one-wins, and conf_load() on real
 * files, a missing one and one over 1 MiB.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "kntsd/config.h"
#include "lib/ntske.h"
#include "unit.h"

#define NAME "test.conf"

static char text[4096];

static const char *fmt(const char *f, ...)
	__attribute__((format(printf, 1, 2)));

static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(text, sizeof(text), f, ap);
	va_end(ap);
	return text;
}

/* Defaults, then t. */
static int parse(struct conf *c, const char *t, char *err, size_t errlen)
{
	conf_defaults(c);
	err[0] = '\0';
	return conf_parse(c, t, NAME, err, errlen);
}

/* err must start with "test.conf:LINE: " ("test.conf: " for 0), hold what. */
static bool err_at(const char *err, int line, const char *what)
{
	char want[64];

	if (line > 0)
		snprintf(want, sizeof(want), NAME ":%d: ", line);
	else
		snprintf(want, sizeof(want), NAME ": ");
	if (strncmp(err, want, strlen(want)) || !strstr(err, what)) {
		fprintf(stderr, "  error \"%s\", want \"%s...%s...\"\n", err,
			want, what);
		return false;
	}
	return true;
}

/* t is refused with -EINVAL at line; what is left is freed (ASan). */
static bool fails_at(const char *t, int line, const char *what)
{
	struct conf c;
	char err[512];
	int ret;

	ret = parse(&c, t, err, sizeof(err));
	conf_free(&c);
	if (ret != -EINVAL) {
		fprintf(stderr, "  \"%s\": returned %d, want -EINVAL\n", t,
			ret);
		return false;
	}
	return err_at(err, line, what);
}

static bool parses(const char *t)
{
	struct conf c;
	char err[512];
	int ret;

	ret = parse(&c, t, err, sizeof(err));
	conf_free(&c);
	if (ret)
		fprintf(stderr, "  \"%s\": %d, %s\n", t, ret, err);
	return !ret;
}

static bool is_zero(const struct conf *c)
{
	const unsigned char *p = (const unsigned char *)c;
	size_t i;

	for (i = 0; i < sizeof(*c); i++)
		if (p[i])
			return false;
	return true;
}

static void defaults(void)
{
	struct conf c;
	unsigned int i;

	conf_defaults(&c);
	EXPECT(c.ncerts == 0);
	for (i = 0; i < CONF_MAX_CERTS; i++)
		EXPECT(!c.certs[i].key && !c.certs[i].cert);
	EXPECT(c.dumpdir && !strcmp(c.dumpdir, "/var/lib/knts"));
	EXPECT(c.nts_port == 4460);
	EXPECT(c.ntp_port == 123);
	EXPECT(c.rotate == 604800);
	EXPECT(c.ntp_server == NULL);
	EXPECT(c.max_connections == 100);
	EXPECT(c.source_connections == 8);
	EXPECT(!c.ntp_ratelimit && c.ntp_rl_interval == 3 &&
	       c.ntp_rl_burst == 8 && c.ntp_rl_leak == 2);
	EXPECT(c.processes == 0);
	EXPECT(!c.ratelimit);
	EXPECT(c.rl_interval == 6 && c.rl_burst == 8 && c.rl_leak == 2);
	EXPECT(!c.local);
	EXPECT(c.local_refid == 0x7f7f0101);
	EXPECT(c.ntp_path == CONF_NTP_KERNEL);
	EXPECT(c.user == NULL);
	EXPECT(c.status_interval == 5);
	EXPECT(c.stale == 30);
	EXPECT(c.control && !strcmp(c.control, "/run/knts/kntsd.sock"));
	EXPECT(c.chrony_tracking);
	/* Both AEADs offered in NTS-KE; master keys AEAD 15 (chrony 4.3). */
	EXPECT(c.aeads == (NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30));
	EXPECT(c.key_aead == 15);

	conf_free(&c);
	EXPECT(is_zero(&c));
	conf_free(&c);
	EXPECT(is_zero(&c));

	/* An empty file, or only comments, keeps every default. */
	EXPECT(parses(""));
	EXPECT(parses("\n\n# nothing\n"));
}

static void every_directive(void)
{
	struct conf c;
	char err[512];

	EXPECT(parse(&c,
		     "ntsserverkey /etc/knts/a.key\n"
		     "ntsservercert /etc/knts/a.crt\n"
		     "ntsdumpdir /var/cache/knts\n"
		     "ntsntpserver ntp.example.net\n"
		     "ntsport 14460\n"
		     "port 1123\n"
		     "ntsrotate 0\n"
		     "maxntsconnections 100000\n"
		     "ntsprocesses 64\n"
		     "ntsratelimit interval -4 burst 255 leak 0\n"
		     "kntslocal stratum 1 refid GPS\n"
		     "kntsntp userspace\n"
		     "kntsuser knts\n"
		     "kntsstatusinterval 60\n"
		     "kntsstale 604800\n"
		     "kntscontrol /run/kntsd.sock\n"
		     "kntschronyd no\n"
		     "ntsaeads 15\n"
		     "kntskeyaead 30\n", err, sizeof(err)) == 0);
	EXPECT_STR(err, "");
	EXPECT(c.ncerts == 1);
	EXPECT_STR(c.certs[0].key, "/etc/knts/a.key");
	EXPECT_STR(c.certs[0].cert, "/etc/knts/a.crt");
	EXPECT(!c.certs[1].key && !c.certs[1].cert);
	EXPECT_STR(c.dumpdir, "/var/cache/knts");
	EXPECT_STR(c.ntp_server, "ntp.example.net");
	EXPECT(c.nts_port == 14460);
	EXPECT(c.ntp_port == 1123);
	EXPECT(c.rotate == 0);
	EXPECT(c.max_connections == 100000);
	EXPECT(c.processes == 64);
	EXPECT(c.ratelimit);
	EXPECT(c.rl_interval == -4 && c.rl_burst == 255 && c.rl_leak == 0);
	EXPECT(c.local && c.local_stratum == 1);
	EXPECT(c.local_refid == 0x47505300);	/* "GPS" */
	EXPECT(c.ntp_path == CONF_NTP_USERSPACE);
	EXPECT_STR(c.user, "knts");
	EXPECT(c.status_interval == 60);
	EXPECT(c.stale == 604800);
	EXPECT_STR(c.control, "/run/kntsd.sock");
	EXPECT(!c.chrony_tracking);
	EXPECT(c.aeads == NKE_AEAD_MASK_15);
	EXPECT(c.key_aead == 30);
	conf_free(&c);
	EXPECT(is_zero(&c));

	/* The other values of each, options in another order, the limits. */
	EXPECT(parse(&c,
		     "ntsport 1\nport 65535\nntsrotate 2147483647\n"
		     "maxntsconnections 1\nntsprocesses 0\n"
		     "kntssourceconnections 0\n"
		     "ratelimit interval -19 burst 255 leak 0\n"
		     "ntsratelimit leak 4 interval 12\n"
		     "kntslocal refid 192.0.2.1 stratum 15\n"
		     "kntsntp kernel\nkntschronyd yes\n"
		     "kntsstatusinterval 1\nkntsstale 2\n", err,
		     sizeof(err)) == 0);
	EXPECT(c.nts_port == 1 && c.ntp_port == 65535);
	EXPECT(c.rotate == 2147483647u);
	EXPECT(c.max_connections == 1 && c.processes == 0);
	EXPECT(c.source_connections == 0);
	EXPECT(c.ntp_ratelimit && c.ntp_rl_interval == -19 &&
	       c.ntp_rl_burst == 255 && c.ntp_rl_leak == 0);
	EXPECT(c.ratelimit && c.rl_interval == 12 && c.rl_leak == 4);
	EXPECT(c.rl_burst == 8);
	EXPECT(c.local && c.local_stratum == 15);
	EXPECT(c.local_refid == 0xc0000201);
	EXPECT(c.ntp_path == CONF_NTP_KERNEL);
	EXPECT(c.chrony_tracking);
	EXPECT(c.status_interval == 1 && c.stale == 2);
	conf_free(&c);

	/* ntsratelimit alone turns it on with chrony's defaults. */
	EXPECT(parse(&c, "ntsratelimit\nkntsntp auto\n"
		     "kntslocal stratum 10 refid 0x0A0b0C0d\n", err,
		     sizeof(err)) == 0);
	EXPECT(c.ratelimit);
	EXPECT(c.rl_interval == 6 && c.rl_burst == 8 && c.rl_leak == 2);
	EXPECT(c.ntp_path == CONF_NTP_AUTO);
	EXPECT(c.local_refid == 0x0a0b0c0d);
	EXPECT(c.local && c.local_stratum == 10);
	conf_free(&c);

	/* kntslocal without refid: chrony's 127.127.1.1. */
	EXPECT(parse(&c, "kntslocal stratum 3", err, sizeof(err)) == 0);
	EXPECT(c.local && c.local_stratum == 3);
	EXPECT(c.local_refid == 0x7f7f0101);
	conf_free(&c);

	/* Limits: 255-byte server name, 107-byte control path. */
	fmt("ntsntpserver %0255d\n", 7);
	EXPECT(parse(&c, text, err, sizeof(err)) == 0);
	EXPECT(c.ntp_server && strlen(c.ntp_server) == 255);
	conf_free(&c);
	fmt("kntscontrol /%0106d\n", 7);
	EXPECT(parse(&c, text, err, sizeof(err)) == 0);
	EXPECT(c.control && strlen(c.control) == 107);
	conf_free(&c);
}

/* ntsaeads ID [ID] and kntskeyaead ID: 15 and 30 only, errors at file:line. */
static void aead_directives(void)
{
	static const struct {
		const char *text;
		unsigned int aeads;
		uint16_t key_aead;
	} good[] = {
		{ "ntsaeads 30 15\n", 3, 15 },
		{ "ntsaeads 15 30\n", 3, 15 },
		{ "ntsaeads 15\n", 1, 15 },
		{ "ntsaeads 30\n", 2, 15 },
		{ "ntsaeads 30 30\n", 2, 15 },
		{ "NTSAEADS\t15\nKntsKeyAead 30\n", 1, 30 },
		{ "kntskeyaead 30\n", 3, 30 },
		{ "kntskeyaead 15\n", 3, 15 },
		/* The last one wins. */
		{ "ntsaeads 15\nntsaeads 30\nkntskeyaead 30\nkntskeyaead 15\n",
		  2, 15 },
	};
	struct conf c;
	char err[512];
	unsigned int i;

	EXPECT(NKE_AEAD_MASK_15 == 1 && NKE_AEAD_MASK_30 == 2);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT(parse(&c, good[i].text, err, sizeof(err)) == 0);
		if (c.aeads != good[i].aeads || c.key_aead != good[i].key_aead)
			fprintf(stderr, "  \"%s\": aeads %u, key AEAD %u\n",
				good[i].text, c.aeads, c.key_aead);
		EXPECT(c.aeads == good[i].aeads);
		EXPECT(c.key_aead == good[i].key_aead);
		conf_free(&c);
	}

	EXPECT(fails_at("ntsaeads 16\n", 1, "ntsaeads: AEAD \"16\""));
	EXPECT(fails_at("\nntsaeads 30 31\n", 2, "ntsaeads: AEAD \"31\""));
	EXPECT(fails_at("ntsaeads 14\n", 1, "AEAD \"14\": knts has 15"));
	EXPECT(fails_at("ntsaeads 0x1e\n", 1, "ntsaeads: AEAD \"0x1e\""));
	EXPECT(fails_at("ntsaeads siv\n", 1, "ntsaeads: AEAD \"siv\""));
	EXPECT(fails_at("ntsaeads -15\n", 1, "ntsaeads: AEAD \"-15\""));
	EXPECT(fails_at("ntsaeads\n", 1, "ntsaeads: missing argument"));
	EXPECT(fails_at("ntsaeads 15 30 15\n", 1,
			"ntsaeads: too many arguments"));
	EXPECT(fails_at("port 123\nkntskeyaead 16\n", 2,
			"kntskeyaead: AEAD \"16\""));
	EXPECT(fails_at("kntskeyaead 0\n", 1, "kntskeyaead: AEAD \"0\""));
	EXPECT(fails_at("kntskeyaead 30.0\n", 1, "kntskeyaead: AEAD"));
	EXPECT(fails_at("kntskeyaead\n", 1, "kntskeyaead: missing argument"));
	EXPECT(fails_at("kntskeyaead 15 30\n", 1,
			"kntskeyaead: too many arguments"));
}

static void comments_and_blanks(void)
{
	struct conf c;
	char err[512];

	EXPECT(parse(&c,
		     "# kntsd.conf\n"
		     "! chrony's other comment characters\n"
		     "; all four\n"
		     "% of them\n"
		     "   # indented comment\n"
		     "\t!ntsport 1\n"
		     "#ntsport 2\n"
		     "\n"
		     "   \t  \n"
		     "  ntsport\t\t 5000  \n"
		     "\tport   2000\t\n"
		     "ntsratelimit\tinterval 3  \t burst\t9\n"
		     "ntsdumpdir /srv/knts\r\n"
		     "kntsuser nobody", err, sizeof(err)) == 0);
	EXPECT(c.nts_port == 5000);
	EXPECT(c.ntp_port == 2000);
	EXPECT(c.ratelimit && c.rl_interval == 3 && c.rl_burst == 9);
	/* CR of a CRLF line is white space, as chrony's isspace() has it. */
	EXPECT_STR(c.dumpdir, "/srv/knts");
	/* The last line needs no newline. */
	EXPECT_STR(c.user, "nobody");
	conf_free(&c);

	/* A comment is a whole line: not after a directive. */
	EXPECT(fails_at("ntsport 4460 # NTS-KE\n", 1,
			"ntsport: too many arguments"));
	/* Blank and comment lines count. */
	EXPECT(fails_at("#\n\n  \n!\nbogus\n", 5, "unknown directive"));
	/* No final newline: the last line is still numbered. */
	EXPECT(fails_at("ntsport 1\nntsport x", 2, "ntsport"));
}

static void cert_pairs(void)
{
	struct conf c;
	char err[512];
	unsigned int i;
	int len = 0;

	/* Keys first, then certificates: paired by order. */
	EXPECT(parse(&c,
		     "ntsserverkey /k1\nntsserverkey /k2\nntsserverkey /k3\n"
		     "ntsservercert /c1\n# between\nntsservercert /c2\n"
		     "ntsservercert /c3\n", err, sizeof(err)) == 0);
	EXPECT(c.ncerts == 3);
	EXPECT_STR(c.certs[0].key, "/k1");
	EXPECT_STR(c.certs[0].cert, "/c1");
	EXPECT_STR(c.certs[1].key, "/k2");
	EXPECT_STR(c.certs[1].cert, "/c2");
	EXPECT_STR(c.certs[2].key, "/k3");
	EXPECT_STR(c.certs[2].cert, "/c3");
	EXPECT(!c.certs[3].key && !c.certs[3].cert);
	conf_free(&c);

	/* Interleaved, certificate first. */
	EXPECT(parse(&c, "ntsservercert /c1\nntsserverkey /k1\n"
		     "ntsserverkey /k2\nntsservercert /c2\n", err,
		     sizeof(err)) == 0);
	EXPECT(c.ncerts == 2);
	EXPECT_STR(c.certs[1].key, "/k2");
	EXPECT_STR(c.certs[1].cert, "/c2");
	conf_free(&c);

	/* CONF_MAX_CERTS pairs, and no more. */
	for (i = 0; i < CONF_MAX_CERTS; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len,
				"ntsserverkey /k%u\nntsservercert /c%u\n", i, i);
	EXPECT(parse(&c, text, err, sizeof(err)) == 0);
	EXPECT(c.ncerts == CONF_MAX_CERTS);
	EXPECT_STR(c.certs[CONF_MAX_CERTS - 1].key, "/k7");
	EXPECT_STR(c.certs[CONF_MAX_CERTS - 1].cert, "/c7");
	conf_free(&c);
	snprintf(text + len, sizeof(text) - (size_t)len,
		 "ntsservercert /c8\n");
	EXPECT(fails_at(text, 2 * CONF_MAX_CERTS + 1,
			"ntsservercert: more than 8"));
	snprintf(text + len, sizeof(text) - (size_t)len,
		 "ntsserverkey /k8\n");
	EXPECT(fails_at(text, 2 * CONF_MAX_CERTS + 1,
			"ntsserverkey: more than 8"));
}

static void unmatched_certs(void)
{
	/* The error names the last directive without a partner. */
	EXPECT(fails_at("ntsserverkey /k1\n", 1,
			"ntsserverkey without an ntsservercert"));
	EXPECT(fails_at("ntsservercert /c1\n", 1,
			"ntsservercert without an ntsserverkey"));
	EXPECT(fails_at("ntsserverkey /k1\nntsserverkey /k2\n#\n"
			"ntsservercert /c1\nport 123\n", 2,
			"(2 keys, 1 certificates"));
	EXPECT(fails_at("ntsservercert /c1\nntsserverkey /k1\n"
			"ntsservercert /c2\n\nntsservercert /c3\nport 9\n",
			5, "(3 certificates, 1 keys"));
}

static void errors_name_the_line(void)
{
	char line[2100];

	/* Unknown directives; case is ignored, as chrony ignores it. */
	EXPECT(fails_at("ntsport 1\nserver ntp.example.net iburst\n", 2,
			"unknown directive \"server\""));
	{
		struct conf c;
		char err[256];

		conf_defaults(&c);
		EXPECT(conf_parse(&c, "NTSPORT 4461\nKntsNtp UserSpace\n",
				  "test.conf", err, sizeof(err)) == 0);
		EXPECT(c.nts_port == 4461 && c.ntp_path == CONF_NTP_USERSPACE);
		conf_free(&c);
	}
	EXPECT(fails_at("ntsports 4460\n", 1, "unknown directive"));

	/* Missing and extra arguments. */
	EXPECT(fails_at("ntsport\n", 1, "ntsport: missing argument"));
	EXPECT(fails_at("\n  ntsserverkey  \n", 2,
			"ntsserverkey: missing argument"));
	EXPECT(fails_at("ntsservercert\n", 1, "ntsservercert: missing"));
	EXPECT(fails_at("ntsdumpdir\n", 1, "ntsdumpdir: missing argument"));
	EXPECT(fails_at("kntsuser\n", 1, "kntsuser: missing argument"));
	EXPECT(fails_at("kntslocal\n", 1, "kntslocal: missing argument"));
	EXPECT(fails_at("kntslocal stratum\n", 1,
			"kntslocal: missing argument"));
	EXPECT(fails_at("kntsntp\n", 1, "kntsntp: missing argument"));
	EXPECT(fails_at("kntsstale\n", 1, "kntsstale: missing argument"));
	EXPECT(fails_at("ntsserverkey /a /b\n", 1,
			"ntsserverkey: too many arguments"));
	EXPECT(fails_at("ntsdumpdir /var/lib/my knts\n", 1,
			"ntsdumpdir: too many arguments"));
	EXPECT(fails_at("port 123 124\n", 1, "port: too many arguments"));
	EXPECT(fails_at("kntschronyd yes no\n", 1, "kntschronyd: too many"));
	EXPECT(fails_at("ntsratelimit interval 1 burst 2 leak 3 interval\n",
			1, "ntsratelimit: too many arguments"));
	EXPECT(fails_at("ntsratelimit a b c d e f g h i j k l\n", 1,
			"ntsratelimit: too many arguments"));
	EXPECT(fails_at("kntslocal stratum 1 refid X orphan\n", 1,
			"kntslocal: too many arguments"));

	/* Numbers: decimal, whole word, in range. */
	EXPECT(fails_at("ntsport 0\n", 1,
			"ntsport: \"0\" is not a number in 1..65535"));
	EXPECT(fails_at("ntsport 65536\n", 1, "ntsport: \"65536\""));
	EXPECT(fails_at("ntsport 0x10\n", 1, "ntsport: \"0x10\""));
	EXPECT(fails_at("ntsport 44x\n", 1, "ntsport: \"44x\""));
	EXPECT(fails_at("ntsport +4460\n", 1, "ntsport: \"+4460\""));
	EXPECT(fails_at("ntsport -1\n", 1, "ntsport: \"-1\""));
	EXPECT(fails_at("ntsport 99999999999999999999\n", 1, "ntsport:"));
	EXPECT(fails_at("port 0\n", 1, "port: the NTP port must be set"));
	EXPECT(fails_at("port 00\n", 1, "port: the NTP port must be set"));
	EXPECT(fails_at("port 65536\n", 1, "port: \"65536\" is not a number"));
	EXPECT(fails_at("ntsrotate 2147483648\n", 1,
			"ntsrotate: \"2147483648\" is not a number in 0..2147483647"));
	EXPECT(fails_at("ntsrotate 1.5\n", 1, "ntsrotate: \"1.5\""));
	EXPECT(fails_at("maxntsconnections 0\n", 1,
			"maxntsconnections: \"0\" is not a number in 1..100000"));
	EXPECT(fails_at("maxntsconnections 100001\n", 1,
			"maxntsconnections:"));
	EXPECT(fails_at("ratelimit interval -20\n", 1,
			"ratelimit: interval \"-20\" is not a number in -19..12"));
	EXPECT(fails_at("kntssourceconnections -1\n", 1,
			"kntssourceconnections: \"-1\" is not a number in 0..100000"));
	EXPECT(fails_at("ntsprocesses 65\n", 1,
			"ntsprocesses: \"65\" is not a number in 0..64"));
	EXPECT(fails_at("kntsstatusinterval 0\n", 1,
			"kntsstatusinterval: \"0\" is not a number in 1..60"));
	EXPECT(fails_at("kntsstatusinterval 61\n", 1, "kntsstatusinterval:"));
	EXPECT(fails_at("kntsstale 0\n", 1,
			"kntsstale: \"0\" is not a number in 1..604800"));
	EXPECT(fails_at("kntsstale 604801\n", 1, "kntsstale:"));

	/* ntsratelimit options. */
	EXPECT(fails_at("ntsratelimit interval -5\n", 1,
			"ntsratelimit: interval \"-5\" is not a number in -4..12"));
	EXPECT(fails_at("ntsratelimit interval 13\n", 1,
			"ntsratelimit: interval \"13\""));
	EXPECT(fails_at("ntsratelimit burst 0\n", 1,
			"ntsratelimit: burst \"0\" is not a number in 1..255"));
	EXPECT(fails_at("ntsratelimit burst 256\n", 1, "burst \"256\""));
	EXPECT(fails_at("ntsratelimit leak 5\n", 1,
			"ntsratelimit: leak \"5\" is not a number in 0..4"));
	EXPECT(fails_at("ntsratelimit leak -0\n", 1, "leak \"-0\""));
	EXPECT(fails_at("ntsratelimit kod 2\n", 1,
			"ntsratelimit: unknown option \"kod\""));
	EXPECT(fails_at("ntsratelimit burst 2 interval 3 burst 4\n", 1,
			"ntsratelimit: burst given twice"));
	EXPECT(fails_at("ntsratelimit burst\n", 1,
			"ntsratelimit: burst: missing value"));
	EXPECT(fails_at("ntsratelimit interval 3 leak\n", 1,
			"ntsratelimit: leak: missing value"));

	/* kntslocal. */
	EXPECT(fails_at("kntslocal refid GPS\n", 1,
			"kntslocal: stratum N (1..15) is required"));
	EXPECT(fails_at("kntslocal stratum 0\n", 1,
			"kntslocal: stratum \"0\" is not a number in 1..15"));
	EXPECT(fails_at("kntslocal stratum 16\n", 1, "stratum \"16\""));
	EXPECT(fails_at("kntslocal stratum 1 refid TOOLONG\n", 1,
			"kntslocal: refid \"TOOLONG\""));
	EXPECT(fails_at("kntslocal stratum 1 refid 0x1234567\n", 1,
			"kntslocal: refid \"0x1234567\""));
	EXPECT(fails_at("kntslocal stratum 1 orphan 1\n", 1,
			"kntslocal: unknown option \"orphan\""));
	EXPECT(fails_at("kntslocal stratum 1 stratum 2\n", 1,
			"kntslocal: stratum given twice"));
	EXPECT(fails_at("kntslocal stratum 1 refid\n", 1,
			"kntslocal: refid: missing value"));

	/* Words. */
	EXPECT(fails_at("kntsntp both\n", 1,
			"kntsntp: \"both\": want auto, kernel, userspace or none"));
	EXPECT(fails_at("kntschronyd 1\n", 1,
			"kntschronyd: \"1\": want yes or no"));
	EXPECT(fails_at("kntschronyd true\n", 1, "kntschronyd: \"true\""));

	/* Names and paths. */
	EXPECT(fails_at(fmt("ntsntpserver %0256d\n", 7), 1,
			"ntsntpserver: longer than 255 characters"));
	EXPECT(fails_at("ntsntpserver ntp\x01.example\n", 1,
			"ntsntpserver: \"ntp\x01.example\" is not a host name"));
	EXPECT(fails_at("kntscontrol run/kntsd.sock\n", 1,
			"kntscontrol: \"run/kntsd.sock\" is not an absolute path"));
	EXPECT(fails_at(fmt("kntscontrol /%0107d\n", 7), 1,
			"kntscontrol: longer than 107 bytes"));

	/* Lines: 2048 bytes are fine, 2049 are not. */
	memset(line, 0, sizeof(line));
	strcpy(line, "#\n#");
	memset(line + 3, 'x', 2047);
	EXPECT(strlen(line) == 2 + 2048);
	EXPECT(parses(line));
	line[3 + 2047] = 'x';
	EXPECT(fails_at(line, 2, "line longer than 2048 bytes"));
	/* ... even when it would be a valid directive. */
	memset(line, ' ', 2049);
	memcpy(line + 2049 - strlen("port 1"), "port 1", strlen("port 1"));
	line[2049] = '\0';
	EXPECT(fails_at(line, 1, "line longer than 2048 bytes"));
	line[0] = '\n';
	EXPECT(parses(line));

	/* An error after strings were set leaves nothing to leak (ASan). */
	EXPECT(fails_at("ntsserverkey /k\nntsservercert /c\nntsserverkey /k2\n"
			"ntsdumpdir /d\nkntsuser u\nntsntpserver s\n"
			"kntscontrol /c\nbogus\n", 8, "bogus"));
}

/* bindaddress: chrony's, one address per family; the wildcard otherwise. */
static void bind_addresses(void)
{
	struct conf c;
	char err[512];
	struct in6_addr v6;

	EXPECT(parse(&c, "port 123\n", err, sizeof(err)) == 0);
	EXPECT(!c.has_bind4 && !c.has_bind6);
	conf_free(&c);
	EXPECT(parse(&c, "bindaddress 192.0.2.7\nbindaddress 2001:db8::7\n",
		     err, sizeof(err)) == 0);
	EXPECT(c.has_bind4 && c.has_bind6);
	EXPECT(c.bind4.s_addr == htonl(0xc0000207));
	inet_pton(AF_INET6, "2001:db8::7", &v6);
	EXPECT(!memcmp(&c.bind6, &v6, sizeof(v6)));
	conf_free(&c);
	EXPECT(fails_at("bindaddress 192.0.2.7\nbindaddress 192.0.2.8\n", 2,
			"bindaddress: one IPv4 address only"));
	EXPECT(fails_at("bindaddress ::1\nbindaddress ::2\n", 2,
			"bindaddress: one IPv6 address only"));
	EXPECT(fails_at("bindaddress ntp.example\n", 1,
			"bindaddress: 'ntp.example' is no IPv4 or IPv6 address"));
	EXPECT(fails_at("bindaddress\n", 1, "bindaddress"));
}

/* The verdict for ADDR under the directives TEXT, as chronyd would give. */
static int verdict(const char *text, const char *addr)
{
	struct conf c;
	char err[512];
	uint8_t a[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET, v;

	if (parse(&c, text, err, sizeof(err)) || inet_pton(family, addr, a) != 1)
		return -1;
	v = access_check(&c.access, family, a);
	conf_free(&c);
	return v;
}

/* allow and deny: chrony's table, its nibble levels and "all" included. */
static void access_rules(void)
{
	/* Nobody by default; "allow" alone, everybody. */
	EXPECT(verdict("port 123\n", "192.0.2.1") == 0);
	EXPECT(verdict("port 123\n", "2001:db8::1") == 0);
	EXPECT(verdict("allow\n", "192.0.2.1") == 1);
	EXPECT(verdict("allow\n", "2001:db8::1") == 1);
	EXPECT(verdict("allow all\ndeny\n", "2001:db8::1") == 0);
	/* The longest subnet decides, whatever the order. */
	EXPECT(verdict("allow 192.168.0.0/16\ndeny 192.168.100.0/24\n",
		       "192.168.1.1") == 1);
	EXPECT(verdict("allow 192.168.0.0/16\ndeny 192.168.100.0/24\n",
		       "192.168.100.5") == 0);
	EXPECT(verdict("deny 192.168.100.0/24\nallow 192.168.0.0/16\n",
		       "192.168.100.5") == 0);
	EXPECT(verdict("allow 192.168.0.0/16\ndeny 192.168.100.0/24\n",
		       "10.0.0.1") == 0);
	/* "all" drops the narrower lines before it, not those after. */
	EXPECT(verdict("deny 192.168.100.0/24\nallow all 192.168.0.0/16\n",
		       "192.168.100.5") == 1);
	EXPECT(verdict("allow all 192.168.0.0/16\ndeny 192.168.100.0/24\n",
		       "192.168.100.5") == 0);
	EXPECT(verdict("allow 10/8\ndeny 10.1/16\ndeny all\n", "10.2.0.1") == 0);
	/* chrony's four-bit levels: a /22 sets its four /24 nodes. */
	EXPECT(verdict("deny 10.0.1.0/24\nallow 10.0.0.0/22\n", "10.0.1.5") == 1);
	EXPECT(verdict("allow 10.0.0.0/22\ndeny 10.0.1.0/24\n", "10.0.1.5") == 0);
	EXPECT(verdict("allow 10.0.0.0/22\n", "10.0.3.255") == 1);
	EXPECT(verdict("allow 10.0.0.0/22\n", "10.0.4.0") == 0);
	EXPECT(verdict("allow 10.0.0.0/21\n", "10.0.7.1") == 1);
	EXPECT(verdict("allow 10.0.0.0/23\ndeny 10.0.0.128/25\n", "10.0.0.200") == 0);
	/* 1 to 3 numbers: a network of 8, 16 or 24 bits. */
	EXPECT(verdict("allow 192.168\n", "192.168.77.1") == 1);
	EXPECT(verdict("allow 192.168\n", "192.169.0.1") == 0);
	EXPECT(verdict("allow 10\n", "10.200.0.1") == 1);
	EXPECT(verdict("allow 10.1.2\n", "10.1.2.9") == 1);
	EXPECT(verdict("allow 10.1.2/23\n", "10.1.3.9") == 1);
	/* IPv6, and the families apart. */
	EXPECT(verdict("allow 2001:db8::/32\ndeny 2001:db8:1::/48\n",
		       "2001:db8:2::1") == 1);
	EXPECT(verdict("allow 2001:db8::/32\ndeny 2001:db8:1::/48\n",
		       "2001:db8:1::1") == 0);
	EXPECT(verdict("allow 0/0\n", "2001:db8::1") == 0);
	EXPECT(verdict("allow ::/0\n", "2001:db8::1") == 1);
	EXPECT(verdict("allow ::/0\n", "192.0.2.1") == 0);
	EXPECT(verdict("allow 192.0.2.1\n", "192.0.2.1") == 1);
	EXPECT(verdict("allow 192.0.2.1\n", "192.0.2.2") == 0);

	EXPECT(fails_at("allow 1.2.3.4/33\n", 1, "allow: \"1.2.3.4/33\" is no subnet"));
	EXPECT(fails_at("deny 300.1\n", 1, "deny: \"300.1\" is no subnet"));
	EXPECT(fails_at("allow ntp.example\n", 1, "host names are not resolved"));
	EXPECT(fails_at("allow all 10/8 11/8\n", 1, "too many arguments"));
	EXPECT(fails_at("allow 10/8 11/8\n", 1, "one subnet a line"));
	EXPECT(fails_at("allow 10/-1\n", 1, "is no subnet"));
	EXPECT(fails_at("allow 1.2.3.4.5\n", 1, "is no subnet"));
}

static void stale_vs_interval(void)
{
	struct conf c;
	char err[512];

	/* The default kntsstale (30) is too short for an interval of 20. */
	EXPECT(fails_at("kntsstatusinterval 20\n", 0,
			"kntsstale 30 must be at least twice kntsstatusinterval 20"));
	EXPECT(fails_at("kntsstale 9\n", 0, "kntsstale 9 must be"));
	EXPECT(fails_at("kntsstale 9\nkntsstatusinterval 5\n", 0,
			"kntsstale 9"));
	/* Either order, the final values count. */
	EXPECT(parse(&c, "kntsstatusinterval 20\nkntsstale 40\n", err,
		     sizeof(err)) == 0);
	EXPECT(c.status_interval == 20 && c.stale == 40);
	conf_free(&c);
	EXPECT(parses("kntsstale 40\nkntsstatusinterval 20\n"));
	EXPECT(parses("kntsstale 10\n"));
	EXPECT(parses("kntsstatusinterval 15\n"));
	/* The key/cert pairing is reported first. */
	EXPECT(fails_at("kntsstale 1\nntsserverkey /k\n", 2,
			"ntsserverkey without"));
}

static void last_one_wins(void)
{
	struct conf c;
	char err[512];

	EXPECT(parse(&c,
		     "ntsdumpdir /a\nntsdumpdir /b\n"
		     "kntsuser a\nkntsuser b\n"
		     "ntsntpserver a\nntsntpserver b\n"
		     "kntscontrol /a\nkntscontrol /b\n"
		     "ntsport 1\nntsport 2\nport 3\nport 4\n"
		     "kntsntp kernel\nkntsntp userspace\n"
		     "kntschronyd no\nkntschronyd yes\n"
		     "kntslocal stratum 2 refid GPS\nkntslocal stratum 3\n"
		     "ntsratelimit interval 1 burst 2\nntsratelimit leak 3\n",
		     err, sizeof(err)) == 0);
	EXPECT_STR(c.dumpdir, "/b");
	EXPECT_STR(c.user, "b");
	EXPECT_STR(c.ntp_server, "b");
	EXPECT_STR(c.control, "/b");
	EXPECT(c.nts_port == 2 && c.ntp_port == 4);
	EXPECT(c.ntp_path == CONF_NTP_USERSPACE);
	EXPECT(c.chrony_tracking);
	/* kntslocal is whole, as chrony's local: refid back to default. */
	EXPECT(c.local && c.local_stratum == 3);
	EXPECT(c.local_refid == 0x7f7f0101);
	/* ntsratelimit sets what it names, as chrony's. */
	EXPECT(c.ratelimit);
	EXPECT(c.rl_interval == 1 && c.rl_burst == 2 && c.rl_leak == 3);
	conf_free(&c);
}

/* A second conf_parse() on the same settings applies on top. */
static void parse_twice(void)
{
	struct conf c;
	char err[512];

	EXPECT(parse(&c, "ntsserverkey /k1\nntsservercert /c1\nport 5\n",
		     err, sizeof(err)) == 0);
	EXPECT(conf_parse(&c, "ntsservercert /c2\nntsserverkey /k2\n",
			  "second", err, sizeof(err)) == 0);
	EXPECT(c.ncerts == 2 && c.ntp_port == 5);
	EXPECT_STR(c.certs[1].key, "/k2");
	EXPECT_STR(c.certs[1].cert, "/c2");
	EXPECT(conf_parse(&c, "\nntsserverkey /k3\n", "second", err,
			  sizeof(err)) == -EINVAL);
	EXPECT_STR(err,
		   "second:2: ntsserverkey without an ntsservercert (3 keys, 2 certificates; they pair in order)");
	conf_free(&c);
}

static void small_err_buffer(void)
{
	struct conf c;
	char err[16];

	memset(err, 'Z', sizeof(err));
	EXPECT(parse(&c, "bogus\n", err, 8) == -EINVAL);
	EXPECT(strlen(err) == 7);
	EXPECT_STR(err, "test.co");
	EXPECT(err[8] == 'Z');
	conf_free(&c);

	/* Cut in the directive part and in the message. */
	EXPECT(parse(&c, "ntsport 0\n", err, 14) == -EINVAL);
	EXPECT_STR(err, "test.conf:1: ");
	conf_free(&c);
	EXPECT(parse(&c, "ntsport 0\n", err, 16) == -EINVAL);
	EXPECT_STR(err, "test.conf:1: nt");
	conf_free(&c);

	conf_defaults(&c);
	EXPECT(conf_parse(&c, "bogus\n", NAME, NULL, 0) == -EINVAL);
	EXPECT(conf_parse(&c, "port 1\n", NAME, err, 1) == 0);
	EXPECT(err[0] == '\0');
	conf_free(&c);
}

static char *temp_file(const char *content, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/knts-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, content, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	return path;
}

static void load_file(void)
{
	struct conf c;
	char err[512], want[128], *path;
	static const char conf[] =
		"# kntsd.conf\nntsserverkey /etc/knts/k.pem\n"
		"ntsservercert /etc/knts/c.pem\nntsport 4461\n";

	path = temp_file(conf, strlen(conf));
	EXPECT(path != NULL);
	if (!path)
		return;
	conf_defaults(&c);
	EXPECT(conf_load(&c, path, err, sizeof(err)) == 0);
	EXPECT(c.ncerts == 1 && c.nts_port == 4461);
	EXPECT_STR(c.certs[0].cert, "/etc/knts/c.pem");
	conf_free(&c);
	unlink(path);

	/* Parse errors name the path and line. */
	path = temp_file("port 1\n\nport 0\n", 15);
	EXPECT(path != NULL);
	if (!path)
		return;
	conf_defaults(&c);
	EXPECT(conf_load(&c, path, err, sizeof(err)) == -EINVAL);
	snprintf(want, sizeof(want), "%s:3: port: ", path);
	EXPECT(!strncmp(err, want, strlen(want)));
	conf_free(&c);
	unlink(path);

	/* A NUL byte: not a text file, at its line. */
	path = temp_file("port 1\npo\0rt 2\n", 15);
	EXPECT(path != NULL);
	if (!path)
		return;
	conf_defaults(&c);
	EXPECT(conf_load(&c, path, err, sizeof(err)) == -EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte", path);
	EXPECT(!strncmp(err, want, strlen(want)));
	conf_free(&c);
	unlink(path);

	/* An empty file. */
	path = temp_file("", 0);
	EXPECT(path != NULL);
	if (!path)
		return;
	conf_defaults(&c);
	EXPECT(conf_load(&c, path, err, sizeof(err)) == 0);
	EXPECT(c.ntp_port == 123);
	conf_free(&c);
	unlink(path);

	/* Gone: "PATH: strerror". */
	conf_defaults(&c);
	EXPECT(conf_load(&c, path, err, sizeof(err)) == -ENOENT);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	EXPECT_STR(err, want);
	EXPECT(conf_load(&c, "/tmp", err, sizeof(err)) == -EISDIR);
	EXPECT_STR(err, fmt("/tmp: %s", strerror(EISDIR)));
	conf_free(&c);
}

static void load_size_limit(void)
{
	size_t mib = 1024 * 1024;
	struct conf c;
	char err[512], want[128], *big, *path;

	big = malloc(mib + 1);
	EXPECT(big != NULL);
	if (!big)
		return;
	/* 1 MiB of blank lines and a directive at the very end: read. */
	memset(big, '\n', mib + 1);
	memcpy(big + mib - strlen("port 7\n"), "port 7\n", strlen("port 7\n"));
	path = temp_file(big, mib);
	EXPECT(path != NULL);
	if (path) {
		conf_defaults(&c);
		EXPECT(conf_load(&c, path, err, sizeof(err)) == 0);
		EXPECT(c.ntp_port == 7);
		conf_free(&c);
		unlink(path);
	}

	/* One byte more: refused. */
	path = temp_file(big, mib + 1);
	EXPECT(path != NULL);
	if (path) {
		conf_defaults(&c);
		EXPECT(conf_load(&c, path, err, sizeof(err)) == -EINVAL);
		snprintf(want, sizeof(want), "%s: larger than 1048576 bytes",
			 path);
		EXPECT_STR(err, want);
		EXPECT(c.ntp_port == 123);
		conf_free(&c);
		unlink(path);
	}
	free(big);
}

int main(void)
{
	unit_file = "config";
	RUN(defaults);
	RUN(every_directive);
	RUN(aead_directives);
	RUN(comments_and_blanks);
	RUN(cert_pairs);
	RUN(unmatched_certs);
	RUN(errors_name_the_line);
	RUN(bind_addresses);
	RUN(access_rules);
	RUN(stale_vs_interval);
	RUN(last_one_wins);
	RUN(parse_twice);
	RUN(small_err_buffer);
	RUN(load_file);
	RUN(load_size_limit);
	return unit_any_failed;
}
