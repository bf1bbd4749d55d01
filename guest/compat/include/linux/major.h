/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/major.h> (the ones drivers name). */
#ifndef _IK_LINUX_MAJOR_H
#define _IK_LINUX_MAJOR_H

#define MEM_MAJOR 1
#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5
#define LP_MAJOR 6
#define MISC_MAJOR 10
#define INPUT_MAJOR 13
#define SOUND_MAJOR 14
#define PP_MAJOR 99

#endif
