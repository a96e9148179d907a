/* Scenario: an existing, non-empty file is changed only through a shared
 * writable mapping: open O_RDWR, mmap MAP_SHARED PROT_WRITE, memcpy,
 * munmap, close. There is no write(2) and no truncation.
 * With WHEN, the mapping outlives the file's close(): open, mmap, close,
 * memcpy, then the mapping goes by WHEN: "munmap" (munmap, then exit),
 * "exit" (exit with the mapping in place) or "exec" (exec /bin/true with
 * it in place).
 * usage: mmap_write PATH [munmap|exit|exec] */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	static const char kText[] = "mapped";
	if (argc != 2 && argc != 3)
		return 2;
	int fd = open(argv[1], O_RDWR);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof kText) {
		fprintf(stderr, "%s: need an existing file of %zu bytes or more\n", argv[1],
		        sizeof kText);
		return 1;
	}
	char *map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	const char *when = argc == 3 ? argv[2] : NULL;
	if (when && close(fd) < 0)
		return 1;
	memcpy(map, kText, sizeof kText - 1);
	if (!when)
		return munmap(map, st.st_size) < 0 || close(fd) < 0;
	if (strcmp(when, "munmap") == 0)
		return munmap(map, st.st_size) < 0;
	if (strcmp(when, "exec") == 0) {
		execl("/bin/true", "true", (char *)NULL);
		return 1;
	}
	return 0;
}
