// SPDX-License-Identifier: GPL-2.0
/*
 * qprof: a QEMU 7.2 TCG plugin that profiles guest instructions on vCPU 0
 * by translation block, for knts's benchmark (tests/bench/qprof_report.py
 * maps the blocks to guest symbols).  The guest prints, on the serial port
 * whose host-side file watch= names:
 *   QPROF start         zero the counts and start counting
 *   QPROF stop LABEL    write "<vaddr hex> <insns> <executions>" per block
 *                       executed since start to DIR/LABEL.tbs (dir=DIR,
 *                       default the watched file's directory)
 * log=FILE, if given, gets a line per command carried out (scripts/vm.sh
 * -q passes it and expects the file).
 * The method is the one of ../shared/tools/qinsn.c (same ABI, same file
 * watching); only the API calls it uses are declared.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*vcpu_udata_cb)(unsigned int vcpu, void *udata);
extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
extern uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
extern void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *,
						 vcpu_udata_cb, int flags,
						 void *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
};

/* Blocks in chunks that never move, so that callbacks may hold pointers. */
#define CHUNK 65536
static struct block *chunks[4096];
static size_t nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int active;
static const char *watch, *dir;
static FILE *logf;

static void on_exec(unsigned int vcpu, void *udata)
{
	if (vcpu == 0 && active)
		((struct block *)udata)->execs++;
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = NULL;

	(void)id;
	pthread_mutex_lock(&lock);
	if (nblocks / CHUNK < sizeof(chunks) / sizeof(chunks[0])) {
		struct block **c = &chunks[nblocks / CHUNK];

		if (!*c)
			*c = calloc(CHUNK, sizeof(**c));
		if (*c) {
			b = &(*c)[nblocks % CHUNK];
			b->vaddr = qemu_plugin_tb_vaddr(tb);
			b->insns = qemu_plugin_tb_n_insns(tb);
			nblocks++;
		}
	}
	pthread_mutex_unlock(&lock);
	if (b)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_exec, 0, b);
}

static void each_block(void (*fn)(struct block *, void *), void *arg)
{
	size_t i, n;

	pthread_mutex_lock(&lock);
	n = nblocks;
	pthread_mutex_unlock(&lock);
	for (i = 0; i < n; i++)
		fn(&chunks[i / CHUNK][i % CHUNK], arg);
}

static void zero(struct block *b, void *arg)
{
	(void)arg;
	b->execs = 0;
}

static void dump(struct block *b, void *arg)
{
	if (b->execs)
		fprintf(arg, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
			b->vaddr, b->insns, b->execs);
}

static void command(const char *line)
{
	char path[4096];
	FILE *f;

	if (logf) {
		fprintf(logf, "%s\n", line);
		fflush(logf);
	}
	if (!strcmp(line, "start")) {
		each_block(zero, NULL);
		active = 1;
	} else if (!strncmp(line, "stop ", 5) && !strchr(line + 5, '/')) {
		active = 0;
		snprintf(path, sizeof(path), "%s/%s.tbs.tmp", dir, line + 5);
		f = fopen(path, "w");
		if (!f)
			return;
		each_block(dump, f);
		fclose(f);
		{
			char done[4096];

			snprintf(done, sizeof(done), "%s/%s.tbs", dir, line + 5);
			rename(path, done);
		}
	}
}

static void *watcher(void *arg)
{
	char line[512];
	size_t len = 0;
	FILE *w = NULL;
	int c;

	(void)arg;
	for (;;) {
		if (!w)
			w = fopen(watch, "r");
		if (w) {
			clearerr(w);
			while ((c = fgetc(w)) != EOF) {
				if (c == '\r')
					continue;
				if (c != '\n') {
					if (len < sizeof(line) - 1)
						line[len++] = (char)c;
					continue;
				}
				line[len] = 0;
				len = 0;
				if (!strncmp(line, "QPROF ", 6))
					command(line + 6);
			}
		}
		usleep(500);
	}
	return NULL;
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc,
			char **argv)
{
	pthread_t t;
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "watch=", 6))
			watch = argv[i] + 6;
		else if (!strncmp(argv[i], "dir=", 4))
			dir = argv[i] + 4;
		else if (!strncmp(argv[i], "log=", 4))
			logf = fopen(argv[i] + 4, "w");
	}
	if (!watch)
		return -1;
	if (!dir) {
		char *d = strdup(watch), *slash = d ? strrchr(d, '/') : NULL;

		if (!slash)
			return -1;
		*slash = 0;
		dir = d;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	pthread_create(&t, NULL, watcher, NULL);
	pthread_detach(t);
	return 0;
}
