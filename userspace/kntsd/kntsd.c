// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd: the NTS-KE server next to knts.ko.
 *
 *   kntsd [-f FILE] [-d] [-t]
 *
 * Runs in the foreground.  Reads /etc/knts/kntsd.conf (chrony's NTS
 * directives), loads or makes the master keys (ntsdumpdir/ntskeys), pushes
 * them into knts.ko and keeps them there, serves NTS-KE on ntsport, pushes
 * the clock's state every few seconds, and serves NTP itself when knts.ko
 * is not available.  SIGHUP reloads the certificates (and, with ntsrotate
 * 0, the keys); SIGTERM and SIGINT stop it, and the module then answers
 * leap 3 once the last pushed state goes stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "core/version.h"
#include "uapi/knts_counters.h"
#include "uapi/linux/knts.h"
#include "config.h"
#include "kesrv.h"
#include "keymgr.h"
#include "log.h"
#include "lib/nl.h"
#include "lib/util.h"
#include "ntpsrv.h"
#include "privs.h"
#include "timesync.h"

struct kntsd {
	struct conf conf;
	const char *conf_path;
	struct privs privs;
	struct keymgr keys;
	struct kesrv ke;
	struct ntpsrv ntp;
	bool kernel;			/* knts.ko serves NTP */
	struct knts_nl *nl;		/* main thread: keys, sockets */
	struct nl_sock *ctrl;		/* nlctrl notifications: knts.ko back */
	bool module_back;		/* the family reappeared */
	uint32_t sock_id[2];		/* the module's ids of ntp.fd[] */
	pthread_t sync_thread;
	int sync_stop;			/* eventfd */
	int ctl_fd;
	int ctl_reserve;		/* a descriptor to serve kntsctl with */
	double ctl_paused;		/* control socket unpolled until then */
	_Atomic bool kernel_ok;		/* the last push reached the module */
	_Atomic uint64_t keys_pushed;
	struct time_status last_ts;
	pthread_mutex_t ts_lock;
	bool sync_started;		/* sync_thread runs */
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: kntsd [-f FILE] [-d] [-t]\n"
		"  -f FILE  configuration (default " CONF_DEFAULT_PATH ")\n"
		"  -d       debug messages\n"
		"  -t       check the configuration and exit\n"
		"  -V       version\n");
}

/* ---- the module ------------------------------------------------------- */

/*
 * Makes the module's keys ours: pushes them when the module does not hold
 * exactly our table (first start, rotation, reload, or knts.ko reloaded).
 */
static int sync_keys(struct kntsd *d)
{
	struct knts_nl_keys kk = { .n = 0 };
	struct ntskeys k;
	unsigned int i, j, same = 0;
	int err;

	if (!d->nl) {
		d->nl = knts_nl_open();
		if (!d->nl)
			return -errno;
	}
	err = knts_nl_request(d->nl, KNTS_CMD_KEY_GET, NULL,
			      knts_nl_parse_keys, &kk);
	if (err) {
		/* The family went away (rmmod): open it again next time. */
		knts_nl_close(d->nl);
		d->nl = NULL;
		return err;
	}
	keymgr_snapshot(&d->keys, &k, NULL);
	for (i = 0; i < k.n; i++)
		for (j = 0; j < kk.n; j++)
			same += k.keys[i].id == kk.k[j].id;
	if (same != k.n || kk.n != k.n || !kk.has_current ||
	    kk.current_id != k.keys[k.current].id) {
		err = knts_nl_request(d->nl, KNTS_CMD_KEY_SET,
				      knts_nl_build_keys, NULL, &k);
		if (err)
			log_err("cannot push the master keys into knts.ko: %s%s%s",
				strerror(-err), knts_nl_extack(d->nl) ? ": " : "",
				knts_nl_extack(d->nl) ?: "");
		else {
			atomic_fetch_add(&d->keys_pushed, 1);
			log_info("master keys pushed into knts.ko (current %08X)",
				 k.keys[k.current].id);
		}
	}
	ntskeys_wipe(&k);
	return err;
}

/* The clock's state into the module; returns 0 or a negative errno. */
static int push_time(struct kntsd *d, struct knts_nl *nl,
		     const struct time_status *ts)
{
	struct knts_nl_time t = {
		.leap = ts->leap, .has_leap = true,
		.stratum = ts->stratum,
		.precision = ts->precision, .has_precision = true,
		.root_delay = ts->root_delay,
		.root_disp = ts->root_disp,
		.refid = ts->refid, .ref_time = ts->ref_time,
		.stale_after = d->conf.stale,
	};

	return knts_nl_request(nl, KNTS_CMD_TIME_SET, knts_nl_build_time,
			       NULL, &t);
}

/*
 * The clock's state, every kntsstatusinterval seconds, to the module (or
 * to kntsd's own NTP server).  Its own thread: asking chronyd may take a
 * moment.
 */
static void *sync_main(void *arg)
{
	struct kntsd *d = arg;
	struct knts_nl *nl = NULL;
	const char *last_source = NULL;
	struct time_status ts;
	struct pollfd pfd = { .fd = d->sync_stop, .events = POLLIN };

	do {
		timesync_read(&d->conf, &ts);
		pthread_mutex_lock(&d->ts_lock);
		d->last_ts = ts;
		pthread_mutex_unlock(&d->ts_lock);
		if (last_source != ts.source) {
			if (ts.valid)
				log_info("clock state from %s: stratum %u, leap %u",
					 ts.source, ts.stratum, ts.leap);
			else
				log_warn("nothing vouches for the clock: no kntslocal, and chronyd did not answer \"chronyc tracking\" as synchronised (is its command port, cmdport, reachable on 127.0.0.1?): replies say leap 3");
			last_source = ts.source;
		}
		/* Also in kernel mode: requests that reach kntsd's sockets. */
		ntpsrv_set_time(&d->ntp, &ts);
		if (!d->kernel || !ts.valid)
			continue;	/* (invalid: let the last state go stale) */
		if (!nl)
			nl = knts_nl_open();
		if (nl) {
			int err = push_time(d, nl, &ts);

			atomic_store(&d->kernel_ok, !err);
			if (err) {
				knts_nl_close(nl);
				nl = NULL;
			}
		} else {
			atomic_store(&d->kernel_ok, false);
		}
	} while (poll(&pfd, 1, (int)d->conf.status_interval * 1000) == 0);
	knts_nl_close(nl);
	return NULL;
}

/* ---- control socket: counters for kntsctl ------------------------------ */

static int ctl_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    chmod(path, 0666)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* "key value" lines of uapi/knts_counters.h's counters, for kntsctl. */
static size_t ctl_counters(struct kntsd *d, char *buf, size_t size)
{
	static const struct knts_counter_name ntp[__KNTS_STAT_MAX] = {
		[KNTS_STAT_RX_PACKETS] = KNTS_STATS(KNTS_COUNTER_NAME)
	};
	const struct kesrv_stats *st = &d->ke.st;
	size_t off = 0, i;

#define CTL_PUT(key, v)							\
	off += (size_t)snprintf(buf + off, size - off, "%s %llu\n", key,	\
				(unsigned long long)(v))
#define CTL_KE(field, label, key) CTL_PUT(#key, atomic_load(&st->field));
#define CTL_KE_TOTAL(field, label, key) CTL_PUT(#key, kesrv_dropped(st));
#define CTL_KE_NONE(field, label, key)
	KNTS_KE_STATS(CTL_KE_NONE, CTL_KE_TOTAL, CTL_KE_NONE)
	KNTS_KE_STATS(CTL_KE, CTL_KE_NONE, CTL_KE)
	for (i = KNTS_STAT_RX_PACKETS; i < __KNTS_STAT_MAX; i++)
		CTL_PUT(ntp[i].key, atomic_load(&d->ntp.stats[i]));
#undef CTL_KE_NONE
#undef CTL_KE_TOTAL
#undef CTL_KE
#undef CTL_PUT
	return off;
}

static void ctl_serve(struct kntsd *d)
{
	char buf[4096];
	size_t off;
	struct time_status ts;
	int fd;

	for (;;) {
		fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		/*
		 * Out of descriptors: serve this one with the reserve, so
		 * that kntsctl still sees why (and poll does not spin).
		 */
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) &&
		    d->ctl_reserve >= 0) {
			close(d->ctl_reserve);
			d->ctl_reserve = -1;
			fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		}
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				d->ctl_paused = mono_now() + 0.1;
			break;
		}
		pthread_mutex_lock(&d->ts_lock);
		ts = d->last_ts;
		pthread_mutex_unlock(&d->ts_lock);
		off = (size_t)snprintf(buf, sizeof(buf),
				       "version %s\nntp_path %s\nkernel_reachable %d\n"
				       "time_source %s\nkeys_pushed %llu\n"
				       "key_age %.0f\nnext_rotation %.0f\n"
				       "cert_not_after %lld\n",
				       KNTS_VERSION,
				       d->conf.ntp_path == CONF_NTP_NONE ? "none" :
				       d->kernel ? "kernel" : "userspace",
				       d->kernel ? atomic_load(&d->kernel_ok) : 0,
				       ts.source ? ts.source : "none",
				       (unsigned long long)atomic_load(&d->keys_pushed),
				       keymgr_key_age(&d->keys),
				       d->conf.rotate ? keymgr_next_rotation(&d->keys) : -1.0,
				       (long long)atomic_load(&d->ke.cert_not_after));
		off += ctl_counters(d, buf + off, sizeof(buf) - off);
		if (write(fd, buf, off) < 0)
			log_debug("control socket: %s", strerror(errno));
		close(fd);
		if (d->ctl_reserve < 0)
			d->ctl_reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
}

/* ---- systemd ------------------------------------------------------------ */

/*
 * Type=notify: a datagram to $NOTIFY_SOCKET ("@" for the abstract
 * namespace), as sd_notify(3) sends it; nothing when not under systemd.
 */
static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    (n = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		log_warn("NOTIFY_SOCKET %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * Each NTS-KE connection holds a descriptor: the limit must cover
 * maxntsconnections and what kntsd keeps open besides.  Raises the soft
 * limit as far as the hard one allows.
 */
#define FDS_BESIDES_CONNECTIONS 64

static int check_nofile(const struct conf *c, bool raise)
{
	rlim_t need = (rlim_t)c->max_connections + FDS_BESIDES_CONNECTIONS;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max >= need) {
		rl.rlim_cur = need;
		if (!raise || !setrlimit(RLIMIT_NOFILE, &rl))
			return 0;
	}
	log_err("maxntsconnections %u needs %llu file descriptors, the limit is %llu (LimitNOFILE= in the unit, ulimit -n)",
		c->max_connections, (unsigned long long)need,
		(unsigned long long)rl.rlim_max);
	return -1;
}

/* ---- files --------------------------------------------------------------- */

static int prepare_dumpdir(const struct conf *c, const struct privs *p)
{
	if (mkdir(c->dumpdir, 0700) && errno != EEXIST) {
		log_err("ntsdumpdir %s: %s", c->dumpdir, strerror(errno));
		return -errno;
	}
	if (p->change && chown(c->dumpdir, p->uid, p->gid)) {
		log_err("ntsdumpdir %s: %s", c->dumpdir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* ---- main ------------------------------------------------------------------ */

static int on_signal(struct kntsd *d, int sig)
{
	char err[512];
	struct conf nc;

	if (sig != SIGHUP)
		return 1;
	notify("RELOADING=1");
	/* Certificates (and ntsrotate 0 keys) again; a bad one keeps the old. */
	conf_defaults(&nc);
	if (conf_load(&nc, d->conf_path, err, sizeof(err))) {
		log_err("reload: %s; keeping the running configuration", err);
		conf_free(&nc);
		return 0;
	}
	if (kesrv_load_certs(&d->ke, &nc, err, sizeof(err)))
		log_err("reload: %s; keeping the certificates in use", err);
	else
		log_info("reload: %u certificate%s loaded", nc.ncerts,
			 nc.ncerts == 1 ? "" : "s");
	conf_free(&nc);
	if (!d->conf.rotate) {
		if (keymgr_reload(&d->keys, err, sizeof(err)))
			log_err("reload: %s; keeping the keys in use", err);
		else
			log_info("reload: master keys read from %s", d->keys.path);
	}
	if (d->kernel)
		sync_keys(d);
	notify("READY=1");
	return 0;
}

/* Options; returns -1 to go on, else the exit status. */
static int parse_args(struct kntsd *d, int argc, char **argv, bool *verbose,
		      bool *check)
{
	int opt;

	d->conf_path = CONF_DEFAULT_PATH;
	while ((opt = getopt(argc, argv, "f:dtVh")) != -1) {
		switch (opt) {
		case 'f': d->conf_path = optarg; break;
		case 'd': *verbose = true; break;
		case 't': *check = true; break;
		case 'V': printf("kntsd %s\n", KNTS_VERSION); return 0;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	return -1;
}

/*
 * kntsd -t: the configuration, the certificates and keys it names, who
 * kntsd would run as and whether that user can read and write its files.
 */
static int check_config(struct kntsd *d)
{
	char err[512];
	int bad;

	if (privs_plan(&d->conf, &d->privs, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	bad = privs_check_files(&d->conf, &d->privs);
	bad += check_nofile(&d->conf, false) ? 1 : 0;
	if (bad)
		return 1;
	pthread_mutex_init(&d->ke.ctx_lock, NULL);
	if (kesrv_load_certs(&d->ke, &d->conf, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	if (!d->conf.access.given)
		log_warn("%s: no allow directive: NTP and NTS-KE serve no client (chrony's default; \"allow\" serves all)",
			 d->conf_path);
	printf("%s: configuration OK, %u certificate%s, runs as %s\n",
	       d->conf_path, d->conf.ncerts, d->conf.ncerts == 1 ? "" : "s",
	       d->privs.name);
	return 0;
}

/* Signals arrive on a descriptor, handled in the main loop. */
static int block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/* The master keys, from ntsdumpdir or new, owned by the run-time user. */
static int open_keys(struct kntsd *d)
{
	const struct privs *p = &d->privs;
	char err[512] = "";

	if (prepare_dumpdir(&d->conf, p) ||
	    keymgr_init(&d->keys, d->conf.dumpdir, d->conf.rotate,
			d->conf.key_aead, p->change ? p->uid : (uid_t)-1,
			p->change ? p->gid : (gid_t)-1, err, sizeof(err))) {
		if (err[0])
			log_err("%s", err);
		return -1;
	}
	return 0;
}

/* modprobe knts, when kntsd may (root); the unit does it otherwise. */
static void load_module(void)
{
	static char *const argv[] = { "modprobe", "-q", "knts", NULL };
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				      NULL };
	int status;
	pid_t pid;

	if (geteuid() != 0 ||
	    posix_spawn(&pid, "/sbin/modprobe", NULL, NULL, argv, envp))
		return;
	waitpid(pid, &status, 0);
}

/* NTP: knts.ko, unless the configuration allows or asks for kntsd's own. */
static int open_ntp(struct kntsd *d)
{
	char err[512], hint[384];
	int ret;

	if (d->conf.ntp_path == CONF_NTP_NONE) {
		log_info("NTP served by another server (kntsntp none): clients are sent to %s port %u",
			 d->conf.ntp_server ?: "this host", d->conf.ntp_port);
		return 0;
	}
	if (d->conf.ntp_path != CONF_NTP_USERSPACE) {
		d->nl = knts_nl_open();
		if (!d->nl) {
			load_module();
			d->nl = knts_nl_open();
		}
		d->kernel = d->nl != NULL;
		if (!d->kernel) {
			knts_module_hint(hint, sizeof(hint));
			if (d->conf.ntp_path == CONF_NTP_KERNEL) {
				log_err("%s; kntsd does not serve without it unless told to (kntsntp auto or userspace)",
					hint);
				return -1;
			}
			log_warn("%s; kntsntp auto: kntsd serves NTP itself",
				 hint);
		}
	}
	d->ntp.kernel = d->kernel;
	ret = ntpsrv_init(&d->ntp, &d->conf, &d->keys, err, sizeof(err));
	if (ret == -EADDRINUSE && d->kernel && !knts_nl_socket_del(d->nl, 0)) {
		/*
		 * The module serves sockets we cannot bind beside (those of
		 * another user, or without SO_REUSEPORT): take the port over,
		 * with a moment's gap.
		 */
		log_warn("UDP port %u: taking it over from the sockets knts.ko served for someone else",
			 d->conf.ntp_port);
		ret = ntpsrv_init(&d->ntp, &d->conf, &d->keys, err,
				  sizeof(err));
	}
	if (ret) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/*
 * chrony's allow, deny and ratelimit, into the module: before any socket
 * is served.  Without a ratelimit directive the module limits nothing, as
 * chronyd.
 */
static int push_access(struct kntsd *d)
{
	const struct access *a = &d->conf.access;
	const struct conf *c = &d->conf;
	struct knts_nl_tunables t = {
		.has_interval = true,
		.interval_ns = !c->ntp_ratelimit ? 0 :
			       c->ntp_rl_interval >= 0 ?
			       1000000000ULL << c->ntp_rl_interval :
			       1000000000ULL >> -c->ntp_rl_interval,
		.has_burst = c->ntp_ratelimit, .burst = c->ntp_rl_burst,
		.has_leak = c->ntp_ratelimit, .leak = (uint8_t)c->ntp_rl_leak,
	};
	int err;

	err = knts_nl_request(d->nl, KNTS_CMD_CONFIG_SET,
			      knts_nl_build_tunables, NULL, &t);
	if (err) {
		log_err("cannot give knts.ko the ratelimit: %s%s%s",
			strerror(-err), knts_nl_extack(d->nl) ? ": " : "",
			knts_nl_extack(d->nl) ?: "");
		return err;
	}
	err = knts_nl_access_set(d->nl, a->r, a->n);
	if (err)
		log_err("cannot give knts.ko the allow/deny rules: %s%s%s",
			strerror(-err), knts_nl_extack(d->nl) ? ": " : "",
			knts_nl_extack(d->nl) ?: "");
	return err;
}

/*
 * Hands kntsd's NTP sockets to the module, then lets go of every other
 * socket it serves in this namespace: a previous kntsd's (still served
 * after it died), or kntsctl's.  kntsd keeps its descriptors, and reads
 * what the module leaves on them.
 */
static int attach_sockets(struct kntsd *d)
{
	struct knts_nl_socks before;
	struct knts_nl_sock s;
	unsigned int i, j;
	char a[80];
	int err;

	err = knts_nl_socket_list(d->nl, &before);
	if (err)
		return err;
	for (i = 0; i < d->ntp.nfd; i++) {
		err = knts_nl_socket_add(d->nl, d->ntp.fd[i], &s);
		if (err == -EBUSY && d->sock_id[i])
			continue;	/* still served: the module stayed */
		if (err) {
			log_err("cannot hand the NTP socket to knts.ko: %s%s%s",
				strerror(-err), knts_nl_extack(d->nl) ? ": " : "",
				knts_nl_extack(d->nl) ?: "");
			return err;
		}
		d->sock_id[i] = s.id;
		log_info("NTP on %s served by knts.ko",
			 knts_nl_sock_str(&s, a, sizeof(a)));
	}
	for (j = 0; j < before.n; j++) {
		bool ours = false;

		for (i = 0; i < d->ntp.nfd; i++)
			ours |= before.s[j].id == d->sock_id[i];
		if (ours)
			continue;
		err = knts_nl_socket_del(d->nl, before.s[j].id);
		if (!err)
			log_info("NTP on %s: the previous socket let go",
				 knts_nl_sock_str(&before.s[j], a, sizeof(a)));
	}
	return 0;
}

static int on_ctrl_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct kntsd *d = arg;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		   KNTS_FAMILY_NAME))
		return NL_OK;
	if (gh->cmd == CTRL_CMD_NEWFAMILY) {
		d->module_back = true;
	} else if (gh->cmd == CTRL_CMD_DELFAMILY) {
		/* Its sockets went with it. */
		memset(d->sock_id, 0, sizeof(d->sock_id));
		atomic_store(&d->kernel_ok, false);
	}
	return NL_OK;
}

/* Watches for the family (knts.ko) coming back after an rmmod. */
static void ctrl_open(struct kntsd *d)
{
	int grp;

	d->ctrl = nl_socket_alloc();
	if (!d->ctrl || genl_connect(d->ctrl))
		goto err;
	grp = genl_ctrl_resolve_grp(d->ctrl, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(d->ctrl, grp))
		goto err;
	nl_socket_disable_seq_check(d->ctrl);
	nl_socket_set_nonblocking(d->ctrl);
	nl_socket_modify_cb(d->ctrl, NL_CB_VALID, NL_CB_CUSTOM, on_ctrl_msg, d);
	return;
err:
	log_warn("cannot watch for knts.ko reloads: keys return within kntsstatusinterval");
	if (d->ctrl)
		nl_socket_free(d->ctrl);
	d->ctrl = NULL;
}

/*
 * knts.ko is back (it was reloaded): everything it had from us is gone.
 * Keys, time status and sockets again, at once.
 */
static void module_returned(struct kntsd *d)
{
	struct time_status ts;
	int err;

	d->module_back = false;
	knts_nl_close(d->nl);
	d->nl = NULL;
	err = sync_keys(d);
	if (!err) {
		pthread_mutex_lock(&d->ts_lock);
		ts = d->last_ts;
		pthread_mutex_unlock(&d->ts_lock);
		if (ts.valid)
			push_time(d, d->nl, &ts);
		err = push_access(d);
		if (!err)
			err = attach_sockets(d);
	}
	atomic_store(&d->kernel_ok, !err);
	if (err == -ENOENT)
		return;		/* not back yet */
	if (err)
		log_err("knts.ko does not take kntsd's state: %s",
			strerror(-err));
	else
		log_info("knts.ko: keys, time status and sockets handed over again");
}

/*
 * Files, listeners and the module first; then every privilege but
 * CAP_NET_ADMIN goes, before the first network byte is read.
 */
static int start(struct kntsd *d)
{
	char err[512];
	int ret;

	if (check_nofile(&d->conf, true) || open_keys(d))
		return -1;
	if (!d->conf.access.given)
		log_warn("%s: no allow directive: NTP and NTS-KE serve no client (chrony's default; \"allow\" serves all)",
			 d->conf_path);
	if (kesrv_init(&d->ke, &d->conf, &d->keys, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	if (open_ntp(d))
		return -1;
	d->ctl_fd = ctl_open(d->conf.control);
	d->ctl_reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (d->ctl_fd < 0)
		log_warn("kntscontrol %s: %s (kntsctl serverstats shows the module's counters only)",
			 d->conf.control, strerror(-d->ctl_fd));
	if (privs_drop(&d->privs, d->kernel, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	if (d->kernel) {
		ret = sync_keys(d);
		if (ret) {
			log_err("knts.ko does not hold kntsd's keys (%s): not starting",
				strerror(-ret));
			return -1;
		}
		if (push_access(d) || attach_sockets(d))
			return -1;
		ctrl_open(d);
	}
	d->sync_stop = eventfd(0, EFD_CLOEXEC);
	if (kesrv_start(&d->ke) ||
	    (d->conf.ntp_path != CONF_NTP_NONE && ntpsrv_start(&d->ntp)) ||
	    d->sync_stop < 0 ||
	    pthread_create(&d->sync_thread, NULL, sync_main, d)) {
		log_err("cannot start: %s", strerror(errno));
		return -1;
	}
	d->sync_started = true;
	log_info("kntsd %s started (%s)", KNTS_VERSION, d->conf_path);
	notify(d->kernel ? "READY=1\nSTATUS=NTS-KE up, keys pushed into knts.ko" :
			   "READY=1\nSTATUS=NTS-KE up, NTP served by kntsd");
	return 0;
}

/* Key rotation on schedule; the module's keys checked every interval. */
static void on_timers(struct kntsd *d, double *next_sync)
{
	char err[512];

	if (keymgr_next_rotation(&d->keys) <= 0) {
		if (keymgr_rotate(&d->keys, err, sizeof(err)))
			log_err("key rotation: %s", err);
		else
			log_info("master keys rotated");
		*next_sync = 0;	/* push the rotated table now */
	}
	if (mono_now() >= *next_sync) {
		/* Without a handle, the module went away: maybe it is back. */
		if (d->kernel && !d->nl)
			module_returned(d);
		else if (d->kernel)
			sync_keys(d);
		*next_sync = mono_now() + d->conf.status_interval;
	}
}

/* Until SIGTERM or SIGINT: signals, the control socket, timers. */
static int run(struct kntsd *d, int sfd)
{
	double next_sync = mono_now() + d->conf.status_interval;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = d->ctrl ? nl_socket_get_fd(d->ctrl) : -1,
			  .events = POLLIN },
			{ .fd = d->ctl_fd, .events = POLLIN },
		};
		double left = keymgr_next_rotation(&d->keys);
		double until_sync = next_sync - mono_now();
		bool ctl = d->ctl_fd >= 0 && mono_now() >= d->ctl_paused;
		int timeout;

		if (until_sync < left)
			left = until_sync;
		timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
		if (!ctl && d->ctl_fd >= 0 && (timeout < 0 || timeout > 100))
			timeout = 100;
		if (poll(pfd, ctl ? 3 : 2, timeout) < 0 && errno != EINTR)
			return 1;
		if (pfd[1].revents & POLLIN) {
			nl_recvmsgs_default(d->ctrl);
			if (d->module_back)
				module_returned(d);
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
			    on_signal(d, (int)si.ssi_signo)) {
				log_info("signal %u: stopping", si.ssi_signo);
				return 0;
			}
		}
		if (ctl && (pfd[2].revents & POLLIN))
			ctl_serve(d);
		on_timers(d, &next_sync);
	}
}

static void stop(struct kntsd *d)
{
	uint64_t one = 1;

	notify("STOPPING=1");
	if (d->sync_started &&
	    write(d->sync_stop, &one, sizeof(one)) == sizeof(one))
		pthread_join(d->sync_thread, NULL);
	kesrv_stop(&d->ke);
	/*
	 * The module keeps serving on our sockets, stopped or killed alike:
	 * a restart leaves no gap (the next kntsd takes them over), and a
	 * kntsd that stays away lets the clock state go stale (leap 3).
	 * Stopping NTP is "kntsctl socket del all".
	 */
	if (d->conf.ntp_path != CONF_NTP_NONE)
		ntpsrv_stop(&d->ntp);
	knts_nl_close(d->nl);
	if (d->ctrl)
		nl_socket_free(d->ctrl);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->conf.control);
	}
	keymgr_destroy(&d->keys);
	conf_free(&d->conf);
}

int main(int argc, char **argv)
{
	static struct kntsd d;
	bool verbose = false, check = false;
	char err[512];
	int ret, sfd;

	ret = parse_args(&d, argc, argv, &verbose, &check);
	if (ret >= 0)
		return ret;
	log_init(verbose);
	conf_defaults(&d.conf);
	if (conf_load(&d.conf, d.conf_path, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	if (!d.conf.ncerts) {
		log_err("%s: no ntsserverkey/ntsservercert: nothing to serve",
			d.conf_path);
		return 1;
	}
	if (check)
		return check_config(&d);
	if (privs_plan(&d.conf, &d.privs, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	pthread_mutex_init(&d.ts_lock, NULL);
	d.ctl_fd = -1;
	d.sync_stop = -1;
	sfd = block_signals();
	if (start(&d))
		return 1;
	ret = run(&d, sfd);
	stop(&d);
	return ret;
}
