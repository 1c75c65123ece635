// accountkit.AsyncClient's engine. The rules:
//  - One engine thread per AsyncClient owns an ak::Batch (the same operation
//    state machines as Client.call: validation, retries, exactly-once creates)
//    and drives all of the client's operations on one curl multi handle. No
//    thread is started per call.
//  - Coroutines submit on the event loop's thread (with the GIL): fields are
//    converted and checked there, as Client.call does, and the submission is
//    queued under a mutex; the engine thread is woken (condition variable when
//    idle, Batch::wakeup when it is driving transfers).
//  - The engine thread never holds the GIL while it drives the network, and
//    needs it for nothing but the core's log lines. A finished operation is
//    queued (a C++ object, no Python in it) and the loop is woken by one byte
//    on a pipe, written only when the loop has not been woken already; the
//    loop's reader callback (AsyncClient._drain) calls take(), which converts
//    every queued completion to Python with the GIL the loop already holds.
//  - cancel(tag) is Batch::cancel: the operation ends as Cancelled, or
//    OutcomeUnknown for a create or delete that may have landed, and that
//    outcome still comes back through take().
//  - close() (and the destructor) refuses new submissions, cancels everything
//    in flight, lets the engine thread collect those endings, and joins it
//    with the GIL released (the thread may need it for a log line).
#include "async_engine.hpp"

#include <fcntl.h>
#include <pybind11/stl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bridge.hpp"
#include "convert.hpp"
#include "core/api.hpp"
#include "core/batch.hpp"
#include "core/client.hpp"
#include "core/pager.hpp"

namespace py = pybind11;

namespace akpy {

namespace {

// A list operation's walk, shared by the coroutine that iterates it (page
// fields, taking a page's answer: both on the loop's thread) and the
// completion of its page request in flight (which only holds it).
struct Walk {
  std::shared_ptr<ak::PageWalk> walk;
  bool done() const { return walk->done(); }
};

enum class Kind { Call, Page, Check, Wait };

struct Submission {
  std::uint64_t tag = 0;
  Kind kind = Kind::Call;
  std::string op;
  ak::Value fields;
  std::shared_ptr<ak::PageWalk> walk;  // Kind::Page
  std::string id, after;               // Kind::Wait
  double timeout_s = 0;
};

struct Done {
  std::uint64_t tag = 0;
  Kind kind = Kind::Call;
  std::optional<ak::Result> result;
  std::optional<ak::Error> error;
  std::shared_ptr<ak::PageWalk> walk;
  bool flag = false;  // Kind::Check: what check_credentials returned
};

class AsyncEngine {
 public:
  AsyncEngine(std::shared_ptr<ak::Client> client, std::size_t max_in_flight, bool validate)
      : client_(std::move(client)), validate_(validate) {
    batch_ = std::make_unique<ak::Batch>(client_, max_in_flight);  // checks max_in_flight
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
      throw error_with(ak::Status::Internal, vendor() + ": cannot make the async engine's pipe", vendor());
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    thread_ = std::thread([this] { run(); });
  }

  ~AsyncEngine() {
    stop();
    ::close(read_fd_);
    ::close(write_fd_);
  }

  AsyncEngine(const AsyncEngine &) = delete;
  AsyncEngine &operator=(const AsyncEngine &) = delete;

  // The pipe the event loop watches: readable when take() has something.
  int fd() const { return read_fd_; }

  void submit(const std::string &op_name, py::handle fields, py::handle id, std::uint64_t tag) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = ak::api::operation(v, op_name);
    ak::Value value;
    if (auto e = convert(v, op, fields, id, validate_, value)) throw *e;
    push({tag, Kind::Call, op.name, std::move(value), nullptr});
  }

  // A walk over every page of a list operation; its filters are checked now.
  Walk walk(const std::string &op_name, py::handle filters) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = ak::api::operation(v, op_name);
    ak::Value value;
    std::vector<ak::FieldError> errors = problems(v, op, filters, py::none(), value, validate_);
    if (!errors.empty()) throw ak::api::validation_error(v, op.name, std::move(errors));
    ak::Pager check(client_, op.name, value);  // throws for an operation that is not a list (sends nothing)
    return Walk{std::make_shared<ak::PageWalk>(op, std::move(value))};
  }

  void submit_page(const Walk &w, std::uint64_t tag) {
    push({tag, Kind::Page, w.walk->operation().name, w.walk->page_fields(), w.walk});
  }

  // A wait for id to settle (Client::wait's rules: core/engine/wait.hpp), run
  // by the batch like any operation; its arguments are checked when it starts.
  void submit_wait(const std::string &id, const std::string &after, double timeout_s, std::uint64_t tag) {
    Submission s{tag, Kind::Wait, "wait", {}, nullptr};
    s.id = id;
    s.after = after;
    s.timeout_s = timeout_s;
    push(std::move(s));
  }

  // Client::check_credentials runs on the engine thread (it blocks it while a
  // token is fetched: once per client, in practice).
  void check_credentials(std::uint64_t tag) { push({tag, Kind::Check, "check_credentials", {}, nullptr}); }

  void cancel(std::uint64_t tag) { batch_->cancel(tag); }

  // Every completion so far as (tag, value, exception): value a result tuple
  // (Kind::Call), a list of result tuples (a page's items) or a bool
  // (check_credentials); exception None on success.
  py::list take() {
    // The pipe is emptied before the flag is cleared, and the flag cleared
    // before the queue is taken: a completion queued after the swap then
    // always writes a new byte (the flag is down), and none written while the
    // flag was up is lost (it was up because a byte is in the pipe or was just
    // read here, before the swap that takes what it announced).
    char buf[64];
    while (::read(read_fd_, buf, sizeof buf) > 0) {
    }
    signalled_.store(false);
    std::deque<Done> got;
    {
      std::lock_guard lock(done_mu_);
      got.swap(done_);
    }
    py::list out;
    for (Done &d : got) {
      py::object value = py::none(), error = py::none();
      if (d.error) {
        error = python_error(*d.error);
      } else if (d.kind == Kind::Check) {
        value = py::bool_(d.flag);
      } else if (d.kind == Kind::Page) {
        try {
          std::vector<ak::Value> items = d.walk->take(std::move(d.result->data));
          py::list list(items.size());
          for (size_t i = 0; i < items.size(); ++i)
            list[i] = result_to_python(client_->item_result(d.walk->operation(), std::move(items[i])));
          value = std::move(list);
        } catch (...) {
          error = python_error(ak::api::current_error());
        }
      } else {
        value = result_to_python(*d.result);
      }
      out.append(py::make_tuple(d.tag, std::move(value), std::move(error)));
    }
    return out;
  }

  void close() { stop(); }

 private:
  std::string vendor() const { return client_->vendor().name; }

  ak::Error closed() const {
    return error_with(ak::Status::InvalidArgument, vendor() + ": the async client is closed", vendor());
  }

  void push(Submission s) {
    {
      std::lock_guard lock(mu_);
      if (stop_) throw closed();
      subs_.push_back(std::move(s));
    }
    cv_.notify_one();
    batch_->wakeup();
  }

  void deliver(Done d) {
    {
      std::lock_guard lock(done_mu_);
      done_.push_back(std::move(d));
    }
    if (!signalled_.exchange(true)) {
      char b = 1;
      while (::write(write_fd_, &b, 1) < 0 && errno == EINTR) {
      }
    }
  }

  void fail(std::uint64_t tag, Kind kind, ak::Error e) {
    Done d;
    d.tag = tag;
    d.kind = kind;
    d.error = std::move(e);
    deliver(std::move(d));
  }

  // Engine thread: starts one submission.
  void start(Submission &s, bool stopping) {
    if (stopping) {
      fail(s.tag, s.kind,
           error_with(ak::Status::Cancelled, s.op + " was cancelled: the async client closed before it started",
                      vendor(), s.op));
      return;
    }
    if (s.kind == Kind::Check) {
      Done d;
      d.tag = s.tag;
      d.kind = Kind::Check;
      try {
        d.flag = client_->check_credentials();
      } catch (...) {
        d.error = ak::api::current_error();
      }
      deliver(std::move(d));
      return;
    }
    try {
      if (s.kind == Kind::Wait) batch_->submit_wait(s.id, s.after, s.timeout_s, s.tag);
      else batch_->submit(s.op, s.fields, s.tag);
      in_flight_[s.tag] = {s.kind, std::move(s.walk)};
    } catch (...) {
      fail(s.tag, s.kind, ak::api::current_error());
    }
  }

  // Engine thread: one operation ended.
  void finish(ak::Batch::Completion c) {
    auto it = in_flight_.find(c.tag);
    Done d;
    d.tag = c.tag;
    if (it != in_flight_.end()) {
      d.kind = it->second.kind;
      d.walk = std::move(it->second.walk);
      in_flight_.erase(it);
    }
    d.result = std::move(c.result);
    d.error = std::move(c.error);
    if (!d.result && !d.error) d.error = ak::Error(ak::Status::Internal, "no outcome");
    deliver(std::move(d));
  }

  void run() {
    std::unique_lock lock(mu_);
    bool cancelled_all = false;
    for (;;) {
      if (subs_.empty() && batch_->pending() == 0) {
        if (stop_) return;
        cv_.wait(lock, [&] { return !subs_.empty() || stop_; });
        continue;
      }
      std::vector<Submission> subs;
      subs.swap(subs_);
      const bool stopping = stop_;
      lock.unlock();
      for (Submission &s : subs) start(s, stopping);
      if (stopping && !cancelled_all) {
        for (const auto &[tag, meta] : in_flight_) batch_->cancel(tag);
        cancelled_all = true;
      }
      if (batch_->pending() > 0) {
        try {
          if (auto c = batch_->next(std::chrono::milliseconds(-1))) finish(std::move(*c));
        } catch (...) {
          // The multi handle failed (out of memory, say): every operation in
          // flight ends with that error and the engine takes no more.
          ak::Error e = ak::api::current_error();
          for (auto &[tag, meta] : in_flight_) fail(tag, meta.kind, e);
          in_flight_.clear();
          lock.lock();
          stop_ = true;
          for (Submission &s : subs_) fail(s.tag, s.kind, e);
          subs_.clear();
          return;
        }
      }
      lock.lock();
    }
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    batch_->wakeup();
    if (!thread_.joinable()) return;
    if (PyGILState_Check()) {
      py::gil_scoped_release release;  // the engine thread may need it for a log line
      thread_.join();
    } else {
      thread_.join();
    }
  }

  struct Meta {
    Kind kind = Kind::Call;
    std::shared_ptr<ak::PageWalk> walk;
  };

  std::shared_ptr<ak::Client> client_;
  bool validate_;
  std::unique_ptr<ak::Batch> batch_;
  int read_fd_ = -1, write_fd_ = -1;
  std::thread thread_;
  std::mutex mu_;  // subs_, stop_; never held while taking the GIL
  std::condition_variable cv_;
  std::vector<Submission> subs_;
  bool stop_ = false;
  std::unordered_map<std::uint64_t, Meta> in_flight_;  // engine thread only
  std::mutex done_mu_;                                 // done_; never held while taking the GIL
  std::deque<Done> done_;
  std::atomic<bool> signalled_{false};
};

}  // namespace

py::object make_async_engine(std::shared_ptr<ak::Client> client, std::size_t max_in_flight, bool validate) {
  std::unique_ptr<AsyncEngine> engine;
  {
    py::gil_scoped_release release;
    engine = std::make_unique<AsyncEngine>(std::move(client), max_in_flight, validate);
  }
  return py::cast(std::move(engine));
}

void register_async(py::module_ &m) {
  py::class_<Walk>(m, "PageWalk").def("done", &Walk::done, "True once the last page was taken.");

  py::class_<AsyncEngine>(m, "AsyncEngine")
      .def_property_readonly("fd", &AsyncEngine::fd)
      .def("submit", &AsyncEngine::submit, py::arg("operation"), py::arg("fields"), py::arg("id"), py::arg("tag"))
      .def("walk", &AsyncEngine::walk, py::arg("operation"), py::arg("filters"))
      .def("submit_page", &AsyncEngine::submit_page, py::arg("walk"), py::arg("tag"))
      .def("check_credentials", &AsyncEngine::check_credentials, py::arg("tag"))
      .def("cancel", &AsyncEngine::cancel, py::arg("tag"))
      .def("take", &AsyncEngine::take)
      .def("close", &AsyncEngine::close)
      .def("submit_wait", &AsyncEngine::submit_wait, py::arg("id"), py::arg("after"), py::arg("timeout"),
           py::arg("tag"));
}

}  // namespace akpy
