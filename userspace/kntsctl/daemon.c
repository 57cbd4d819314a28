// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl: what kntsd says on its control socket.
 */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

/* Reads every "key value" line; info->ok is false when kntsd is not there. */
void kntsd_query(const char *path, struct kntsd_info *info)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8192], *line, *next, *sp;
	size_t len = 0;
	ssize_t r;
	int fd;

	memset(info, 0, sizeof(*info));
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (len == sizeof(buf) - 1 || poll(&pfd, 1, 2000) <= 0)
			break;
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	for (line = buf; *line && info->n < KNTSD_MAX_VALUES; line = next) {
		next = strchr(line, '\n');
		if (!next)
			break;
		*next++ = '\0';
		sp = strchr(line, ' ');
		if (!sp || (size_t)(sp - line) >= sizeof(info->key[0]) ||
		    strlen(sp + 1) >= sizeof(info->value[0]))
			continue;
		*sp = '\0';
		strcpy(info->key[info->n], line);
		strcpy(info->value[info->n], sp + 1);
		info->n++;
	}
	info->ok = info->n > 0;
}

const char *kntsd_get(const struct kntsd_info *info, const char *key)
{
	unsigned int i;

	for (i = 0; i < info->n; i++)
		if (!strcmp(info->key[i], key))
			return info->value[i];
	return NULL;
}
