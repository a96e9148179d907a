/* Scenario: installed setuid root and started by an unprivileged traced
 * process, it writes its own pid (decimal) into PATH, so a test can match
 * the tracer's "untraced" event to this process after the run.
 * usage: setuid_write PATH */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	fprintf(out, "%d\n", (int)getpid());
	return fclose(out) != 0;
}
