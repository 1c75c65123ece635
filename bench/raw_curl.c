/* The sequential baseline: one libcurl easy handle in a loop, keep-alive, the
 * same POST body and roughly the same headers as accountkit sends.
 *   raw_curl URL SECONDS POOL [readfn]
 * Runs for SECONDS, cycling over POOL prebuilt record bodies, and prints one
 * JSON line: calls, seconds, rate, failures, connects (new connections opened;
 * 1 means keep-alive held for the whole run). The body goes in
 * CURLOPT_POSTFIELDS; with "readfn" it is handed over by a read callback
 * instead, the way accountkit sends requests libcurl must not resend on its
 * own (creates): libcurl then writes headers and body with separate send calls. */
#include <curl/curl.h>
#include <string.h>

#include "records.h"

struct sink {
  char *data;
  size_t len, cap;
};

struct source {
  const char *data;
  size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *user) {
  struct source *src = user;
  size_t take = size * n < src->left ? size * n : src->left;
  memcpy(buf, src->data, take);
  src->data += take;
  src->left -= take;
  return take;
}

static size_t on_body(char *ptr, size_t size, size_t n, void *user) {
  struct sink *s = user;
  size_t add = size * n;
  if (s->len + add + 1 > s->cap) {
    size_t cap = (s->len + add + 1) * 2;
    char *grown = realloc(s->data, cap);
    if (!grown) return 0;
    s->data = grown;
    s->cap = cap;
  }
  memcpy(s->data + s->len, ptr, add);
  s->len += add;
  s->data[s->len] = 0;
  return add;
}

int main(int argc, char **argv) {
  if (argc != 4 && !(argc == 5 && strcmp(argv[4], "readfn") == 0)) {
    fprintf(stderr, "usage: %s URL SECONDS POOL [readfn]\n", argv[0]);
    return 2;
  }
  int readfn = argc == 5;
  const char *url = argv[1];
  double seconds = bench_arg_double(argv[2], "SECONDS");
  long pool = bench_arg_long(argv[3], "POOL");

  char **bodies = calloc((size_t)pool, sizeof *bodies);
  size_t *lens = calloc((size_t)pool, sizeof *lens);
  if (!bodies || !lens) return 1;
  for (long i = 0; i < pool; ++i) {
    char buf[512];
    int n = bench_record_json(buf, sizeof buf, i);
    bodies[i] = strdup(buf);
    lens[i] = (size_t)n;
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *h = curl_easy_init();
  struct curl_slist *headers = NULL;
  headers = curl_slist_append(headers, "Authorization: Bearer " BENCH_TOKEN);
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  struct sink sink = {0};
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "raw-curl-bench");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  struct source src = {0};
  if (readfn) {
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &src);
  }

  long calls = 0, failures = 0, connects = 0;
  double cpu = bench_cpu_now(), start = bench_now(), deadline = start + seconds, end = start;
  while (end < deadline) {
    long i = calls % pool;
    sink.len = 0;
    if (readfn) {
      src.data = bodies[i];
      src.left = lens[i];
    } else {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[i]);
    }
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)lens[i]);
    CURLcode rc = curl_easy_perform(h);
    long status = 0, opened = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &opened);
    connects += opened;
    if (rc != CURLE_OK || status != 200 || !sink.data || !strstr(sink.data, "\"OK\"")) {
      if (failures++ == 0)
        fprintf(stderr, "raw_curl: request failed: %s (HTTP %ld)\n", curl_easy_strerror(rc), status);
    }
    ++calls;
    end = bench_now();
  }
  double took = end - start;
  cpu = bench_cpu_now() - cpu;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"failures\": %ld, \"connects\": %ld, "
         "\"cpu_seconds\": %.4f}\n",
         calls, took, (double)calls / took, failures, connects, cpu);

  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  curl_global_cleanup();
  free(sink.data);
  for (long i = 0; i < pool; ++i) free(bodies[i]);
  free(bodies);
  free(lens);
  return failures ? 1 : 0;
}
