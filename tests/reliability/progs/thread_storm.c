/* Scenario: one process with T threads alive at once. Each thread creates
 * DIR/t_<i> and writes to it, then forks a child that exits with status 3
 * and waits for it; all threads meet at a barrier before they end, so
 * all T exist together.
 * usage: thread_storm T DIR */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t all_started;
static const char *dir;

static void *work(void *arg)
{
	long i = (long)arg;
	char path[4096];
	snprintf(path, sizeof path, "%s/t_%ld", dir, i);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "t", 1) != 1 || close(fd) < 0) {
		perror(path);
		exit(1);
	}
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		exit(1);
	}
	if (child == 0)
		_exit(3);
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 3)
		exit(1);
	pthread_barrier_wait(&all_started);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[1]);
	dir = argv[2];
	pthread_t *threads = calloc(n, sizeof *threads);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&all_started, NULL, n);
	for (long i = 0; i < n; i++) {
		int err = pthread_create(&threads[i], &attr, work, (void *)i);
		if (err) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
