#include "core/batch.hpp"

#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <future>
#include <list>
#include <map>
#include <unordered_map>

#include "core/api.hpp"
#include "core/client_state.hpp"

namespace ak {

struct Batch::Engine {
  using Clock = std::chrono::steady_clock;

  // One operation from submit() to its completion.
  struct Item {
    std::uint64_t tag = 0;
    const Operation *op = nullptr;
    std::shared_ptr<Client::State> state;  // the options it started with
    Value body;
    HttpRequest request;     // without credentials
    Client::Attempts attempts;
    bool refreshed = false;  // the token was refreshed for this attempt
    bool admitted = false;   // holds a rate-limit slot for its next send
    int hops = 0;            // redirects followed in this attempt
    CURL *handle = nullptr;
    std::unique_ptr<Exchange> exchange;
  };
  using ItemPtr = std::unique_ptr<Item>;

  std::shared_ptr<Client> client;
  std::size_t max_in_flight;
  CURLM *multi = nullptr;
  std::deque<ItemPtr> queued;                       // not started: over max_in_flight
  std::multimap<Clock::time_point, ItemPtr> timers;  // backoff or rate-limit waits
  std::unordered_map<CURL *, ItemPtr> running;      // exchanges in the multi handle
  // Lost creates being looked up by their natural key. The lookup lists
  // accounts page by page with blocking calls, so it runs on a thread of its
  // own and the other operations go on; it wakes the multi when it is done.
  struct Lookup {
    ItemPtr item;
    std::future<std::variant<Result, std::chrono::milliseconds>> decision;
  };
  std::list<Lookup> lookups;
  std::deque<Completion> done;
  std::atomic<bool> woken{false};

  Engine(std::shared_ptr<Client> c, std::size_t max) : client(std::move(c)), max_in_flight(max) {
    multi = curl_multi_init();
    if (!multi) throw Error(Status::NoMemory, "could not create a curl multi handle");
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    // No CURLMOPT_MAX_HOST_CONNECTIONS: max_in_flight already bounds this
    // multi's transfers, and with the client's shared connection cache that
    // option counts connections other threads hold, so a transfer waited for a
    // connection no event of this multi would ever free (issue 12's hang).
  }

  ~Engine() {
    lookups.clear();  // waits for lookups in progress (each bounded by the client's timeouts)
    for (auto &[h, item] : running) abandon(*item);
    curl_multi_cleanup(multi);
  }

  std::size_t active() const { return running.size() + timers.size() + lookups.size(); }

  void abandon(Item &item) {
    if (!item.handle) return;
    curl_multi_remove_handle(multi, item.handle);
    item.exchange.reset();
    item.state->transport->release(item.handle);
    item.handle = nullptr;
  }

  void complete(Item &item, Result r) {
    Completion c;
    c.tag = item.tag;
    Client::keep_natural_key(*item.op, item.body, r);
    c.result = std::move(r);
    done.push_back(std::move(c));
  }

  void fail(Item &item, Error e) {
    client->finalize(*item.state, *item.op, e);
    Completion c;
    c.tag = item.tag;
    c.error = std::move(e);
    done.push_back(std::move(c));
  }

  // Starts the next attempt of item, or parks it until its rate-limit slot.
  void launch(ItemPtr item);
  // An attempt failed: retry after a delay, or complete the operation.
  void failed(ItemPtr item, Error &e);
  // A transfer finished with rc.
  void finished(ItemPtr item, CURLcode rc);

  void fill() {
    while (active() < max_in_flight && !queued.empty()) {
      ItemPtr item = std::move(queued.front());
      queued.pop_front();
      launch(std::move(item));
    }
  }

  void fire_timers() {
    auto now = Clock::now();
    while (!timers.empty() && timers.begin()->first <= now) {
      ItemPtr item = std::move(timers.begin()->second);
      timers.erase(timers.begin());
      launch(std::move(item));
    }
  }

  // An attempt failed: what next, from after_failure's decision.
  void decided(ItemPtr item, std::variant<Result, std::chrono::milliseconds> next) {
    if (auto *r = std::get_if<Result>(&next)) {
      complete(*item, std::move(*r));
      return;
    }
    item->refreshed = false;
    timers.emplace(Clock::now() + std::get<std::chrono::milliseconds>(next), std::move(item));
  }

  void collect_lookups() {
    for (auto it = lookups.begin(); it != lookups.end();) {
      if (it->decision.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        ++it;
        continue;
      }
      ItemPtr item = std::move(it->item);
      try {
        auto next = it->decision.get();
        decided(std::move(item), std::move(next));
      } catch (Error &final_error) {
        fail(*item, std::move(final_error));
      }
      it = lookups.erase(it);
    }
  }

  void harvest() {
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = running.find(msg->easy_handle);
      if (it == running.end()) continue;
      CURLcode rc = msg->data.result;
      ItemPtr item = std::move(it->second);
      running.erase(it);
      curl_multi_remove_handle(multi, item->handle);
      finished(std::move(item), rc);
    }
  }
};

void Batch::Engine::launch(ItemPtr item) {
  Client::State &s = *item->state;
  const Operation &op = *item->op;
  try {
    if (!item->admitted && s.limiter->limits()) {
      RateLimiter::Refusal refused;
      auto at = s.limiter->reserve(op.method == Method::Get, s.limit_max_wait, &refused);
      if (!at) throw Client::held_back(refused);
      if (*at > Clock::now()) {
        item->admitted = true;
        timers.emplace(*at, std::move(item));
        return;
      }
    }
    item->admitted = false;
    ++item->attempts.count;
    HttpRequest sent = item->request;
    s.auth->apply(sent, *s.transport);  // may fetch a token (blocking; once per expiry)
    item->handle = s.transport->acquire();
    // Over https the first connection's ALPN says whether it multiplexes
    // (HTTP/2): the others wait for it instead of each opening a connection.
    // Not over http: no HTTP/2 there, and a transfer could wait forever on a
    // connection that died before answering.
    bool pipewait = sent.url.starts_with("https://");
    item->exchange = std::make_unique<Exchange>(*s.transport, item->handle, std::move(sent), pipewait);
  } catch (Error &e) {
    if (item->handle) {
      s.transport->release(item->handle);
      item->handle = nullptr;
    }
    failed(std::move(item), e);
    return;
  }
  CURL *h = item->handle;
  if (curl_multi_add_handle(multi, h) != CURLM_OK) {
    abandon(*item);
    Error e(Status::Internal, "could not add a transfer to the curl multi handle");
    fail(*item, std::move(e));
    return;
  }
  running.emplace(h, std::move(item));
}

void Batch::Engine::finished(ItemPtr item, CURLcode rc) {
  Client::State &s = *item->state;
  const Operation &op = *item->op;
  HttpRequest sent = item->exchange->request();  // for invalidate(): the token it carried
  try {
    HttpResponse resp = item->exchange->finish(rc);
    if (auto next = item->exchange->redirect(resp, item->hops)) {
      sent.url = std::move(*next);
      ++item->hops;
      item->exchange.reset();
      // Over https the first connection's ALPN says whether it multiplexes
    // (HTTP/2): the others wait for it instead of each opening a connection.
    // Not over http: no HTTP/2 there, and a transfer could wait forever on a
    // connection that died before answering.
    bool pipewait = sent.url.starts_with("https://");
    item->exchange = std::make_unique<Exchange>(*s.transport, item->handle, std::move(sent), pipewait);
      CURL *h = item->handle;
      if (curl_multi_add_handle(multi, h) != CURLM_OK) throw Error(Status::Internal, "could not follow a redirect");
      running.emplace(h, std::move(item));
      return;
    }
    abandon(*item);
    item->hops = 0;
    Result r = client->decode(op, resp);
    s.quota->refill();
    complete(*item, std::move(r));
  } catch (Error &e) {
    abandon(*item);
    item->hops = 0;
    // The vendor said our token is no longer valid (so it did nothing): refresh once and resend.
    if (e.token_rejected && !item->refreshed && s.auth->invalidate(sent)) {
      item->refreshed = true;
      launch(std::move(item));
      return;
    }
    failed(std::move(item), e);
  }
}

void Batch::Engine::failed(ItemPtr item, Error &e) {
  if (Client::needs_lookup(*item->op, e)) {
    Item *it = item.get();  // owned by the Lookup entry until the decision is taken
    auto decide = [this, it, e]() mutable {
      struct Wake {
        CURLM *multi;
        ~Wake() { curl_multi_wakeup(multi); }
      } wake{multi};
      return client->after_failure(*it->state, *it->op, it->body, e, it->attempts);
    };
    lookups.push_back({std::move(item), std::async(std::launch::async, std::move(decide))});
    return;
  }
  try {
    decided(std::move(item), client->after_failure(*item->state, *item->op, item->body, e, item->attempts));
  } catch (Error &final_error) {
    fail(*item, std::move(final_error));
  }
}

Batch::Batch(std::shared_ptr<Client> client, std::size_t max_in_flight) {
  if (max_in_flight < 1 || max_in_flight > kMaxInFlight)
    throw Error(Status::InvalidArgument, "max_in_flight must be from 1 to " + std::to_string(kMaxInFlight));
  engine_ = std::make_unique<Engine>(std::move(client), max_in_flight);
}

Batch::~Batch() = default;

void Batch::submit(std::string_view op_name, const Value &fields, std::uint64_t tag) {
  Client &c = *engine_->client;
  const Operation *op = &api::operation(c.vendor(), op_name);
  auto item = std::make_unique<Engine::Item>();
  item->tag = tag;
  item->op = op;
  item->state = c.state_for(*op);
  ++pending_;
  try {
    item->body = c.prepare(*item->state, *op, fields);
    item->request = c.build_request(*item->state, *op, item->body);
  } catch (Error &e) {
    engine_->fail(*item, std::move(e));
    return;
  }
  item->attempts.started = Engine::Clock::now();
  engine_->queued.push_back(std::move(item));
}

std::optional<Batch::Completion> Batch::next(std::chrono::milliseconds timeout) {
  using Clock = Engine::Clock;
  Engine &e = *engine_;
  const bool forever = timeout.count() < 0;
  const auto deadline = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
  for (;;) {
    if (!e.done.empty()) {
      Completion c = std::move(e.done.front());
      e.done.pop_front();
      --pending_;
      return c;
    }
    if (pending_ == 0 || e.woken.exchange(false)) return std::nullopt;
    e.collect_lookups();
    e.fire_timers();
    e.fill();
    int still_running = 0;
    CURLMcode rc = curl_multi_perform(e.multi, &still_running);
    if (rc != CURLM_OK && rc != CURLM_CALL_MULTI_PERFORM)
      throw Error(Status::Internal, std::string("curl multi failed: ") + curl_multi_strerror(rc));
    e.harvest();
    if (!e.done.empty()) continue;
    auto now = Clock::now();
    if (!forever && now >= deadline) return std::nullopt;
    // Sleep in the multi's poll until a socket is ready, the next timer is
    // due, the caller's deadline passes, or wakeup().
    auto until = forever ? now + std::chrono::seconds(1) : deadline;
    if (!e.timers.empty()) until = std::min(until, e.timers.begin()->first);
    if (!e.queued.empty() && e.active() < e.max_in_flight) until = now;
    if (!e.lookups.empty()) until = std::min(until, now + std::chrono::milliseconds(100));  // besides the wakeup
    long wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
    if (wait_ms > 0 || !e.running.empty())
      curl_multi_poll(e.multi, nullptr, 0, static_cast<int>(std::max(0L, std::min(wait_ms, 1000L))), nullptr);
  }
}

void Batch::wakeup() {
  engine_->woken = true;
  curl_multi_wakeup(engine_->multi);
}

}  // namespace ak
