// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd's log.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

static int journal, max_level = LOG_LVL_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_init(int verbose)
{
	journal = getenv("JOURNAL_STREAM") != NULL;
	max_level = verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[8] = {
		[LOG_LVL_ERR] = "error", [LOG_LVL_WARN] = "warning",
		[LOG_LVL_INFO] = "info", [LOG_LVL_DEBUG] = "debug",
	};
	char when[32];
	struct tm tm;
	time_t t;
	va_list ap;

	if ((int)lvl > max_level)
		return;
	pthread_mutex_lock(&log_lock);
	if (journal) {
		fprintf(stderr, "<%d>", lvl);
	} else {
		t = time(NULL);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s kntsd %s: ", when, names[lvl]);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}
