/* Scenario: a second thread (not the main one) creates and writes PATH, so
 * the open is made by a tid that differs from the process id.
 * usage: thread_write PATH */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *write_from_thread(void *path) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "thread\n", 7) != 7 || close(fd) < 0) {
		perror(path);
		return (void *)1;
	}
	return NULL;
}

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	pthread_t thread;
	void *failed;
	if (pthread_create(&thread, NULL, write_from_thread, argv[1]) != 0 ||
	    pthread_join(thread, &failed) != 0)
		return 1;
	return failed ? 1 : 0;
}
