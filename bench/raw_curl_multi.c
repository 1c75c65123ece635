/* The bulk baseline: one libcurl multi handle driving IN_FLIGHT easy handles
 * (one keep-alive connection each) on one thread, the same POST body and
 * headers as raw_curl.c. What libcurl itself can do in bulk on this machine.
 *   raw_curl_multi URL SECONDS POOL IN_FLIGHT
 * Prints one JSON line: calls, seconds, rate, failures, connects. */
#include <curl/curl.h>
#include <string.h>

#include "records.h"

struct slot {
  CURL *h;
  char buf[1024];
  size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *user) {
  struct slot *s = user;
  size_t add = size * n;
  size_t keep = add < sizeof s->buf - 1 - s->len ? add : sizeof s->buf - 1 - s->len;
  memcpy(s->buf + s->len, ptr, keep);
  s->len += keep;
  s->buf[s->len] = 0;
  return add;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s URL SECONDS POOL IN_FLIGHT\n", argv[0]);
    return 2;
  }
  const char *url = argv[1];
  double seconds = bench_arg_double(argv[2], "SECONDS");
  long pool = bench_arg_long(argv[3], "POOL");
  long in_flight = bench_arg_long(argv[4], "IN_FLIGHT");

  char **bodies = calloc((size_t)pool, sizeof *bodies);
  if (!bodies) return 1;
  for (long i = 0; i < pool; ++i) {
    char buf[512];
    bench_record_json(buf, sizeof buf, i);
    bodies[i] = strdup(buf);
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM *m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, in_flight);
  struct curl_slist *headers = NULL;
  headers = curl_slist_append(headers, "Authorization: Bearer " BENCH_TOKEN);
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  struct slot *slots = calloc((size_t)in_flight, sizeof *slots);
  if (!slots) return 1;

  long next = 0, calls = 0, failures = 0, connects = 0;
  double start = bench_now(), deadline = start + seconds, end = start;
  for (long k = 0; k < in_flight; ++k) {
    struct slot *s = &slots[k];
    s->h = curl_easy_init();
    curl_easy_setopt(s->h, CURLOPT_URL, url);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s->h, CURLOPT_USERAGENT, "raw-curl-bench");
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, bodies[next % pool]);
    ++next;
    curl_multi_add_handle(m, s->h);
  }
  int running = (int)in_flight;
  while (running > 0) {
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      struct slot *s = NULL;
      long status = 0, opened = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo(msg->easy_handle, CURLINFO_NUM_CONNECTS, &opened);
      connects += opened;
      if (msg->data.result != CURLE_OK || status != 200 || !strstr(s->buf, "\"OK\"")) {
        if (failures++ == 0)
          fprintf(stderr, "raw_curl_multi: request failed: %s (HTTP %ld)\n", curl_easy_strerror(msg->data.result),
                  status);
      }
      ++calls;
      end = bench_now();
      curl_multi_remove_handle(m, s->h);
      if (end < deadline) {
        s->len = 0;
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, bodies[next % pool]);
        ++next;
        curl_multi_add_handle(m, s->h);
        ++running;
      }
    }
    if (running > 0) curl_multi_poll(m, NULL, 0, 1000, NULL);
  }
  double took = end - start;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"failures\": %ld, \"connects\": %ld}\n", calls, took,
         (double)calls / took, failures, connects);

  for (long k = 0; k < in_flight; ++k) curl_easy_cleanup(slots[k].h);
  free(slots);
  curl_multi_cleanup(m);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  for (long i = 0; i < pool; ++i) free(bodies[i]);
  free(bodies);
  return failures ? 1 : 0;
}
