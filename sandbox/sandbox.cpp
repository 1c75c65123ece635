#include "sandbox/sandbox.hpp"

#include <httplib.h>

#include <chrono>
#include <stdexcept>

namespace ak::sandbox {

const std::string *Request::header(std::string_view lower_name) const {
  for (const auto &[k, v] : headers)
    if (k == lower_name) return &v;
  return nullptr;
}

Server::Server() : emulators_(make_emulators()) {}

Server::~Server() { stop(); }

void Server::start(int port) {
  std::lock_guard lock(mu_);
  if (http_) throw std::runtime_error("the sandbox is already running");
  if (port < 0 || port > 65535) throw std::invalid_argument("port must be 0..65535");
  auto http = std::make_unique<httplib::Server>();
  // Keep-alive clients hold a worker each: allow many, and many requests per connection.
  http->new_task_queue = [] { return new httplib::ThreadPool(64); };
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
    Reply reply = dispatch(req);
    res.status = reply.status;
    for (const auto &[k, v] : reply.headers) res.set_header(k, v);
    res.set_content(reply.body, "application/json");
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

Reply Server::dispatch(Request &req) {
  // "/99digital/api/online/createAccount" -> vendor "99digital", path "/api/online/createAccount"
  auto slash = req.path.find('/', 1);
  std::string prefix = req.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  for (const auto &e : emulators_) {
    if (prefix != e->vendor()) continue;
    req.path = slash == std::string::npos ? "/" : req.path.substr(slash);
    Reply reply;
    try {
      reply = e->handle(req);
    } catch (const std::exception &ex) {
      reply = Reply::json(500, Value(Object{{"error", std::string("sandbox failure: ") + ex.what()}}));
    }
    journal_.record(prefix, req, reply.status);
    return reply;
  }
  Reply reply = Reply::json(404, Value(Object{{"error", "no vendor is served under /" + prefix}}));
  journal_.record("", req, reply.status);
  return reply;
}

}  // namespace ak::sandbox
