/* storm: as many file events per second as the machine can make.
 *
 * usage: storm DIR PROCS SECONDS RATE
 *
 * PROCS processes each open and close files in DIR/p<k>/f<i> (i in
 * 0..FILES_PER_PROC-1, created beforehand by storm itself) for SECONDS.
 * RATE is the target of open+close pairs per second for all processes
 * together; 0 means as fast as possible. Each process paces itself against
 * the clock, so a traced run produces the offered rate or says it could not.
 * Prints "ops=N seconds=S" (ops = open+close pairs, summed over processes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILES_PER_PROC 64
#define PACE_CHECK_EVERY 64  /* ops between clock reads */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int prepare(const char *dir, int proc)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/p%d", dir, proc);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < FILES_PER_PROC; i++) {
		snprintf(path, sizeof path, "%s/p%d/f%d", dir, proc, i);
		int fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			perror(path);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static long run(const char *dir, int proc, double seconds, double rate)
{
	char paths[FILES_PER_PROC][256];
	for (int i = 0; i < FILES_PER_PROC; i++)
		snprintf(paths[i], sizeof paths[i], "%s/p%d/f%d", dir, proc, i);
	double start = now_s(), end = start + seconds;
	long ops = 0;
	for (;;) {
		for (int k = 0; k < PACE_CHECK_EVERY; k++, ops++) {
			int fd = open(paths[ops % FILES_PER_PROC], O_RDONLY);
			if (fd < 0)
				return -1;
			close(fd);
		}
		double t = now_s();
		if (t >= end)
			break;
		if (rate > 0) {
			double due = start + ops / rate;
			if (due > t) {
				double d = due - t;
				struct timespec ts = {(time_t)d, (long)((d - (time_t)d) * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
	}
	return ops;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: storm DIR PROCS SECONDS RATE\n");
		return 2;
	}
	const char *dir = argv[1];
	int procs = atoi(argv[2]);
	double seconds = atof(argv[3]), rate = atof(argv[4]);
	if (procs < 1 || procs > 256 || seconds <= 0 || rate < 0) {
		fprintf(stderr, "storm: bad arguments\n");
		return 2;
	}
	long *ops = mmap(NULL, procs * sizeof(long), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ops == MAP_FAILED) {
		perror("storm: mmap");
		return 1;
	}
	for (int p = 0; p < procs; p++)
		if (prepare(dir, p) < 0)
			return 1;
	double start = now_s();
	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("storm: fork");
			return 1;
		}
		if (pid == 0) {
			ops[p] = run(dir, p, seconds, rate / procs);
			_exit(ops[p] < 0 ? 1 : 0);
		}
	}
	int failed = 0, status;
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	double elapsed = now_s() - start;
	long total = 0;
	for (int p = 0; p < procs; p++)
		total += ops[p];
	printf("ops=%ld seconds=%.6f\n", total, elapsed);
	return failed;
}
