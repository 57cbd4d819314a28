// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd: the clock's state.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timesync.h"
#include "lib/util.h"

/* Seconds chronyc may take before its answer is given up. */
#define CHRONYC_TIMEOUT_MS 2000
/* Where Debian and RHEL put it; never looked up in PATH. */
#ifndef CHRONYC_PATH
#define CHRONYC_PATH "/usr/bin/chronyc"
#endif

/* log2 of the time it takes to read the clock, as chrony measures it. */
int8_t clock_precision(void)
{
	struct timespec a, b;
	double best = 1.0, d;
	int i;

	for (i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &a);
		do
			clock_gettime(CLOCK_REALTIME, &b);
		while (a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec);
		d = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (d > 0 && d < best)
			best = d;
	}
	d = ceil(log2(best));
	return (int8_t)(d < -32 ? -32 : d > 0 ? 0 : d);
}

static uint32_t to_ntp_short(double s)
{
	if (!(s > 0))
		return 0;
	if (s >= 65535.0)
		return UINT32_MAX;
	/* Rounded up, as chrony does: never announce less than known. */
	return (uint32_t)ceil(s * 65536.0);
}

static uint64_t to_ntp_ts(double unix_s)
{
	struct timespec t;

	t.tv_sec = (time_t)unix_s;
	t.tv_nsec = (long)((unix_s - (double)t.tv_sec) * 1e9);
	return ntp_ts_from_timespec(&t);
}

/*
 * chronyc -c tracking: refid,name,stratum,reftime,offset,last,rms,freq,
 * resid,skew,rootdelay,rootdisp,interval,leap.  Returns 0, or -EINVAL for
 * anything else (including an unsynchronised chronyd: stratum 0).
 */
int timesync_parse_tracking(const char *csv, struct time_status *ts)
{
	char buf[512], *f[14], *p, *end;
	unsigned long v;
	double reft, delay, disp;
	unsigned int n = 0;

	if (strlen(csv) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, csv);
	p = strchr(buf, '\n');
	if (p)
		*p = '\0';
	for (p = buf; n < 14; n++) {
		f[n] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n != 13)
		return -EINVAL;
	if (parse_hex_u32(f[0], &ts->refid))
		return -EINVAL;
	errno = 0;
	v = strtoul(f[2], &end, 10);
	if (errno || *end || v < 1 || v > 15)
		return -EINVAL;
	ts->stratum = (uint8_t)v;
	reft = strtod(f[3], &end);
	if (*end || !isfinite(reft) || reft < 0)
		return -EINVAL;
	delay = strtod(f[10], &end);
	if (*end || !isfinite(delay))
		return -EINVAL;
	disp = strtod(f[11], &end);
	if (*end || !isfinite(disp))
		return -EINVAL;
	if (!strcmp(f[13], "Normal"))
		ts->leap = 0;
	else if (!strcmp(f[13], "Insert second"))
		ts->leap = 1;
	else if (!strcmp(f[13], "Delete second"))
		ts->leap = 2;
	else
		return -EINVAL;	/* "Not synchronised" */
	ts->root_delay = to_ntp_short(delay);
	ts->root_disp = to_ntp_short(disp);
	ts->ref_time = to_ntp_ts(reft);
	ts->source = "chronyd";
	ts->valid = true;
	return 0;
}

/*
 * Runs chronyc -c -n tracking with a deadline; returns its output or "".
 * posix_spawn (vfork-like: nothing of this threaded process is copied) of
 * CHRONYC_PATH, never a PATH search; the child gets stdout only.
 */
static void run_chronyc(char *out, size_t len)
{
	static char *const argv[] = { "chronyc", "-c", "-n", "tracking", NULL };
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status, devnull;
	size_t got = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC))
		return;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (posix_spawn_file_actions_init(&fa)) {
		close(fds[0]);
		close(fds[1]);
		if (devnull >= 0)
			close(devnull);
		return;
	}
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	if (devnull >= 0) {
		posix_spawn_file_actions_adddup2(&fa, devnull, STDIN_FILENO);
		posix_spawn_file_actions_adddup2(&fa, devnull, STDERR_FILENO);
	}
	status = posix_spawn(&pid, CHRONYC_PATH, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (devnull >= 0)
		close(devnull);
	if (status) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, CHRONYC_TIMEOUT_MS) <= 0) {
			kill(pid, SIGKILL);
			got = 0;
			break;
		}
		n = read(fds[0], out + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == len - 1)
			break;
	}
	out[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		out[0] = '\0';
}

/* The kernel's leap state: insert/delete pending, or unsynchronised. */
static int kernel_leap(void)
{
	struct timex tx;
	int state;

	memset(&tx, 0, sizeof(tx));
	state = adjtimex(&tx);
	if (state == TIME_INS)
		return 1;
	if (state == TIME_DEL)
		return 2;
	return (state == TIME_ERROR || (tx.status & STA_UNSYNC)) ? 3 : 0;
}

/**
 * timesync_read() - what replies should announce now
 * @c: configuration (kntschronyd, kntslocal)
 * @ts: out; ts->valid false when nothing vouches for the clock
 */
void timesync_read(const struct conf *c, struct time_status *ts)
{
	char out[512];
	struct timespec now;

	memset(ts, 0, sizeof(ts[0]));
	ts->precision = clock_precision();
	ts->source = "none";
	if (c->chrony_tracking) {
		run_chronyc(out, sizeof(out));
		if (out[0] && !timesync_parse_tracking(out, ts)) {
			ts->precision = clock_precision();
			return;
		}
	}
	if (c->local) {
		/* chrony's "local": this clock is the reference. */
		clock_gettime(CLOCK_REALTIME, &now);
		ts->valid = true;
		ts->source = "kntslocal";
		ts->stratum = c->local_stratum;
		ts->refid = c->local_refid;
		ts->ref_time = ntp_ts_from_timespec(&now);
		ts->leap = (uint8_t)(kernel_leap() % 3);
	}
}
