#include "sandbox/sandbox.hpp"

#include <httplib.h>

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace ak::sandbox {

const std::string *Request::header(std::string_view lower_name) const {
  for (const auto &[k, v] : headers)
    if (k == lower_name) return &v;
  return nullptr;
}

namespace {

constexpr std::size_t kWorkers = 64;

// The server's workers, made before it listens and handed to it when it does;
// stopped here if it never does (a pool destroyed with its threads running
// would end the process).
struct Workers {
  httplib::TaskQueue *pool = new httplib::ThreadPool(kWorkers);
  ~Workers() {
    if (!pool) return;
    pool->shutdown();
    delete pool;
  }
  httplib::TaskQueue *take() { return std::exchange(pool, nullptr); }
};

// With a charset parameter cpp-httplib leaves the body uncompressed: brotli on
// loopback costs far more CPU than the bytes it saves.
constexpr const char *kJson = "application/json; charset=utf-8";

// Closes the server side of the connection from peer_port on local_port
// without an answer. cpp-httplib gives handlers no socket, so the socket is
// found by its addresses; httplib's own later write then fails and it closes.
void drop_connection(int local_port, int peer_port) {
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent *e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &len) != 0 || local.sin_family != AF_INET) continue;
    len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &len) != 0) continue;
    if (ntohs(local.sin_port) != local_port || ntohs(peer.sin_port) != peer_port) continue;
    linger hard{1, 0};  // the eventual close sends RST, like a crashed peer
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    shutdown(fd, SHUT_RDWR);
    break;
  }
  closedir(dir);
}

// Sends the body in pieces: half then a broken connection, or slowly.
void deliver(const Reply &reply, httplib::Response &res) {
  auto body = std::make_shared<std::string>(reply.body);
  if (reply.delivery == Reply::Delivery::Truncate) {
    res.set_content_provider(body->size(), kJson,
                             [body](size_t, size_t, httplib::DataSink &sink) {
                               sink.write(body->data(), body->size() / 2);
                               return false;  // abort: the client sees a short body
                             });
  } else {
    int pieces = 10, pause = reply.slow_ms / pieces;
    res.set_content_provider(body->size(), kJson,
                             [body, pieces, pause](size_t offset, size_t length, httplib::DataSink &sink) {
                               size_t chunk = std::max<size_t>(1, body->size() / pieces);
                               std::this_thread::sleep_for(std::chrono::milliseconds(pause));
                               sink.write(body->data() + offset, std::min(chunk, length));
                               return true;
                             });
  }
}

}  // namespace

Server::Server() : emulators_(make_emulators()) {}

Server::~Server() { stop(); }

void Server::start(int port) {
  std::lock_guard lock(mu_);
  if (http_) throw std::runtime_error("the sandbox is already running");
  if (port < 0 || port > 65535) throw std::invalid_argument("port must be 0..65535");
  auto http = std::make_unique<httplib::Server>();
  // Keep-alive clients hold a worker each: allow many, and many requests per
  // connection. The workers start here, not on the listening thread a moment
  // after start() returns (httplib makes its pool once it runs), so a caller
  // that counts its threads after start() sees them all.
  auto workers = std::make_shared<Workers>();
  http->new_task_queue = [workers] {
    httplib::TaskQueue *pool = workers->take();
    return pool ? pool : new httplib::ThreadPool(kWorkers);
  };
  http->set_keep_alive_max_count(100000);
  // Without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms to every exchange on loopback.
  http->set_tcp_nodelay(true);
  // Idle keep-alive connections hold up stop() for this long.
  http->set_keep_alive_timeout(1);
  http->set_payload_max_length(8u << 20);
  auto handler = [this](const httplib::Request &hr, httplib::Response &res) {
    Request req;
    req.method = hr.method;
    req.path = hr.path;
    for (const auto &[k, v] : hr.params) req.query.emplace_back(k, v);
    for (const auto &[k, v] : hr.headers) {
      std::string name = k;
      for (auto &c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      // cpp-httplib adds these itself; they are not what the client sent.
      if (name == "remote_addr" || name == "remote_port" || name == "local_addr" || name == "local_port") continue;
      req.headers.emplace_back(std::move(name), v);
    }
    req.body = hr.body;
    Reply reply = req.path.starts_with("/_admin/") ? admin(req) : dispatch(req);
    if (reply.delivery == Reply::Delivery::Drop) {
      drop_connection(hr.local_port, hr.remote_port);
      return;
    }
    res.status = reply.status;
    for (const auto &[k, v] : reply.headers) res.set_header(k, v);
    if (reply.delivery == Reply::Delivery::Normal) res.set_content(reply.body, kJson);
    else deliver(reply, res);
  };
  for (auto reg : {&httplib::Server::Get, &httplib::Server::Post, &httplib::Server::Put,
                   &httplib::Server::Delete, &httplib::Server::Patch})
    (http.get()->*reg)(".*", handler);
  int bound = port == 0 ? http->bind_to_any_port("127.0.0.1") : (http->bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) throw std::runtime_error("the sandbox could not listen on 127.0.0.1:" + std::to_string(port));
  port_ = bound;
  httplib::Server *raw = http.get();
  thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // httplib's stop() does nothing until the accept loop has started, so a
  // stop() right after start() left the loop running and stop() blocked in
  // join() forever: return only once the loop runs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!raw->is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http_ = std::move(http);
}

void Server::stop() {
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    http = std::move(http_);
    thread = std::move(thread_);
    port_ = 0;
  }
  if (!http) return;
  http->stop();
  if (thread.joinable()) thread.join();
}

int Server::port() const {
  std::lock_guard lock(mu_);
  return port_;
}

std::string Server::vendor_url(std::string_view vendor) const {
  int p = port();
  if (!p) return {};
  for (const auto &e : emulators_)
    if (vendor == e->vendor()) return "http://127.0.0.1:" + std::to_string(p) + "/" + e->vendor();
  return {};
}

void Server::set_option(const std::string &name, const std::string &value) {
  // "99digital.token_lifetime_s" goes to that vendor only; a bare name goes to
  // every emulator that knows it.
  bool known = false;
  for (const auto &e : emulators_) {
    std::string prefix = std::string(e->vendor()) + ".";
    if (name.starts_with(prefix)) known = e->set_option(name.substr(prefix.size()), value) || known;
    else if (name.find('.') == std::string::npos) known = e->set_option(name, value) || known;
  }
  if (!known) throw std::invalid_argument("unknown sandbox option \"" + name + "\"");
}

Value Server::credentials(std::string_view vendor) const {
  for (const auto &e : emulators_)
    if (vendor == e->vendor()) return e->credentials();
  throw std::invalid_argument("the sandbox does not emulate vendor \"" + std::string(vendor) + "\"");
}

void Server::expire_tokens() {
  for (const auto &e : emulators_) e->expire_tokens();
}

// The admin endpoint lets programs in any language inject faults:
// POST /_admin/faults {spec or [specs]}, GET /_admin/faults, DELETE /_admin/faults.
Reply Server::admin(const Request &req) {
  if (req.path != "/_admin/faults") return Reply::json(404, Value(Object{{"error", "unknown admin endpoint"}}));
  try {
    if (req.method == "POST") faults_.add(parse_json(req.body));
    else if (req.method == "DELETE") faults_.clear();
    else if (req.method != "GET") return Reply::json(405, Value(Object{{"error", "use GET, POST or DELETE"}}));
  } catch (const std::exception &e) {
    return Reply::json(400, Value(Object{{"error", e.what()}}));
  }
  return Reply::json(200, faults_.to_json());
}

Reply Server::dispatch(Request &req) {
  // "/99digital/api/online/createAccount" -> vendor "99digital", path "/api/online/createAccount"
  auto slash = req.path.find('/', 1);
  std::string prefix = req.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  for (const auto &e : emulators_) {
    if (prefix != e->vendor()) continue;
    req.path = slash == std::string::npos ? "/" : req.path.substr(slash);
    std::optional<Fault> fault = faults_.take(prefix, req.method, req.path);
    const char *fault_kind = fault ? fault_name(fault->kind) : nullptr;
    // Faults that stop the request before the vendor sees it.
    if (fault && fault->kind == FaultKind::Delay) std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
    if (fault && (fault->kind == FaultKind::Status || fault->kind == FaultKind::Reset ||
                  fault->kind == FaultKind::Redirect)) {
      Reply reply = Reply::json(fault->status, fault->body ? *fault->body : Value(Object{{"error", "injected fault"}}));
      if (!fault->retry_after_text.empty()) reply.headers.emplace_back("Retry-After", fault->retry_after_text);
      else if (fault->retry_after >= 0)
        reply.headers.emplace_back("Retry-After", std::to_string(static_cast<long>(fault->retry_after)));
      if (fault->kind == FaultKind::Redirect) reply.headers.emplace_back("Location", fault->location);
      if (fault->kind == FaultKind::Reset) reply.delivery = Reply::Delivery::Drop;
      journal_.record(prefix, req, fault->kind == FaultKind::Reset ? 0 : reply.status, fault_kind);
      return reply;
    }
    Reply reply;
    try {
      reply = e->handle(req);
    } catch (const std::exception &ex) {
      reply = Reply::json(500, Value(Object{{"error", std::string("sandbox failure: ") + ex.what()}}));
    }
    // Faults that strike after the vendor applied the request.
    if (fault) {
      switch (fault->kind) {
        case FaultKind::DropAfterCommit: reply.delivery = Reply::Delivery::Drop; break;
        case FaultKind::Malformed: reply.body = reply.body.substr(0, reply.body.size() / 2) + "<html>"; break;
        case FaultKind::Truncated: reply.delivery = Reply::Delivery::Truncate; break;
        case FaultKind::AnswerAfterCommit: reply = Reply::json(fault->status, *fault->body); break;
        case FaultKind::SlowBody:
          reply.delivery = Reply::Delivery::Slow;
          reply.slow_ms = fault->delay_ms;
          break;
        default: break;
      }
    }
    journal_.record(prefix, req, reply.status, fault_kind);
    return reply;
  }
  Reply reply = Reply::json(404, Value(Object{{"error", "no vendor is served under /" + prefix}}));
  journal_.record("", req, reply.status);
  return reply;
}

}  // namespace ak::sandbox
