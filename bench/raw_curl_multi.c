/* The bulk baseline: one libcurl multi handle driving IN_FLIGHT easy handles
 * (one keep-alive connection each) on one thread, the same POST body and
 * headers as raw_curl.c. What libcurl itself can do in bulk on this machine.
 *   raw_curl_multi URL SECONDS POOL IN_FLIGHT [poll|epoll]
 * poll (the default) is the loop most libcurl programs write and accountkit's
 * batch uses: curl_multi_perform, then curl_multi_poll. epoll drives the same
 * transfers through curl_multi_socket_action from an epoll loop with
 * libcurl's socket and timer callbacks, which scales with the number of
 * connections (perform looks at every transfer on each call).
 * Each finished handle is put back with the next record until SECONDS pass;
 * then what is in flight drains. Prints one JSON line: calls, seconds (to the
 * last completion), rate, steady_rate (from the IN_FLIGHT-th completion on,
 * records.h), failures, connects (connections libcurl opened), in_flight. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

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

struct run {
  CURLM *m;
  char **bodies;
  long pool, next, calls, failures, connects;
  int running;
  double start, deadline, end;
  struct bench_steady steady;
  /* epoll mode */
  int ep;
  double timer_at; /* when libcurl's timer is due (bench_now()); < 0: none */
};

/* Takes every finished transfer; puts its handle back with the next record
 * while the time lasts. */
static void harvest(struct run *r) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(r->m, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    struct slot *s = NULL;
    long status = 0, opened = 0;
    CURL *h = msg->easy_handle;
    CURLcode result = msg->data.result;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&s);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &opened);
    r->connects += opened;
    if (result != CURLE_OK || status != 200 || !strstr(s->buf, "\"OK\"")) {
      if (r->failures++ == 0)
        fprintf(stderr, "raw_curl_multi: request failed: %s (HTTP %ld)\n", curl_easy_strerror(result), status);
    }
    ++r->calls;
    r->end = bench_now();
    bench_steady_tick(&r->steady, r->calls, r->end);
    curl_multi_remove_handle(r->m, h);
    if (r->end < r->deadline) {
      s->len = 0;
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->bodies[r->next % r->pool]);
      ++r->next;
      curl_multi_add_handle(r->m, h);
      ++r->running; /* counted until the next perform/socket_action recounts */
    }
  }
}

static void run_poll(struct run *r) {
  while (r->running > 0) {
    curl_multi_perform(r->m, &r->running);
    harvest(r);
    if (r->running > 0) curl_multi_poll(r->m, NULL, 0, 1000, NULL);
  }
}

/* ---- epoll + curl_multi_socket_action --------------------------------------- */

static int on_socket(CURL *h, curl_socket_t fd, int what, void *user, void *socketp) {
  (void)h;
  struct run *r = user;
  struct epoll_event ev = {0};
  ev.data.fd = fd;
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(r->ep, EPOLL_CTL_DEL, fd, NULL);
    curl_multi_assign(r->m, fd, NULL);
    return 0;
  }
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  if (socketp) {
    epoll_ctl(r->ep, EPOLL_CTL_MOD, fd, &ev);
  } else {
    if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) < 0 && errno == EEXIST) epoll_ctl(r->ep, EPOLL_CTL_MOD, fd, &ev);
    curl_multi_assign(r->m, fd, r); /* any non-NULL pointer: "known" */
  }
  return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *user) {
  (void)m;
  ((struct run *)user)->timer_at = timeout_ms < 0 ? -1.0 : bench_now() + (double)timeout_ms / 1000.0;
  return 0;
}

static void run_epoll(struct run *r) {
  r->ep = epoll_create1(EPOLL_CLOEXEC);
  if (r->ep < 0) {
    perror("epoll_create1");
    exit(1);
  }
  r->timer_at = -1.0;
  curl_multi_setopt(r->m, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(r->m, CURLMOPT_SOCKETDATA, r);
  curl_multi_setopt(r->m, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(r->m, CURLMOPT_TIMERDATA, r);
  curl_multi_socket_action(r->m, CURL_SOCKET_TIMEOUT, 0, &r->running);
  harvest(r);
  struct epoll_event events[256];
  while (r->running > 0) {
    int wait_ms = 1000;
    if (r->timer_at >= 0) {
      double left = (r->timer_at - bench_now()) * 1000.0;
      wait_ms = left <= 0 ? 0 : left >= 1000 ? 1000 : (int)left + 1;
    }
    int n = epoll_wait(r->ep, events, 256, wait_ms);
    if (n < 0 && errno != EINTR) {
      perror("epoll_wait");
      exit(1);
    }
    for (int i = 0; i < n; ++i) {
      int flags = (events[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                  (events[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                  (events[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
      curl_multi_socket_action(r->m, events[i].data.fd, flags, &r->running);
    }
    if (r->timer_at >= 0 && bench_now() >= r->timer_at) {
      r->timer_at = -1.0;
      curl_multi_socket_action(r->m, CURL_SOCKET_TIMEOUT, 0, &r->running);
    }
    harvest(r);
  }
}

int main(int argc, char **argv) {
  int epoll_mode = argc == 6 && strcmp(argv[5], "epoll") == 0;
  if (!(argc == 5 || (argc == 6 && (epoll_mode || strcmp(argv[5], "poll") == 0)))) {
    fprintf(stderr, "usage: %s URL SECONDS POOL IN_FLIGHT [poll|epoll]\n", argv[0]);
    return 2;
  }
  const char *url = argv[1];
  double seconds = bench_arg_double(argv[2], "SECONDS");
  long pool = bench_arg_long(argv[3], "POOL");
  long in_flight = bench_arg_long(argv[4], "IN_FLIGHT");
  long files = bench_raise_nofile();
  if (files >= 0 && in_flight + 64 > files) {
    fprintf(stderr, "raw_curl_multi: IN_FLIGHT %ld needs more open files than the limit (%ld)\n", in_flight, files);
    return 2;
  }

  struct run r = {0};
  r.pool = pool;
  r.bodies = calloc((size_t)pool, sizeof *r.bodies);
  if (!r.bodies) return 1;
  for (long i = 0; i < pool; ++i) {
    char buf[512];
    bench_record_json(buf, sizeof buf, i);
    r.bodies[i] = strdup(buf);
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  r.m = curl_multi_init();
  curl_multi_setopt(r.m, CURLMOPT_MAX_HOST_CONNECTIONS, in_flight);
  curl_multi_setopt(r.m, CURLMOPT_MAXCONNECTS, in_flight); /* keep every connection between transfers */
  struct curl_slist *headers = NULL;
  headers = curl_slist_append(headers, "Authorization: Bearer " BENCH_TOKEN);
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  struct slot *slots = calloc((size_t)in_flight, sizeof *slots);
  if (!slots) return 1;

  r.steady.in_flight = in_flight;
  double cpu = bench_cpu_now();
  r.start = bench_now();
  r.deadline = r.start + seconds;
  r.end = r.start;
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
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, r.bodies[r.next % pool]);
    ++r.next;
    curl_multi_add_handle(r.m, s->h);
  }
  r.running = (int)in_flight;
  if (epoll_mode)
    run_epoll(&r);
  else
    run_poll(&r);
  double took = r.end - r.start;
  cpu = bench_cpu_now() - cpu;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"steady_rate\": %.1f, \"failures\": %ld, "
         "\"connects\": %ld, \"in_flight\": %ld, \"cpu_seconds\": %.4f}\n",
         r.calls, took, (double)r.calls / took, bench_steady_rate(&r.steady, r.calls, r.end, r.start), r.failures,
         r.connects, in_flight, cpu);

  for (long k = 0; k < in_flight; ++k) curl_easy_cleanup(slots[k].h);
  free(slots);
  curl_multi_cleanup(r.m);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  for (long i = 0; i < pool; ++i) free(r.bodies[i]);
  free(r.bodies);
  return r.failures ? 1 : 0;
}
