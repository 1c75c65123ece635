/* Helpers shared by the accountkit C benches (public C API only). */
#ifndef AK_BENCH_COMMON_H
#define AK_BENCH_COMMON_H

#include <accountkit/accountkit.h>
#include <stdio.h>
#include <stdlib.h>

#include "records.h"

static inline void bench_check(ak_status st, ak_error *err, const char *what) {
  if (st == AK_OK) return;
  fprintf(stderr, "%s failed: [%s] %s\n", what, err ? ak_error_category(err) : ak_strerror(st),
          err ? ak_error_message(err) : "");
  ak_error_free(err);
  exit(1);
}

/* Record i as a field set, built with the setters a C caller would use. */
static inline ak_fields *bench_record_fields(long i) {
  ak_fields *f = NULL;
  ak_error *err = NULL;
  char buf[128];
  bench_check(ak_fields_new(&f, &err), err, "ak_fields_new");
  snprintf(buf, sizeof buf, "Bench Account %ld", i);
  ak_fields_set_string(f, "account_name", buf, NULL);
  ak_fields_set_int(f, "agents", 1 + i % 9999, NULL);
  ak_fields_set_int(f, "inboxes", 1 + i % 999, NULL);
  snprintf(buf, sizeof buf, "admin%ld@bench.example", i);
  ak_fields_set_string(f, "admin_email", buf, NULL);
  snprintf(buf, sizeof buf, "Admin User %ld", i);
  ak_fields_set_string(f, "admin_name", buf, NULL);
  snprintf(buf, sizeof buf, "Admin %ld", i);
  ak_fields_set_string(f, "admin_displayName", buf, NULL);
  snprintf(buf, sizeof buf, "Bench!Pass%ld", i);
  ak_fields_set_string(f, "admin_password", buf, NULL);
  snprintf(buf, sizeof buf, "bench%ld", i);
  ak_fields_set_string(f, "reference", buf, NULL);
  return f;
}

static inline ak_fields **bench_record_pool(long pool) {
  ak_fields **all = calloc((size_t)pool, sizeof *all);
  if (!all) exit(1);
  for (long i = 0; i < pool; ++i) all[i] = bench_record_fields(i);
  return all;
}

static inline void bench_free_pool(ak_fields **all, long pool) {
  for (long i = 0; i < pool; ++i) ak_fields_free(all[i]);
  free(all);
}

/* A 99digital client against base_url with a caller-given token (no token request). */
static inline ak_client *bench_client(const char *base_url) {
  ak_client *c = NULL;
  ak_error *err = NULL;
  bench_check(ak_client_new(&c, "99digital", &err), err, "ak_client_new");
  bench_check(ak_client_set_option(c, "base_url", base_url, &err), err, "base_url");
  bench_check(ak_client_set_option(c, "access_token", BENCH_TOKEN, &err), err, "access_token");
  return c;
}

#endif
