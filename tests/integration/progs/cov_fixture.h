/* The fixture directory the coverage scenarios work in (cov_syscalls.c,
 * uring/cov_uring.c): paths in it, and fds of its files. Header-only, one
 * program each. */
#ifndef COV_FIXTURE_H
#define COV_FIXTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;  /* set by main from argv[2] */

/* DIR/name, never freed (each scenario makes a few). */
static char *P(const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* An fd of DIR/name; exits 1 when the fixture cannot be opened. */
static int fd_of(const char *name, int flags)
{
	int fd = open(P(name), flags);
	if (fd < 0) {
		perror("coverage scenario: open fixture");
		exit(1);
	}
	return fd;
}

#endif
