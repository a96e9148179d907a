/* Scenario: a file changed only through a shared writable mapping that
 * outlives the file's close(): open O_RDWR, mmap MAP_SHARED PROT_WRITE,
 * close, write through the mapping, then let the mapping go by WHEN:
 * "munmap" (munmap, then exit), "exit" (exit with the mapping in place) or
 * "exec" (exec /bin/true with it in place).
 * usage: mapped_after_close PATH munmap|exit|exec */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	static const char kText[] = "mapped";
	if (argc != 3)
		return 2;
	int fd = open(argv[1], O_RDWR);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof kText) {
		fprintf(stderr, "%s: need an existing file of %zu bytes or more\n", argv[1],
		        sizeof kText);
		return 1;
	}
	char *map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || close(fd) < 0)
		return 1;
	memcpy(map, kText, sizeof kText - 1);
	if (strcmp(argv[2], "munmap") == 0)
		return munmap(map, st.st_size) < 0;
	if (strcmp(argv[2], "exec") == 0) {
		execl("/bin/true", "true", (char *)NULL);
		return 1;
	}
	return 0;
}
