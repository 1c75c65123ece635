#include "core/engine/driver.hpp"

#include <curl/curl.h>

#include <algorithm>

namespace ak::engine {

// Wakes the driver's poll from other threads (wakeup, cancel, another
// driver's token fetch ending); outlives the driver while a waker may run.
struct WakeTarget {
  std::mutex mu;
  CURLM *multi = nullptr;  // nullptr once the driver is gone
  std::atomic<bool> *flag = nullptr;

  void wake(bool set_flag) {
    std::lock_guard lock(mu);
    if (!multi) return;
    if (set_flag && flag) flag->store(true);
    curl_multi_wakeup(multi);
  }
};

struct Driver::Entry {
  std::uint64_t id = 0, tag = 0;
  std::unique_ptr<Task> machine;
  CURL *handle = nullptr;
  std::unique_ptr<Exchange> exchange;
  int hops = 0;  // redirects followed for this request
  std::optional<std::multimap<Clock::time_point, std::uint64_t>::iterator> timer;
  std::uint64_t generation = 0;  // parked: the auth generation it waits past
  bool parked = false;
  std::shared_ptr<void> watch;   // the waker on its authenticator while parked; released first
};

Driver::Driver(std::size_t keep_connections) {
  multi_ = curl_multi_init();
  if (!multi_) throw Error(Status::NoMemory, "could not create a curl multi handle");
  // Multiplex over HTTP/2 where an https server offers it. The multi keeps
  // its own connections (libcurl cannot share a connection cache between
  // threads), and no cap on them per host: the caller bounds what runs at
  // once. (A shared cache with such a cap was issue 12's hang: the cap counted
  // connections other threads held, and the transfer waited for one no event
  // of this multi would ever free.)
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  if (keep_connections > 0) curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(keep_connections));
  wake_ = std::make_shared<WakeTarget>();
  wake_->multi = multi_;
  wake_->flag = &auth_moved_;
}

Driver::~Driver() {
  {
    std::lock_guard lock(wake_->mu);
    wake_->multi = nullptr;  // wakers still registered elsewhere do nothing now
  }
  for (auto &[id, e] : entries_) {
    e->watch.reset();
    drop_transfer(*e);
  }
  entries_.clear();
  done_.clear();
  curl_multi_cleanup(multi_);
}

void Driver::add(std::unique_ptr<Task> m, std::uint64_t tag) {
  auto e = std::make_unique<Entry>();
  e->id = ++next_id_;
  e->tag = tag;
  e->machine = std::move(m);
  Entry &ref = *e;
  entries_.emplace(e->id, std::move(e));
  advance(ref, Clock::now());
}

void Driver::advance(Entry &e, Clock::time_point now) {
  unschedule(e);
  Step s = e.machine->next(now);
  switch (s.kind) {
    case Step::Send: send(e, now); return;
    case Step::Sleep: e.timer = timers_.emplace(s.until, e.id); return;
    case Step::Park: park(e, s.generation); return;
    case Step::Finished: finished(e); return;
  }
}

void Driver::send(Entry &e, Clock::time_point now) {
  Task &m = *e.machine;
  Transport &t = *m.state().transport;
  try {
    e.handle = t.acquire();
    HttpRequest req = m.request();
    // Over https the first connection's ALPN says whether it multiplexes
    // (HTTP/2): the others wait for it instead of each opening a connection.
    // Not over http: no HTTP/2 there, and a transfer could wait forever on a
    // connection that died before answering.
    bool pipewait = req.url.starts_with("https://");
    e.exchange = std::make_unique<Exchange>(t, e.handle, std::move(req), pipewait);
    if (curl_multi_add_handle(multi_, e.handle) != CURLM_OK)
      throw Error(Status::Internal, "could not add a transfer to the curl multi handle");
  } catch (Error &err) {
    drop_transfer(e);
    m.on_no_response(std::move(err), now);
    advance(e, now);
    return;
  }
  transfers_[e.handle] = &e;
  // A transfer past the machine's deadline is dropped at the deadline.
  if (m.deadline() != Task::kNoDeadline) e.timer = timers_.emplace(m.deadline(), e.id);
}

void Driver::park(Entry &e, std::uint64_t generation) {
  Authenticator &auth = *e.machine->state().auth;
  e.parked = true;
  e.generation = generation;
  std::weak_ptr<WakeTarget> target = wake_;
  e.watch = auth.on_change([target] {
    if (auto t = target.lock()) t->wake(true);
  });
  parked_.push_back(e.id);
  if (e.machine->deadline() != Task::kNoDeadline) e.timer = timers_.emplace(e.machine->deadline(), e.id);
  // The fetch may have ended before the waker was in place.
  if (auth.generation() != generation) auth_moved_ = true;
}

void Driver::finished(Entry &e) {
  Done d;
  d.tag = e.tag;
  d.machine = std::move(e.machine);
  done_.push_back(std::move(d));
  entries_.erase(e.id);  // e is gone from here on
}

void Driver::unschedule(Entry &e) {
  if (e.timer) {
    timers_.erase(*e.timer);
    e.timer.reset();
  }
  if (e.parked) {
    e.parked = false;
    e.watch.reset();
    std::erase(parked_, e.id);
  }
}

void Driver::drop_transfer(Entry &e) {
  if (!e.handle) return;
  curl_multi_remove_handle(multi_, e.handle);
  transfers_.erase(e.handle);
  e.exchange.reset();
  if (e.machine) e.machine->state().transport->release(e.handle);
  e.handle = nullptr;
  e.hops = 0;
}

void Driver::transfer_done(Entry &e, int rc, Clock::time_point now) {
  Task &m = *e.machine;
  try {
    HttpResponse resp = e.exchange->finish(rc);
    if (auto location = e.exchange->redirect(resp, e.hops)) {
      HttpRequest again = e.exchange->request();
      again.url = std::move(*location);
      ++e.hops;
      curl_multi_remove_handle(multi_, e.handle);
      e.exchange.reset();
      bool pipewait = again.url.starts_with("https://");
      e.exchange = std::make_unique<Exchange>(*m.state().transport, e.handle, std::move(again), pipewait);
      if (curl_multi_add_handle(multi_, e.handle) != CURLM_OK) throw Error(Status::Internal, "could not follow a redirect");
      return;
    }
    drop_transfer(e);
    m.on_response(std::move(resp), now);
  } catch (Error &err) {
    drop_transfer(e);
    m.on_no_response(std::move(err), now);
  }
  advance(e, now);
}

void Driver::fire_timers(Clock::time_point now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    std::uint64_t id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    Entry &e = *it->second;
    e.timer.reset();
    if (e.handle) {  // past its deadline in flight: what it sent may still land
      drop_transfer(e);
      e.machine->interrupt();
    }
    advance(e, now);
  }
}

void Driver::wake_parked(Clock::time_point now) {
  std::vector<std::uint64_t> ready;
  for (std::uint64_t id : parked_) {
    Entry &e = *entries_.at(id);
    if (e.machine->state().auth->generation() != e.generation) ready.push_back(id);
  }
  for (std::uint64_t id : ready)
    if (auto it = entries_.find(id); it != entries_.end()) advance(*it->second, now);
}

void Driver::take_cancels(Clock::time_point now) {
  std::vector<std::uint64_t> tags;
  {
    std::lock_guard lock(cancel_mu_);
    tags.swap(cancels_);
  }
  if (tags.empty()) return;
  std::vector<std::uint64_t> hit;
  for (auto &[id, e] : entries_)
    if (std::find(tags.begin(), tags.end(), e->tag) != tags.end()) hit.push_back(id);
  for (std::uint64_t id : hit) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    Entry &e = *it->second;
    e.machine->cancel();
    if (e.handle) {
      drop_transfer(e);
      e.machine->interrupt();
    }
    advance(e, now);
  }
}

std::optional<Driver::Done> Driver::next(std::chrono::milliseconds timeout) {
  const bool forever = timeout.count() < 0;
  const auto until = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  for (;;) {
    if (!done_.empty()) {
      Done d = std::move(done_.front());
      done_.pop_front();
      return d;
    }
    if (entries_.empty() || woken_.exchange(false)) return std::nullopt;
    auto now = Clock::now();
    take_cancels(now);
    fire_timers(now);
    if (auth_moved_.exchange(false)) wake_parked(now);
    int running = 0;
    CURLMcode rc = curl_multi_perform(multi_, &running);
    if (rc != CURLM_OK && rc != CURLM_CALL_MULTI_PERFORM)
      throw Error(Status::Internal, std::string("curl multi failed: ") + curl_multi_strerror(rc));
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = transfers_.find(msg->easy_handle);
      if (it == transfers_.end()) continue;
      transfer_done(*it->second, msg->data.result, Clock::now());
    }
    if (!done_.empty()) continue;
    now = Clock::now();
    if (!forever && now >= until) return std::nullopt;
    // Sleep in the multi's poll until a socket is ready, the next timer is
    // due, the caller's time is up, or a wakeup (cancel, token fetch, wakeup()).
    auto wait_until = forever ? now + std::chrono::seconds(1) : until;
    if (!timers_.empty()) wait_until = std::min(wait_until, timers_.begin()->first);
    long wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait_until - now).count();
    if (wait_ms > 0 || !transfers_.empty())
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(std::clamp(wait_ms, 0L, 1000L)), nullptr);
  }
}

void Driver::wakeup() {
  woken_ = true;
  wake_->wake(false);
}

void Driver::cancel(std::uint64_t tag) {
  {
    std::lock_guard lock(cancel_mu_);
    cancels_.push_back(tag);
  }
  wake_->wake(false);
}

}  // namespace ak::engine
