/* Scenario: a file descriptor passed over a Unix socket (SCM_RIGHTS).
 * "send SOCKET FILE": listen on SOCKET, open FILE for reading, send its fd
 * to the first client, close it, then send one byte more and exit. "recv SOCKET": connect to SOCKET (retrying
 * for 10 s while it does not exist yet), receive the fd, read it all to
 * stdout, wait for the byte that says the sender closed its fd, close it.
 * usage: scm_rights send SOCKET FILE | scm_rights recv SOCKET */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int address(const char *path, struct sockaddr_un *addr) {
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof addr->sun_path)
		return -1;
	strcpy(addr->sun_path, path);
	return 0;
}

static int do_send(const char *path, const char *file) {
	struct sockaddr_un addr;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || address(path, &addr) < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    listen(s, 1) < 0)
		return 1;
	int fd = open(file, O_RDONLY);
	int c = accept(s, NULL, NULL);
	if (fd < 0 || c < 0)
		return 1;
	char byte = 'f';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
	                     .msg_controllen = sizeof control.buf};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
	if (sendmsg(c, &msg, 0) != 1 || close(fd) < 0)
		return 1;
	/* the receiver closes its fd after this byte: its close is the last */
	return write(c, "d", 1) != 1;
}

static int do_recv(const char *path) {
	struct sockaddr_un addr;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || address(path, &addr) < 0)
		return 1;
	for (int i = 0; connect(s, (struct sockaddr *)&addr, sizeof addr) < 0; i++) {
		if (i == 1000)
			return 1;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
	                     .msg_controllen = sizeof control};
	if (recvmsg(s, &msg, 0) != 1)
		return 1;
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return 1;
	int fd;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	return n < 0 || read(s, &byte, 1) != 1 || close(fd) < 0;
}

int main(int argc, char **argv) {
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "recv") == 0)
		return do_recv(argv[2]);
	return 2;
}
