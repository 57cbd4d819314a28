// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd's identity and capabilities: see privs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/ntskeys.h"
#include "log.h"
#include "privs.h"

/**
 * privs_plan() - decide who kntsd runs as
 * @c: the configuration (kntsuser)
 * @p: filled in
 * @err: the reason when it fails
 * @errlen: size of @err
 *
 * Return: 0, or -1 when kntsd must not start as it was started: as root
 * without kntsuser, as a user other than kntsuser, or with an unknown one.
 */
int privs_plan(const struct conf *c, struct privs *p, char *err,
	       size_t errlen)
{
	uid_t euid = geteuid();
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	if (euid == 0 && !c->user) {
		snprintf(err, errlen,
			 "kntsd was started as root without kntsuser: name the user it should run as (the packaged unit runs it as _knts), or write \"kntsuser root\" to run it as root on purpose");
		return -1;
	}
	if (c->user) {
		pw = getpwnam(c->user);
		if (!pw) {
			snprintf(err, errlen, "kntsuser %s: no such user",
				 c->user);
			return -1;
		}
		if (euid != 0 && pw->pw_uid != euid) {
			struct passwd *me = getpwuid(euid);

			snprintf(err, errlen,
				 "kntsuser %s: kntsd was started as %s and cannot become %s (start it as root, or make kntsuser %s)",
				 c->user, me ? me->pw_name : "another user",
				 c->user, me ? me->pw_name : "that user");
			return -1;
		}
	} else {
		pw = getpwuid(euid);
		if (!pw) {
			snprintf(err, errlen, "uid %u has no passwd entry",
				 (unsigned int)euid);
			return -1;
		}
	}
	snprintf(p->name, sizeof(p->name), "%s", pw->pw_name);
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	p->change = euid == 0 && pw->pw_uid != 0;	/* not "kntsuser root" */
	return 0;
}

/* Becomes @p's user with its groups (root keeps its capabilities). */
static int become(const struct privs *p)
{
	return prctl(PR_SET_KEEPCAPS, 1) || initgroups(p->name, p->gid) ||
	       setgid(p->gid) || setuid(p->uid) ? -1 : 0;
}

/**
 * privs_drop() - give up what serving needs no more
 * @p: from privs_plan()
 * @net_admin: keep CAP_NET_ADMIN (knts.ko serves NTP)
 * @err: the reason when it fails
 * @errlen: size of @err
 *
 * Called once the listeners are bound and the files read, before any
 * network input: becomes the planned user, keeps CAP_NET_ADMIN or nothing,
 * clears the ambient set (chronyc inherits no capability) and sets
 * no_new_privs.
 *
 * Return: 0 or -1.
 */
int privs_drop(const struct privs *p, bool net_admin, char *err,
	       size_t errlen)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int i = CAP_TO_INDEX(CAP_NET_ADMIN);
	__u32 bit = CAP_TO_MASK(CAP_NET_ADMIN);

	if (p->change && become(p)) {
		snprintf(err, errlen, "cannot become %s: %s", p->name,
			 strerror(errno));
		return -1;
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data)) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	if (net_admin && !(data[i].permitted & bit)) {
		snprintf(err, errlen,
			 "running as %s without CAP_NET_ADMIN, which knts.ko's keys and clock state need (the unit's AmbientCapabilities=CAP_NET_ADMIN)",
			 p->name);
		return -1;
	}
	memset(data, 0, sizeof(data));
	if (net_admin) {
		data[i].permitted = bit;
		data[i].effective = bit;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) ||
	    syscall(SYS_capset, &hdr, data) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "cannot drop capabilities: %s",
			 strerror(errno));
		return -1;
	}
	log_info("running as %s%s", p->name,
		 net_admin ? " with CAP_NET_ADMIN only" : " without capabilities");
	return 0;
}

/* One file kntsd reads at run time (reloads): can @p's user read it? */
static int check_read(const struct privs *p, const char *what,
		      const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	log_err("%s %s: %s cannot read it (%s); reloads read it as %s: e.g. chgrp %s %s; chmod 640 %s",
		what, path, p->name, strerror(errno), p->name, p->name, path,
		path);
	return 1;
}

/* What the run-time user must be able to do; in the child for a switch. */
static int check_as_user(const struct conf *c, const struct privs *p)
{
	char path[4096], err[512];
	struct ntskeys k;
	struct stat st;
	unsigned int i;
	int bad = 0, ret;

	for (i = 0; i < c->ncerts; i++) {
		bad += check_read(p, "ntsserverkey", c->certs[i].key);
		bad += check_read(p, "ntsservercert", c->certs[i].cert);
	}
	if (stat(c->dumpdir, &st)) {
		char parent[4096], *slash;

		if (errno != ENOENT) {
			log_err("ntsdumpdir %s: %s", c->dumpdir, strerror(errno));
			return bad + 1;
		}
		/* kntsd makes it at start: as root, or as the user. */
		if (p->change || geteuid() == 0)
			return bad;
		snprintf(parent, sizeof(parent), "%s", c->dumpdir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
		if (access(parent, W_OK | X_OK)) {
			log_err("ntsdumpdir %s does not exist, and %s cannot make it in %s (%s)",
				c->dumpdir, p->name, parent, strerror(errno));
			bad++;
		}
		return bad;
	}
	if (access(c->dumpdir, W_OK | X_OK)) {
		log_err("ntsdumpdir %s: %s cannot write there (%s): chown %s %s",
			c->dumpdir, p->name, strerror(errno), p->name,
			c->dumpdir);
		bad++;
	}
	snprintf(path, sizeof(path), "%s/ntskeys", c->dumpdir);
	ret = ntskeys_load(path, p->uid, &k, err, sizeof(err));
	if (!ret)
		ntskeys_wipe(&k);
	else if (ret != -ENOENT) {	/* none yet: made at start */
		log_err("%s", err);
		bad++;
	}
	return bad;
}

/**
 * privs_check_files() - kntsd -t: can the run-time user use its files?
 * @c: the configuration
 * @p: from privs_plan()
 *
 * Certificates and keys are read again on SIGHUP, and ntskeys is written
 * on rotation, as the run-time user: checked as that user (in a child that
 * becomes it, with its groups, when -t runs as root), each problem logged
 * with what to do.
 *
 * Return: the number of problems.
 */
int privs_check_files(const struct conf *c, const struct privs *p)
{
	int status;
	pid_t pid;

	if (!p->change)
		return check_as_user(c, p);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (become(p)) {
			log_err("cannot become %s: %s", p->name,
				strerror(errno));
			_exit(1);
		}
		_exit(check_as_user(c, p) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}
