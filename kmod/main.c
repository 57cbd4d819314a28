// SPDX-License-Identifier: GPL-2.0
/*
 * knts: Network Time Security (RFC 8915) served from the kernel.
 */

#include <linux/module.h>
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "knts.h"
#include "netlink.h"
#include "stats.h"
#include "timestatus.h"
#include "version.h"

struct knts_server knts_srv = {
	.lock = __MUTEX_INITIALIZER(knts_srv.lock),
};

static int __init knts_init(void)
{
	int err;

	knts_srv.load_time_ns = ktime_get_real_ns();
	err = knts_stats_init(&knts_srv);
	if (err)
		return err;
	err = knts_genl_init();
	if (err)
		goto err_stats;

	pr_info("knts " KNTS_VERSION " loaded\n");
	return 0;

err_stats:
	knts_stats_uninit(&knts_srv);
	return err;
}

static void __exit knts_exit(void)
{
	knts_genl_uninit();
	/* No reader is left: netlink is gone and the packet path never ran. */
	knts_time_uninit(&knts_srv);
	knts_stats_uninit(&knts_srv);
}

module_init(knts_init);
module_exit(knts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Network Time Security (RFC 8915) server");
MODULE_VERSION(KNTS_VERSION);
MODULE_ALIAS_GENL_FAMILY(KNTS_FAMILY_NAME);
