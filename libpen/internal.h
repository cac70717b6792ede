/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpen internals, shared by the library's source files only.
 */
#ifndef LIBPEN_INTERNAL_H
#define LIBPEN_INTERNAL_H

/*
 * The library is built with -fvisibility=hidden, so only what is marked
 * here reaches the dynamic symbol table; libpen.map then pins those names
 * to the LIBPEN_1 version. Kept out of libpen.h so that users never see it.
 */
#define PEN_EXPORT	__attribute__((visibility("default")))

#endif /* LIBPEN_INTERNAL_H */
