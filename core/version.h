/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_VERSION_H
#define _KNTS_VERSION_H

#define KNTS_VERSION "0.1.0"

#endif /* _KNTS_VERSION_H */
