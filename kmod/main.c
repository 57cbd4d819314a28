// SPDX-License-Identifier: GPL-2.0
/*
 * knts: Network Time Security (RFC 8915) served from the kernel.
 *
 * Every network namespace has its own server (struct knts_server: keys,
 * time status, tunables, counters, sockets), created with the namespace
 * and destroyed with it.  Loading the module opens no socket: userspace
 * hands bound UDP sockets over generic netlink (socket.c).
 */

#include <linux/ktime.h>
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "access.h"
#include "aes.h"
#include "knts.h"
#include "netlink.h"
#include "receive.h"
#include "socket.h"
#include "stats.h"
#include "timestatus.h"
#include "core/version.h"

/*
 * Defaults for a namespace's tunables, read when its server is set up
 * (at load for the namespaces that exist then).  Changed at run time over
 * netlink only (KNTS_CMD_CONFIG_SET), per namespace.
 */
static bool require_nts;
module_param(require_nts, bool, 0444);
MODULE_PARM_DESC(require_nts, "Default: drop unauthenticated NTP requests");

static uint ratelimit_rate;
module_param(ratelimit_rate, uint, 0444);
MODULE_PARM_DESC(ratelimit_rate,
		 "Default requests per second per source address, 0 = unlimited (default)");

static uint ratelimit_burst = 8;
module_param(ratelimit_burst, uint, 0444);
MODULE_PARM_DESC(ratelimit_burst, "Default requests a source may send at once");

static bool ratelimit_kod;
module_param(ratelimit_kod, bool, 0444);
MODULE_PARM_DESC(ratelimit_kod,
		 "Default: answer rate-limited requests with a RATE kiss-o'-death");

static uint cookie_budget = 50000;
module_param(cookie_budget, uint, 0444);
MODULE_PARM_DESC(cookie_budget,
		 "Default fresh cookies per second per CPU beyond the first of each reply; past it, replies carry one (0 = no budget; default 50000)");

static unsigned int knts_net_id __read_mostly;

/**
 * knts_server() - the server of a network namespace
 * @net: the namespace
 *
 * Return: the server; it exists as long as @net does.
 */
struct knts_server *knts_server(const struct net *net)
{
	return net_generic(net, knts_net_id);
}

/**
 * knts_config_get() - the tunables, as the packet path sees them now
 * @srv: server
 * @cfg: out
 */
void knts_config_get(struct knts_server *srv, struct knts_config *cfg)
{
	cfg->require_nts = READ_ONCE(srv->cfg.require_nts);
	cfg->rl_interval_ns = READ_ONCE(srv->cfg.rl_interval_ns);
	cfg->rl_burst = max_t(u32, READ_ONCE(srv->cfg.rl_burst), 1);
	cfg->rl_leak = READ_ONCE(srv->cfg.rl_leak);
	cfg->rl_prefix6 = READ_ONCE(srv->cfg.rl_prefix6);
	cfg->rl_kod = READ_ONCE(srv->cfg.rl_kod);
	cfg->cookie_budget = READ_ONCE(srv->cfg.cookie_budget);
}

/**
 * knts_config_set() - replace the tunables
 * @srv: server
 * @cfg: the new values
 *
 * The rate limiter's table is allocated the first time rate limiting is
 * turned on, so that a namespace that never limits does not pay for it.
 *
 * Context: process context, under @srv->lock.
 * Return: 0, or -ENOMEM (nothing changed).
 */
int knts_config_set(struct knts_server *srv, const struct knts_config *cfg)
{
	int err = 0;

	lockdep_assert_held(&srv->lock);
	if (cfg->rl_interval_ns)
		err = knts_ratelimit_enable(&srv->rl);
	if (!err) {
		WRITE_ONCE(srv->cfg.require_nts, cfg->require_nts);
		WRITE_ONCE(srv->cfg.rl_burst, max_t(u32, cfg->rl_burst, 1));
		WRITE_ONCE(srv->cfg.rl_kod, cfg->rl_kod);
		WRITE_ONCE(srv->cfg.rl_leak, cfg->rl_leak);
		WRITE_ONCE(srv->cfg.rl_prefix6, cfg->rl_prefix6);
		WRITE_ONCE(srv->cfg.cookie_budget, cfg->cookie_budget);
		/* Last: the packet path limits once it reads an interval. */
		WRITE_ONCE(srv->cfg.rl_interval_ns, cfg->rl_interval_ns);
	}
	return err;
}

static int __net_init knts_net_init(struct net *net)
{
	struct knts_server *srv = knts_server(net);
	struct knts_config cfg = {
		.require_nts = READ_ONCE(require_nts),
		.rl_interval_ns = ratelimit_rate ?
				  div_u64(NSEC_PER_SEC,
					  min_t(u32, ratelimit_rate,
						NSEC_PER_SEC)) : 0,
		.rl_burst = clamp_t(u32, ratelimit_burst, 1, KNTS_RL_BURST_MAX),
		.rl_prefix6 = 64,
		.rl_kod = READ_ONCE(ratelimit_kod),
		.cookie_budget = READ_ONCE(cookie_budget),
	};
	int err;

	mutex_init(&srv->lock);
	srv->net = net;
	INIT_LIST_HEAD(&srv->socks);
	knts_socket_net_init(srv);
	srv->load_time_ns = ktime_get_real_ns();
	err = knts_stats_init(srv);
	if (err)
		return err;
	mutex_lock(&srv->lock);
	err = knts_config_set(srv, &cfg);
	mutex_unlock(&srv->lock);
	if (err)
		knts_stats_uninit(srv);
	return err;
}

static void __net_exit knts_net_exit(struct net *net)
{
	struct knts_server *srv = knts_server(net);

	/* Stops the packet path and waits until no callback runs. */
	knts_socket_net_exit(srv);
	knts_access_install(srv, NULL);
	knts_keys_uninit(srv);
	knts_time_uninit(srv);
	knts_ratelimit_uninit(&srv->rl);
	knts_stats_uninit(srv);
	knts_genl_netns_exit(net);
}

static struct pernet_operations knts_net_ops = {
	.init = knts_net_init,
	.exit = knts_net_exit,
	.id = &knts_net_id,
	.size = sizeof(struct knts_server),
};

static int __init knts_init(void)
{
	int err;

	err = knts_aes_init();
	if (err)
		return err;
	err = knts_pcpu_init();
	if (err)
		goto err_aes;
	err = register_pernet_subsys(&knts_net_ops);
	if (err)
		goto err_pcpu;
	err = knts_genl_init();
	if (err)
		goto err_pernet;

	pr_info("knts " KNTS_VERSION
		" loaded; serves the UDP sockets it is handed (kntsd, kntsctl socket add)\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&knts_net_ops);
err_pcpu:
	knts_pcpu_uninit();
err_aes:
	knts_aes_exit();
	return err;
}

static void __exit knts_exit(void)
{
	/* No handler runs and no notification goes out after this. */
	knts_genl_uninit();
	/* Releases every namespace's sockets and state. */
	unregister_pernet_subsys(&knts_net_ops);
	/* Access tables freed by call_rcu() run this module's code. */
	rcu_barrier();
	knts_pcpu_uninit();
	knts_aes_exit();
}

module_init(knts_init);
module_exit(knts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Network Time Security (RFC 8915) server");
MODULE_VERSION(KNTS_VERSION);
