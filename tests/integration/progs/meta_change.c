/* Scenario: change FILE's metadata through the fd forms of the calls and
 * the extended attribute calls, which the shell tools do not all use:
 * setxattr, lsetxattr, fsetxattr, removexattr by name and by fd, fchmod,
 * fchown (to the same owner) and futimens. Exits 77 when the file system
 * takes no user extended attributes.
 * usage: meta_change FILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	const char *path = argv[1];
	if (setxattr(path, "user.fantrace", "1", 1, 0) != 0) {
		int err = errno;  /* perror may change it */

		perror("setxattr");
		return err == ENOTSUP ? 77 : 1;
	}
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 ||
	    fsetxattr(fd, "user.fantrace", "2", 1, 0) != 0 ||
	    removexattr(path, "user.fantrace") != 0 ||
	    fchmod(fd, 0640) != 0 || fchown(fd, st.st_uid, st.st_gid) != 0 ||
	    futimens(fd, NULL) != 0) {
		perror(path);
		return 1;
	}
	close(fd);
	return 0;
}
