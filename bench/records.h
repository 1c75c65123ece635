/* The benchmark's 99digital create_account records, shared by the C benches.
 * Record i is valid and distinct from every other record: the same scheme as
 * bench/records.py and bench/validate_bench.cpp. */
#ifndef AK_BENCH_RECORDS_H
#define AK_BENCH_RECORDS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#define BENCH_TOKEN "bench-token"

/* The record as the JSON object accountkit sends (same field order). */
static inline int bench_record_json(char *buf, size_t n, long i) {
  return snprintf(buf, n,
                  "{\"account_name\":\"Bench Account %ld\",\"agents\":%ld,\"inboxes\":%ld,"
                  "\"admin_email\":\"admin%ld@bench.example\",\"admin_name\":\"Admin User %ld\","
                  "\"admin_displayName\":\"Admin %ld\",\"admin_password\":\"Bench!Pass%ld\","
                  "\"reference\":\"bench%ld\"}",
                  i, 1 + i % 9999, 1 + i % 999, i, i, i, i, i);
}

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time this process has used (every thread), for the "cpu_seconds" of a
 * run: read when the clock starts and when it stops. */
static inline double bench_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long bench_arg_long(const char *s, const char *what) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (!s[0] || *end || v <= 0) {
    fprintf(stderr, "bad %s: %s\n", what, s);
    exit(2);
  }
  return v;
}

static inline double bench_arg_double(const char *s, const char *what) {
  char *end = NULL;
  double v = strtod(s, &end);
  if (!s[0] || *end || !(v > 0)) {
    fprintf(stderr, "bad %s: %s\n", what, s);
    exit(2);
  }
  return v;
}

/* Raises the soft limit on open files to the hard one, so that a run with
 * many operations in flight is not capped by it (one descriptor per
 * connection). Returns the soft limit now in force. */
static inline long bench_raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)rl.rlim_cur;
}

/* Completions counted for the steady-state rate: the clock for it starts at
 * the IN_FLIGHT-th completion (by then every connection is open and the first
 * round trip is done), so a run with 1024 connections is not charged for
 * opening them. rate (the whole run) is still reported beside it. */
struct bench_steady {
  long in_flight, warm_calls;
  double warm_at;
};

static inline void bench_steady_tick(struct bench_steady *s, long calls, double now) {
  if (calls == s->in_flight) {
    s->warm_calls = calls;
    s->warm_at = now;
  }
}

static inline double bench_steady_rate(const struct bench_steady *s, long calls, double end, double start) {
  if (s->warm_calls && calls > s->warm_calls && end > s->warm_at)
    return (double)(calls - s->warm_calls) / (end - s->warm_at);
  return end > start ? (double)calls / (end - start) : 0.0;
}

#endif
