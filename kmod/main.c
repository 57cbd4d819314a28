// SPDX-License-Identifier: GPL-2.0
/*
 * knts: Network Time Security (RFC 8915) served from the kernel.
 */

#include <linux/ktime.h>
#include <linux/module.h>

#include "aes.h"
#include "knts.h"
#include "netlink.h"
#include "receive.h"
#include "socket.h"
#include "stats.h"
#include "timestatus.h"
#include "core/version.h"

static ushort port = 123;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "UDP port to serve NTP on (default 123)");

static bool require_nts;
module_param(require_nts, bool, 0644);
MODULE_PARM_DESC(require_nts, "Drop unauthenticated NTP requests");

static uint ratelimit_rate;
module_param(ratelimit_rate, uint, 0644);
MODULE_PARM_DESC(ratelimit_rate,
		 "Requests per second per source address, 0 = unlimited (default)");

static uint ratelimit_burst = 8;
module_param(ratelimit_burst, uint, 0644);
MODULE_PARM_DESC(ratelimit_burst, "Requests a source may send at once");

static bool ratelimit_kod;
module_param(ratelimit_kod, bool, 0644);
MODULE_PARM_DESC(ratelimit_kod,
		 "Answer rate-limited requests with a RATE kiss-o'-death");

static uint cookie_budget = 50000;
module_param(cookie_budget, uint, 0644);
MODULE_PARM_DESC(cookie_budget,
		 "Fresh cookies per second per CPU beyond the first of each reply; past it, replies carry one (0 = no budget; default 50000)");

struct knts_server knts_srv = {
	.lock = __MUTEX_INITIALIZER(knts_srv.lock),
};

/**
 * knts_config_get() - the tunables, as the packet path sees them now
 * @cfg: out
 */
void knts_config_get(struct knts_config *cfg)
{
	cfg->require_nts = READ_ONCE(require_nts);
	cfg->rl_rate = READ_ONCE(ratelimit_rate);
	cfg->rl_burst = max_t(u32, READ_ONCE(ratelimit_burst), 1);
	cfg->rl_kod = READ_ONCE(ratelimit_kod);
	cfg->cookie_budget = READ_ONCE(cookie_budget);
}

#if IS_ENABLED(CONFIG_KNTS_KUNIT_TEST)
/**
 * knts_test_set_ratelimit() - for KUnit: what writing the ratelimit_rate
 *	and ratelimit_burst parameters under /sys/module/knts does
 * @rate: requests per second per source, 0 = off
 * @burst: requests a source may send at once
 */
void knts_test_set_ratelimit(u32 rate, u32 burst)
{
	WRITE_ONCE(ratelimit_rate, rate);
	WRITE_ONCE(ratelimit_burst, burst);
}

/**
 * knts_test_set_cookie_budget() - for KUnit: what writing the
 *	cookie_budget parameter does
 * @budget: extra cookies per second per CPU, 0 = no budget
 */
void knts_test_set_cookie_budget(u32 budget)
{
	WRITE_ONCE(cookie_budget, budget);
}
#endif

static int __init knts_init(void)
{
	int err;

	if (!port) {
		pr_err("knts: port must not be 0\n");
		return -EINVAL;
	}
	err = knts_aes_init();
	if (err)
		return err;
	knts_srv.load_time_ns = ktime_get_real_ns();
	err = knts_stats_init(&knts_srv);
	if (err)
		return err;
	err = knts_pcpu_init(&knts_srv);
	if (err)
		goto err_stats;
	err = knts_ratelimit_init(&knts_srv.rl);
	if (err)
		goto err_pcpu;
	err = knts_genl_init();
	if (err)
		goto err_rl;
	/* Last: requests arrive as soon as the sockets exist. */
	err = knts_socket_init(&knts_srv, port);
	if (err) {
		pr_err("knts: cannot listen on UDP port %u: %d%s\n", port, err,
		       err == -EADDRINUSE ? " (another NTP server has it)" : "");
		goto err_genl;
	}

	pr_info("knts " KNTS_VERSION " serving NTP on UDP port %u (%s)\n",
		port, knts_srv.sock6 ? "IPv4, IPv6" : "IPv4");
	return 0;

err_genl:
	knts_genl_uninit();
	/* kntsd may have been quick: keys or a time status may be set. */
	knts_keys_uninit(&knts_srv);
	knts_time_uninit(&knts_srv);
err_rl:
	knts_ratelimit_uninit(&knts_srv.rl);
err_pcpu:
	knts_pcpu_uninit(&knts_srv);
err_stats:
	knts_stats_uninit(&knts_srv);
	return err;
}

static void __exit knts_exit(void)
{
	/* Stops the packet path and waits until no callback runs. */
	knts_socket_uninit(&knts_srv);
	knts_genl_uninit();
	knts_keys_uninit(&knts_srv);
	knts_time_uninit(&knts_srv);
	knts_ratelimit_uninit(&knts_srv.rl);
	knts_pcpu_uninit(&knts_srv);
	knts_stats_uninit(&knts_srv);
	knts_aes_exit();
}

module_init(knts_init);
module_exit(knts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Network Time Security (RFC 8915) server");
MODULE_VERSION(KNTS_VERSION);
