/* accountkit's C batch API: one thread, one ak_batch of at most MAX_IN_FLIGHT
 * create_account calls in flight on one client.
 *   ak_batch BASE_URL SECONDS POOL MAX_IN_FLIGHT
 * MAX_IN_FLIGHT is 1 to 1024 (ak_batch_new's range). Keeps 4 x MAX_IN_FLIGHT
 * operations submitted, cycling over POOL prebuilt field sets, until SECONDS
 * pass; then drains what is in flight. Prints one JSON line: calls
 * (completed), seconds (to the last completion), rate, steady_rate (from the
 * MAX_IN_FLIGHT-th completion on, records.h), failures, in_flight. */
#include "ak_common.h"

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s BASE_URL SECONDS POOL MAX_IN_FLIGHT\n", argv[0]);
    return 2;
  }
  double seconds = bench_arg_double(argv[2], "SECONDS");
  long pool = bench_arg_long(argv[3], "POOL");
  long in_flight = bench_arg_long(argv[4], "MAX_IN_FLIGHT");
  if (in_flight > 1024) {
    fprintf(stderr, "MAX_IN_FLIGHT %ld is over ak_batch_new's limit, 1024\n", in_flight);
    return 2;
  }
  long files = bench_raise_nofile();
  if (files >= 0 && in_flight + 64 > files) {
    fprintf(stderr, "MAX_IN_FLIGHT %ld needs more open files than the limit (%ld)\n", in_flight, files);
    return 2;
  }
  ak_fields **records = bench_record_pool(pool);
  ak_client *c = bench_client(argv[1]);
  ak_batch *b = NULL;
  ak_error *err = NULL;
  bench_check(ak_batch_new(&b, c, (size_t)in_flight, &err), err, "ak_batch_new");

  uint64_t submitted = 0;
  long calls = 0, failures = 0;
  size_t buffered = (size_t)in_flight * 4;
  struct bench_steady steady = {.in_flight = in_flight};
  double cpu = bench_cpu_now(), start = bench_now(), deadline = start + seconds, end = start;
  for (;;) {
    int more = bench_now() < deadline;
    while (more && ak_batch_pending(b) < buffered) {
      bench_check(ak_batch_submit(b, "create_account", records[submitted % (uint64_t)pool], submitted, &err), err,
                  "ak_batch_submit");
      ++submitted;
    }
    if (!more && ak_batch_pending(b) == 0) break;
    uint64_t tag = 0;
    ak_result *r = NULL;
    ak_error *failure = NULL;
    bench_check(ak_batch_next(&tag, &r, &failure, b, -1, &err), err, "ak_batch_next");
    if (!r && !failure) continue;
    if (!r || !ak_result_id(r)[0]) {
      if (failures++ == 0)
        fprintf(stderr, "operation %llu failed: %s\n", (unsigned long long)tag,
                failure ? ak_error_message(failure) : "no account id in the result");
    }
    ak_result_free(r);
    ak_error_free(failure);
    ++calls;
    end = bench_now();
    bench_steady_tick(&steady, calls, end);
  }
  double took = end - start;
  cpu = bench_cpu_now() - cpu;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"steady_rate\": %.1f, \"failures\": %ld, "
         "\"in_flight\": %ld, \"cpu_seconds\": %.4f}\n",
         calls, took, (double)calls / took, bench_steady_rate(&steady, calls, end, start), failures, in_flight, cpu);
  ak_batch_free(b);
  ak_client_free(c);
  bench_free_pool(records, pool);
  return failures ? 1 : 0;
}
