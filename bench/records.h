/* The benchmark's 99digital create_account records, shared by the C benches.
 * Record i is valid and distinct from every other record: the same scheme as
 * bench/records.py and bench/validate_bench.cpp. */
#ifndef AK_BENCH_RECORDS_H
#define AK_BENCH_RECORDS_H

#include <stdio.h>
#include <stdlib.h>
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

#endif
