/* accountkit's C API, one thread.
 *   ak_seq call BASE_URL SECONDS POOL   ak_call("create_account") in a loop on one client
 *   ak_seq validate SECONDS POOL        ak_validate per record (no network)
 * Cycles over POOL prebuilt field sets for SECONDS and prints one JSON line:
 * calls, seconds, rate, failures. */
#include <string.h>

#include "ak_common.h"

static int run_call(const char *base_url, double seconds, long pool) {
  ak_fields **records = bench_record_pool(pool);
  ak_client *c = bench_client(base_url);
  long calls = 0, failures = 0;
  double cpu = bench_cpu_now(), start = bench_now(), deadline = start + seconds, end = start;
  while (end < deadline) {
    ak_result *r = NULL;
    ak_error *err = NULL;
    if (ak_call(&r, c, "create_account", records[calls % pool], &err) != AK_OK || !ak_result_id(r)[0]) {
      if (failures++ == 0)
        fprintf(stderr, "ak_call failed: %s\n", err ? ak_error_message(err) : "no account id in the result");
    }
    ak_error_free(err);
    ak_result_free(r);
    ++calls;
    end = bench_now();
  }
  double took = end - start;
  cpu = bench_cpu_now() - cpu;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"failures\": %ld, \"cpu_seconds\": %.4f}\n", calls,
         took, (double)calls / took, failures, cpu);
  ak_client_free(c);
  bench_free_pool(records, pool);
  return failures ? 1 : 0;
}

static int run_validate(double seconds, long pool) {
  ak_fields **records = bench_record_pool(pool);
  /* Sanity: an invalid record must fail, or the loop below measures nothing. */
  ak_fields *bad = bench_record_fields(0);
  ak_fields_set_string(bad, "admin_password", "weak", NULL);
  ak_error *err = NULL;
  if (ak_validate("99digital", "create_account", bad, &err) != AK_E_VALIDATION) {
    fprintf(stderr, "ak_validate accepted an invalid record\n");
    return 1;
  }
  ak_error_free(err);
  ak_fields_free(bad);

  long calls = 0, failures = 0;
  double cpu = bench_cpu_now(), start = bench_now(), deadline = start + seconds, end = start;
  while (end < deadline) {
    /* Check the clock every 256 records: one ak_validate is far below a microsecond's worth of clock reads. */
    for (int k = 0; k < 256; ++k) {
      err = NULL;
      if (ak_validate("99digital", "create_account", records[calls % pool], &err) != AK_OK) {
        if (failures++ == 0) fprintf(stderr, "ak_validate failed: %s\n", err ? ak_error_message(err) : "");
        ak_error_free(err);
      }
      ++calls;
    }
    end = bench_now();
  }
  double took = end - start;
  cpu = bench_cpu_now() - cpu;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"failures\": %ld, \"cpu_seconds\": %.4f}\n", calls,
         took, (double)calls / took, failures, cpu);
  bench_free_pool(records, pool);
  return failures ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "call") == 0)
    return run_call(argv[2], bench_arg_double(argv[3], "SECONDS"), bench_arg_long(argv[4], "POOL"));
  if (argc == 4 && strcmp(argv[1], "validate") == 0)
    return run_validate(bench_arg_double(argv[2], "SECONDS"), bench_arg_long(argv[3], "POOL"));
  fprintf(stderr, "usage: %s call BASE_URL SECONDS POOL | validate SECONDS POOL\n", argv[0]);
  return 2;
}
