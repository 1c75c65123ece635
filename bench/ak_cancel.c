/* Cancellation latency through accountkit's C API: the time from a cancel to
 * the call (or the batch operation) coming back, against a delay server that
 * holds every answer far longer than the run (scripts/bench.sh starts one at
 * 10 s), so only the cancel can end the exchange.
 *   ak_cancel call BASE_URL SAMPLES HOLD_MS    ak_call_with on a thread, ak_cancel_trigger from this one
 *   ak_cancel batch BASE_URL SAMPLES HOLD_MS   ak_batch_next on this thread, ak_batch_cancel from another
 * Each sample sends one create_account, lets it sit HOLD_MS at the server,
 * cancels it, and times cancel -> return. Every sample must end as
 * AK_E_OUTCOME_UNKNOWN (a create that was sent may have landed); anything
 * else counts as a failure. Prints one JSON line: samples, median_ms, p90_ms,
 * max_ms, failures. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "ak_common.h"

struct sample {
  ak_client *client;
  ak_batch *batch;
  ak_fields *record;
  ak_cancel *token;
  double hold_s;
  double cancelled_at, returned_at;
  ak_status status;
};

static void sleep_s(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

static void *run_call(void *arg) {
  struct sample *s = arg;
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = s->token;
  ak_result *r = NULL;
  ak_error *err = NULL;
  s->status = ak_call_with(&r, s->client, "create_account", s->record, &opts, &err);
  s->returned_at = bench_now();
  ak_result_free(r);
  ak_error_free(err);
  return NULL;
}

static void *cancel_batch_later(void *arg) {
  struct sample *s = arg;
  sleep_s(s->hold_s);
  s->cancelled_at = bench_now();
  ak_batch_cancel(s->batch, 1);
  return NULL;
}

/* One sample of `call`: the call runs on a thread, the cancel comes from here. */
static void sample_call(struct sample *s) {
  bench_check(ak_cancel_new(&s->token, NULL), NULL, "ak_cancel_new");
  pthread_t t;
  pthread_create(&t, NULL, run_call, s);
  sleep_s(s->hold_s);
  s->cancelled_at = bench_now();
  ak_cancel_trigger(s->token);
  pthread_join(t, NULL);
  ak_cancel_free(s->token);
}

/* One sample of `batch`: this thread waits in ak_batch_next, another cancels the tag. */
static void sample_batch(struct sample *s) {
  ak_error *err = NULL;
  bench_check(ak_batch_new(&s->batch, s->client, 1, &err), err, "ak_batch_new");
  bench_check(ak_batch_submit(s->batch, "create_account", s->record, 1, &err), err, "ak_batch_submit");
  pthread_t t;
  pthread_create(&t, NULL, cancel_batch_later, s);
  uint64_t tag = 0;
  ak_result *r = NULL;
  ak_error *failure = NULL;
  bench_check(ak_batch_next(&tag, &r, &failure, s->batch, -1, &err), err, "ak_batch_next");
  s->returned_at = bench_now();
  s->status = r ? AK_OK : failure ? ak_error_code(failure) : AK_E_INTERNAL;
  pthread_join(t, NULL);
  ak_result_free(r);
  ak_error_free(failure);
  ak_batch_free(s->batch);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int batch = argc == 5 && strcmp(argv[1], "batch") == 0;
  if (argc != 5 || (!batch && strcmp(argv[1], "call") != 0)) {
    fprintf(stderr, "usage: %s call|batch BASE_URL SAMPLES HOLD_MS\n", argv[0]);
    return 2;
  }
  long samples = bench_arg_long(argv[3], "SAMPLES");
  double hold_s = bench_arg_double(argv[4], "HOLD_MS") / 1000.0;
  ak_client *c = bench_client(argv[2]);
  double *ms = calloc((size_t)samples, sizeof *ms);
  if (!ms) return 1;
  long failures = 0;
  for (long i = 0; i < samples; ++i) {
    struct sample s = {.client = c, .record = bench_record_fields(i), .hold_s = hold_s};
    if (batch) sample_batch(&s);
    else sample_call(&s);
    ms[i] = (s.returned_at - s.cancelled_at) * 1000.0;
    if (s.status != AK_E_OUTCOME_UNKNOWN && failures++ == 0)
      fprintf(stderr, "sample %ld ended as %s, not outcome_unknown\n", i, ak_strerror(s.status));
    ak_fields_free(s.record);
  }
  qsort(ms, (size_t)samples, sizeof *ms, by_value);
  printf("{\"samples\": %ld, \"median_ms\": %.3f, \"p90_ms\": %.3f, \"max_ms\": %.3f, \"failures\": %ld}\n", samples,
         ms[samples / 2], ms[(samples * 9) / 10 < samples ? (samples * 9) / 10 : samples - 1], ms[samples - 1],
         failures);
  free(ms);
  ak_client_free(c);
  return failures ? 1 : 0;
}
