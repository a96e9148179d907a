// What FAN_TRACE costs a process, measured in the test guest.
//
//   fantrace-cost [ROUNDS]
//
// Times ROUNDS open+read+close of one file in a child, in four settings:
//   none       no trace exists (the static key is off)
//   bystander  a trace exists, of another process; this one is not traced
//   traced     this process is traced (fd mode), a reader drains the queue
//   traced-fid this process is traced (FAN_REPORT_DFID_NAME), likewise
// and prints one line per setting:
//   cost: NAME TRACEE_NS RATIO_TO_NONE TRACER_NS
// TRACEE_NS is the CPU time of the measured process per round (its own
// work, the tracer's excluded, which matters on one vCPU); TRACER_NS the
// CPU time the reader spent per round reading the events (0 when no one
// reads). Under qemu TCG these are ratios of emulated work, not hardware
// numbers.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FAN_TRACE
#define FAN_TRACE 0x00008000
#endif

static const char *kFile = "/tmp/fantrace-cost";

static double cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void workload(int rounds, int report_fd) {
  char buf[64];
  double start = cpu_ns();
  for (int i = 0; i < rounds; i++) {
    int fd = open(kFile, O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) _exit(3);
    close(fd);
  }
  double ns = (cpu_ns() - start) / rounds;
  if (write(report_fd, &ns, sizeof(ns)) != sizeof(ns)) _exit(4);
}

// A child that waits for a byte on go[0], runs the workload and reports.
static pid_t start_child(int rounds, int go[2], int result[2]) {
  pid_t pid = fork();
  if (pid == 0) {
    char b;
    close(go[1]);
    if (read(go[0], &b, 1) != 1) _exit(2);
    workload(rounds, result[1]);
    _exit(0);
  }
  return pid;
}

static int trace_child(pid_t pid, unsigned flags) {
  int fan = fanotify_init(FAN_TRACE | FAN_CLASS_NOTIF | FAN_CLOEXEC | flags, O_RDONLY);
  int pidfd = syscall(SYS_pidfd_open, pid, 0);
  if (fan < 0 || pidfd < 0) return -1;
  unsigned long long mask = FAN_OPEN | FAN_ACCESS | FAN_CLOSE;
  if (fanotify_mark(fan, FAN_MARK_ADD, mask, pidfd, NULL)) return -1;
  close(pidfd);
  return fan;
}

// Reads the trace until end of file, closing the fds events carry.
static long drain(int fan) {
  char buf[16384] __attribute__((aligned(8)));
  long events = 0;
  for (;;) {
    ssize_t len = read(fan, buf, sizeof(buf));
    if (len <= 0) return events;
    const struct fanotify_event_metadata *m = (const void *)buf;
    for (; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
      if (m->fd >= 0) close(m->fd);
      events++;
    }
  }
}

struct result {
  double tracee_ns;
  double tracer_ns;
};

static struct result run(int rounds, const char *setting) {
  int go[2], result[2], idle[2];
  if (pipe(go) || pipe(result) || pipe(idle)) exit(1);
  pid_t pid = start_child(rounds, go, result);
  pid_t other = -1;
  int fan = -1;
  if (!strcmp(setting, "bystander")) {
    // A traced process that does nothing until the measurement is over.
    other = fork();
    if (other == 0) {
      char b;
      close(idle[1]);
      if (read(idle[0], &b, 1) < 0) _exit(1);
      _exit(0);
    }
    fan = trace_child(other, FAN_REPORT_FID);
  } else if (!strcmp(setting, "traced")) {
    fan = trace_child(pid, 0);
  } else if (!strcmp(setting, "traced-fid")) {
    fan = trace_child(pid, FAN_REPORT_DFID_NAME);
  }
  if (strcmp(setting, "none") && fan < 0) {
    perror("fantrace-cost: cannot set up the trace");
    exit(1);
  }
  close(go[0]);
  close(idle[0]);
  if (write(go[1], "g", 1) != 1) exit(1);
  close(go[1]);
  long events = 0;
  struct result r = {0, 0};
  if (pid > 0 && (!strcmp(setting, "traced") || !strcmp(setting, "traced-fid"))) {
    double start = cpu_ns();
    events = drain(fan);
    r.tracer_ns = (cpu_ns() - start) / rounds;
  }
  if (read(result[0], &r.tracee_ns, sizeof(r.tracee_ns)) != sizeof(r.tracee_ns)) exit(1);
  waitpid(pid, NULL, 0);
  close(idle[1]);
  if (other > 0) waitpid(other, NULL, 0);
  if (fan >= 0) close(fan);
  close(result[0]);
  close(result[1]);
  if (events) fprintf(stderr, "fantrace-cost: %s: %ld events read\n", setting, events);
  return r;
}

static double median3(double a, double b, double c) {
  if (a > b) { double t = a; a = b; b = t; }
  if (b > c) b = c;
  return a > b ? a : b;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20000;
  int fd = open(kFile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "data\n", 5) != 5) return 1;
  close(fd);
  const char *settings[] = {"none", "bystander", "traced", "traced-fid"};
  double base = 0;
  // Interleaved: each setting runs three times, in turn; the median counts.
  struct result r[4][3];
  for (int rep = 0; rep < 3; rep++)
    for (int s = 0; s < 4; s++) r[s][rep] = run(rounds, settings[s]);
  for (int s = 0; s < 4; s++) {
    double tracee = median3(r[s][0].tracee_ns, r[s][1].tracee_ns, r[s][2].tracee_ns);
    double tracer = median3(r[s][0].tracer_ns, r[s][1].tracer_ns, r[s][2].tracer_ns);
    if (s == 0) base = tracee;
    printf("cost: %s %.0f %.3f %.0f\n", settings[s], tracee, tracee / base, tracer);
  }
  unlink(kFile);
  return 0;
}
