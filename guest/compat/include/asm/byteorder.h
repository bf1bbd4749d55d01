/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <asm/byteorder.h>, x86-64 (little endian): cpu_to_le/be*, le/be*_to_cpu
 * and the network-order htons/ntohs/htonl/ntohl. */
#ifndef _IK_ASM_BYTEORDER_H
#define _IK_ASM_BYTEORDER_H

#include <linux/types.h>

#define __LITTLE_ENDIAN 1234

#define cpu_to_le16(x) ((__le16)(u16)(x))
#define cpu_to_le32(x) ((__le32)(u32)(x))
#define cpu_to_le64(x) ((__le64)(u64)(x))
#define le16_to_cpu(x) ((u16)(__le16)(x))
#define le32_to_cpu(x) ((u32)(__le32)(x))
#define le64_to_cpu(x) ((u64)(__le64)(x))
#define cpu_to_be16(x) ((__be16)__builtin_bswap16((u16)(x)))
#define cpu_to_be32(x) ((__be32)__builtin_bswap32((u32)(x)))
#define cpu_to_be64(x) ((__be64)__builtin_bswap64((u64)(x)))
#define be16_to_cpu(x) ((u16)__builtin_bswap16((u16)(x)))
#define be32_to_cpu(x) ((u32)__builtin_bswap32((u32)(x)))
#define be64_to_cpu(x) ((u64)__builtin_bswap64((u64)(x)))
#define le16_to_cpus(p) ((void)(p))
#define le32_to_cpus(p) ((void)(p))
#define cpu_to_le16s(p) ((void)(p))
#define cpu_to_le32s(p) ((void)(p))

#define htons(x) cpu_to_be16(x)
#define ntohs(x) be16_to_cpu(x)
#define htonl(x) cpu_to_be32(x)
#define ntohl(x) be32_to_cpu(x)

#endif
