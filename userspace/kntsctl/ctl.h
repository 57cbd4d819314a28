/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsctl: shared by its subcommands.
 */
#ifndef KNTS_CTL_H
#define KNTS_CTL_H

#include <stdbool.h>

#include "lib/nl.h"

struct ctl {
	bool json;
	struct knts_nl *nl;	/* opened on first use */
	const char *control;	/* kntsd's control socket */
};

/* What kntsd says on its control socket: "key value" lines. */
#define KNTSD_MAX_VALUES 64
struct kntsd_info {
	bool ok;
	unsigned int n;
	char key[KNTSD_MAX_VALUES][48];
	char value[KNTSD_MAX_VALUES][48];
};

void kntsd_query(const char *path, struct kntsd_info *info);
const char *kntsd_get(const struct kntsd_info *info, const char *key);

#define NEXT_ARG()						\
	do {							\
		argv++;						\
		if (--argc <= 0)				\
			return ctl_missing(argv[-1]);		\
	} while (0)

extern bool ctl_json;

int ctl_missing(const char *after);
int ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
struct knts_nl *ctl_nl(struct ctl *c);
int ctl_nl_error(struct ctl *c, const char *what, int err);

int do_status(struct ctl *c, int argc, char **argv);
int do_serverstats(struct ctl *c, int argc, char **argv);
int do_time(struct ctl *c, int argc, char **argv);
int do_keys(struct ctl *c, int argc, char **argv);
int do_query(struct ctl *c, int argc, char **argv);
int do_socket(struct ctl *c, int argc, char **argv);
int do_config(struct ctl *c, int argc, char **argv);
int do_monitor(struct ctl *c, int argc, char **argv);

/* A served socket, as socket list, status and monitor show it. */
const char *sock_family_name(uint16_t family);
void print_sock_fields(const struct knts_nl_sock *s);

#endif /* KNTS_CTL_H */
