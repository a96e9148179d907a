/* A 32-bit (i386) program that creates and writes FILE through ia32
 * syscalls: built with gcc -m32 -static (tests/integration/CMakeLists.txt).
 *   write32 FILE */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	const char *text = "written by a 32-bit program\n";
	if (write(fd, text, strlen(text)) < 0)
		return 1;
	return close(fd) == 0 ? 0 : 1;
}
