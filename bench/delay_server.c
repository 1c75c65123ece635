/* The latency-bound server for `make bench` (scripts/bench.sh; docs/benchmarks.md):
 * answers 99digital's createAccount with the same canned success as
 * bench/nginx.conf.in, but only DELAY_MS after the request was fully read, so
 * a client's rate is bounded by how many operations it keeps in flight
 * (in_flight / delay) rather than by CPU. nginx cannot delay an answer.
 *   delay_server PORT DELAY_MS
 * Listens on 127.0.0.1:PORT. One thread, epoll (level-triggered), HTTP/1.1
 * keep-alive on any number of connections (the soft RLIMIT_NOFILE is raised to
 * the hard one), Content-Length and chunked request bodies, Expect:
 * 100-continue, pipelined requests (answered in order).
 *
 * Timers: every delayed answer is due DELAY_MS after its request was read,
 * so answers become due in the order their requests were read and a FIFO
 * queue is the timer queue (its head is always the earliest deadline; a
 * general delay would need a heap). Deadlines are rounded up to a grid of
 * GRID_NS (50 us), so that answers due together share one wake-up: an answer
 * leaves between DELAY_MS and DELAY_MS + 0.05 ms after its request was read.
 * One timerfd is armed at the head's deadline (absolute CLOCK_MONOTONIC) and
 * every due answer is written after each batch of epoll events.
 *
 * Routes (nothing else is needed by the bench):
 *   POST /api/online/createAccount   the canned createAccount success, after DELAY_MS
 *   POST /api/settings/accessToken   a token valid until 2100, after DELAY_MS
 *   GET  /_bench/status              at once: counters in nginx stub_status's format
 *                                    (accepted connections, requests), as bench/run.py reads them
 *   anything else                    at once: 404 with 99digital's failure body
 * No third-party code; C17 and Linux only. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER (64 * 1024) /* a request head larger than this is refused (431) */
#define MAX_BODY (16 * 1024 * 1024)
#define GRID_NS 50000u

static const char CREATE_BODY[] =
    "{\"status\":\"OK\",\"reason\":1,\"account_id\":1000001,\"agent_id\":2000001,\"server\":\"online\"}";
static const char TOKEN_BODY[] =
    "{\"status\":\"OK\",\"reason\":1,\"access_token\":\"bench-token\",\"expiration_time\":\"4102444800\"}";
static const char NOT_FOUND_BODY[] = "{\"status\":\"FAIL\",\"reason\":13}";

struct conn {
  int fd;
  int dead;        /* fd closed (peer gone, error); the struct lives while answers are queued for it */
  int closing;     /* the last request asked to close: no more requests are read, close once answered */
  int writing;     /* EPOLLOUT is registered */
  int continued;   /* "100 Continue" sent for the request at the head of `in` */
  unsigned queued; /* answers in the timer queue for this connection */
  char *in;
  size_t in_len, in_cap;
  char *out;
  size_t out_off, out_len, out_cap;
};

struct due {
  uint64_t at; /* CLOCK_MONOTONIC ns */
  struct conn *c;
  const char *body; /* NULL: the 404 */
  int status;
  int close; /* add Connection: close, then close */
};

/* The timer queue: a ring of `due`, deadlines non-decreasing from head to tail. */
static struct due *q;
static size_t q_head, q_len, q_cap;

static int ep, tfd;
static uint64_t delay_ns;
static unsigned long long accepted, requests, open_conns;
static char listen_tag, timer_tag; /* epoll tags for the two non-connection fds */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  void *r = realloc(p, n);
  if (!r) die("realloc");
  return r;
}

static uint64_t armed_at; /* the timerfd's deadline, 0 = disarmed */

/* When an answer to a request read at read_at is due: DELAY_MS on, rounded up to the grid. */
static uint64_t due_at(uint64_t read_at) {
  uint64_t at = read_at + delay_ns;
  return (at + GRID_NS - 1) / GRID_NS * GRID_NS;
}

/* Arms the timerfd at the head's deadline unless it is armed there already. */
static void arm_timer(void) {
  if (!q_len || q[q_head].at == armed_at) return;
  armed_at = q[q_head].at;
  struct itimerspec its = {0};
  its.it_value.tv_sec = (time_t)(armed_at / 1000000000u);
  its.it_value.tv_nsec = (long)(armed_at % 1000000000u);
  if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) die("timerfd_settime");
}

static void q_push(struct due d) {
  if (q_len == q_cap) {
    size_t cap = q_cap ? q_cap * 2 : 1024;
    struct due *n = xrealloc(NULL, cap * sizeof *n);
    for (size_t i = 0; i < q_len; ++i) n[i] = q[(q_head + i) % q_cap];
    free(q);
    q = n;
    q_cap = cap;
    q_head = 0;
  }
  /* Keep the queue sorted: an answer never becomes due before one queued earlier. */
  if (q_len) {
    uint64_t tail = q[(q_head + q_len - 1) % q_cap].at;
    if (d.at < tail) d.at = tail;
  }
  q[(q_head + q_len) % q_cap] = d;
  ++q_len; /* run_due arms the timer after this batch of events */
}

/* Connections to free once the current batch of epoll events is handled (an
 * event later in the batch may still name one). */
static struct conn **graveyard;
static size_t graveyard_len, graveyard_cap;

static void conn_free(struct conn *c) {
  if (graveyard_len == graveyard_cap) {
    graveyard_cap = graveyard_cap ? graveyard_cap * 2 : 64;
    graveyard = xrealloc(graveyard, graveyard_cap * sizeof *graveyard);
  }
  graveyard[graveyard_len++] = c;
}

static void bury(void) {
  for (size_t i = 0; i < graveyard_len; ++i) {
    free(graveyard[i]->in);
    free(graveyard[i]->out);
    free(graveyard[i]);
  }
  graveyard_len = 0;
}

static void conn_close(struct conn *c) {
  if (c->dead) return;
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->dead = 1;
  --open_conns;
  if (!c->queued) conn_free(c);
}

static void set_events(struct conn *c, int want_write) {
  if (c->writing == want_write) return;
  struct epoll_event ev = {.events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c};
  if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl MOD");
  c->writing = want_write;
}

/* Writes what is buffered; closes the connection when it asked to close and
 * everything is answered. Returns 0 if the connection is gone. */
static int conn_flush(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n > 0) {
      c->out_off += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      set_events(c, 1);
      return 1;
    }
    conn_close(c);
    return 0;
  }
  c->out_off = c->out_len = 0;
  set_events(c, 0);
  if (c->closing && !c->queued) {
    conn_close(c);
    return 0;
  }
  return 1;
}

static void out_append(struct conn *c, const char *data, size_t len) {
  if (c->out_len + len > c->out_cap) {
    if (c->out_off) { /* reclaim what was written */
      memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
      c->out_len -= c->out_off;
      c->out_off = 0;
    }
    if (c->out_len + len > c->out_cap) {
      c->out_cap = (c->out_len + len) * 2;
      c->out = xrealloc(c->out, c->out_cap);
    }
  }
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
}

static void respond(struct conn *c, int status, const char *body, int close_after) {
  char head[256];
  const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : status == 400 ? "Bad Request"
                       : status == 431 ? "Request Header Fields Too Large" : status == 413 ? "Payload Too Large"
                                                                                           : "Error";
  size_t blen = strlen(body);
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n", status,
                   reason, blen, close_after ? "Connection: close\r\n" : "");
  out_append(c, head, (size_t)n);
  out_append(c, body, blen);
}

static void status_page(struct conn *c, int close_after) {
  char body[256];
  snprintf(body, sizeof body,
           "Active connections: %llu \nserver accepts handled requests\n %llu %llu %llu \n"
           "Reading: 0 Writing: 0 Waiting: 0 \n",
           open_conns, accepted, accepted, requests);
  char head[160];
  int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                   strlen(body), close_after ? "Connection: close\r\n" : "");
  out_append(c, head, (size_t)n);
  out_append(c, body, strlen(body));
}

/* The value of header `name` in the head [p, end), or NULL; *len its length. */
static const char *header(const char *p, const char *end, const char *name, size_t *len) {
  size_t nlen = strlen(name);
  const char *line = memchr(p, '\n', (size_t)(end - p)); /* skip the request line */
  while (line && line + 1 < end) {
    const char *start = line + 1;
    const char *eol = memchr(start, '\n', (size_t)(end - start));
    if (!eol) break;
    if ((size_t)(eol - start) > nlen && start[nlen] == ':' && strncasecmp(start, name, nlen) == 0) {
      const char *v = start + nlen + 1, *ve = eol;
      while (v < ve && (*v == ' ' || *v == '\t')) ++v;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) --ve;
      *len = (size_t)(ve - v);
      return v;
    }
    line = eol;
  }
  return NULL;
}

static int has_token(const char *v, size_t len, const char *token) {
  size_t tlen = strlen(token);
  for (size_t i = 0; v && i + tlen <= len; ++i)
    if (strncasecmp(v + i, token, tlen) == 0) return 1;
  return 0;
}

/* Length of a chunked body starting at p (up to end): >0 complete, 0 incomplete, -1 malformed. */
static long chunked_length(const char *p, const char *end) {
  const char *s = p;
  for (;;) {
    const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
    if (!eol) return 0;
    char *stop = NULL;
    unsigned long size = strtoul(s, &stop, 16);
    if (stop == s || size > MAX_BODY) return -1;
    s = eol + 2;
    if (size == 0) { /* trailers, then an empty line */
      for (;;) {
        const char *t = memmem(s, (size_t)(end - s), "\r\n", 2);
        if (!t) return 0;
        int empty = t == s;
        s = t + 2;
        if (empty) return s - p;
      }
    }
    if ((size_t)(end - s) < size + 2) return 0;
    s += size + 2;
  }
}

/* Handles every complete request in c->in. Returns 0 if the connection is gone. */
static int conn_parse(struct conn *c) {
  size_t used = 0;
  int wrote = 0;
  while (!c->closing) {
    const char *p = c->in + used, *end = c->in + c->in_len;
    const char *blank = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (!blank) {
      if ((size_t)(end - p) > MAX_HEADER) {
        respond(c, 431, "{}", 1);
        c->closing = 1;
        wrote = 1;
      }
      break;
    }
    const char *head_end = blank + 4;
    size_t vlen = 0;
    const char *v;
    long body = 0; /* the body's length on the wire */
    int complete = 1;
    if ((v = header(p, head_end, "Transfer-Encoding", &vlen)) && has_token(v, vlen, "chunked")) {
      body = chunked_length(head_end, end);
      if (body == 0) complete = 0;
    } else if ((v = header(p, head_end, "Content-Length", &vlen))) {
      char num[32] = {0};
      memcpy(num, v, vlen < sizeof num - 1 ? vlen : sizeof num - 1);
      char *stop = NULL;
      long long cl = strtoll(num, &stop, 10);
      body = (stop == num || *stop || cl < 0) ? -1 : cl > MAX_BODY ? -2 : (long)cl;
      if (body >= 0 && (size_t)(end - head_end) < (size_t)body) complete = 0;
    }
    if (body < 0) {
      respond(c, body == -2 ? 413 : 400, "{}", 1);
      c->closing = 1;
      wrote = 1;
      break;
    }
    if (!complete) {
      /* Waiting for the body: say so if the client waits for permission. */
      if (!c->continued && (v = header(p, head_end, "Expect", &vlen)) && has_token(v, vlen, "100-continue")) {
        out_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        c->continued = 1;
        wrote = 1;
      }
      break;
    }
    /* The request is complete: the delay runs from now. */
    uint64_t read_at = now_ns();
    ++requests;
    c->continued = 0;
    const char *sp1 = memchr(p, ' ', (size_t)(head_end - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(head_end - sp1 - 1)) : NULL;
    const char *eol = memchr(p, '\r', (size_t)(head_end - p));
    int http10 = sp2 && eol && eol - sp2 - 1 == 8 && memcmp(sp2 + 1, "HTTP/1.0", 8) == 0;
    v = header(p, head_end, "Connection", &vlen);
    int close_after = v ? has_token(v, vlen, "close") || (http10 && !has_token(v, vlen, "keep-alive")) : http10;
    size_t mlen = sp1 ? (size_t)(sp1 - p) : 0;
    const char *path = sp1 ? sp1 + 1 : p;
    size_t plen = sp2 ? (size_t)(sp2 - path) : 0;
    const char *qm = memchr(path, '?', plen);
    if (qm) plen = (size_t)(qm - path);
#define IS(m, s) (mlen == strlen(m) && memcmp(p, m, mlen) == 0 && plen == strlen(s) && memcmp(path, s, plen) == 0)
    if (IS("POST", "/api/online/createAccount")) {
      q_push((struct due){due_at(read_at), c, CREATE_BODY, 200, close_after});
      ++c->queued;
    } else if (IS("POST", "/api/settings/accessToken")) {
      q_push((struct due){due_at(read_at), c, TOKEN_BODY, 200, close_after});
      ++c->queued;
    } else if (c->queued) { /* answers go out in order: behind what is queued */
      q_push((struct due){read_at, c, IS("GET", "/_bench/status") ? NULL : NOT_FOUND_BODY,
                          IS("GET", "/_bench/status") ? 200 : 404, close_after});
      ++c->queued;
    } else if (IS("GET", "/_bench/status")) {
      status_page(c, close_after);
      wrote = 1;
    } else {
      respond(c, 404, NOT_FOUND_BODY, close_after);
      wrote = 1;
    }
#undef IS
    if (close_after) c->closing = 1;
    used = (size_t)(head_end - c->in) + (size_t)body;
  }
  if (used) {
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
  }
  if (wrote || (c->closing && !c->queued)) return conn_flush(c);
  return 1;
}

static void on_readable(struct conn *c) {
  if (c->closing) { /* nothing more is read; drop what comes */
    char sink[4096];
    ssize_t n = recv(c->fd, sink, sizeof sink, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) conn_close(c);
    return;
  }
  if (c->in_cap - c->in_len < 4096) {
    c->in_cap = c->in_cap ? c->in_cap * 2 : 8192;
    c->in = xrealloc(c->in, c->in_cap);
  }
  ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
  if (n > 0) {
    c->in_len += (size_t)n;
    conn_parse(c);
  } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    conn_close(c);
  }
}

static void on_accept(int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        static int warned;
        if (!warned++) perror("delay_server: accept"); /* EMFILE: the client sees connect timeouts */
      }
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn *c = calloc(1, sizeof *c);
    if (!c) die("calloc");
    c->fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
    ++accepted;
    ++open_conns;
  }
}

static void on_timer(void) {
  uint64_t expirations;
  if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) die("read timerfd");
  armed_at = 0; /* expired */
}

/* Writes every answer that is due; re-arms the timerfd for the next one. */
static void run_due(void) {
  if (!q_len) return;
  uint64_t now = now_ns();
  while (q_len && q[q_head].at <= now) {
    struct due d = q[q_head];
    q_head = (q_head + 1) % q_cap;
    --q_len;
    struct conn *c = d.c;
    --c->queued;
    if (c->dead) {
      if (!c->queued) conn_free(c);
      continue;
    }
    if (d.body)
      respond(c, d.status, d.body, d.close);
    else
      status_page(c, d.close);
    /* Several answers of one connection due together go out in one write. */
    if (q_len && q[q_head].c == c && q[q_head].at <= now) continue;
    conn_flush(c);
  }
  arm_timer();
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT DELAY_MS\n", argv[0]);
    return 2;
  }
  char *stop = NULL;
  long port = strtol(argv[1], &stop, 10);
  if (*stop || port < 0 || port > 65535) {
    fprintf(stderr, "bad PORT: %s\n", argv[1]);
    return 2;
  }
  double delay_ms = strtod(argv[2], &stop);
  if (*stop || !(delay_ms >= 0) || delay_ms > 60000) {
    fprintf(stderr, "bad DELAY_MS: %s\n", argv[2]);
    return 2;
  }
  delay_ns = (uint64_t)(delay_ms * 1e6);
  signal(SIGPIPE, SIG_IGN);

  /* As many connections as the hard limit allows. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(lfd, 4096) < 0) die("listen");
  socklen_t alen = sizeof addr;
  getsockname(lfd, (struct sockaddr *)&addr, &alen);

  ep = epoll_create1(EPOLL_CLOEXEC);
  tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ep < 0 || tfd < 0) die("epoll_create1/timerfd_create");
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &listen_tag};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl listen");
  ev.data.ptr = &timer_tag;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0) die("epoll_ctl timerfd");
  fprintf(stderr, "delay_server: 127.0.0.1:%u, answers after %g ms, up to %llu connections\n",
          (unsigned)ntohs(addr.sin_port), delay_ms, (unsigned long long)rl.rlim_cur);

  struct epoll_event events[512];
  for (;;) {
    int n = epoll_wait(ep, events, 512, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      void *tag = events[i].data.ptr;
      if (tag == &listen_tag) {
        on_accept(lfd);
      } else if (tag == &timer_tag) {
        on_timer();
      } else {
        struct conn *c = tag;
        if (c->dead) continue;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) {
          conn_close(c);
          continue;
        }
        if (events[i].events & EPOLLOUT) {
          if (!conn_flush(c)) continue;
        }
        if (events[i].events & EPOLLIN) on_readable(c);
      }
    }
    run_due();
    bury();
  }
}
