// The sandbox: one HTTP server on loopback that emulates every vendor, each
// under its own path prefix ("/99digital/..."), with in-memory state and a
// journal of every request received (secrets masked).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "sandbox/faults.hpp"

namespace httplib {
class Server;
}

namespace ak::sandbox {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string path;   // below the vendor prefix: "/api/online/createAccount"
  Pairs query;        // decoded
  Pairs headers;      // names lower-cased
  std::string body;
  const std::string *header(std::string_view lower_name) const;
};

struct Reply {
  // How the answer leaves the server (faults other than Normal).
  enum class Delivery { Normal, Drop, Truncate, Slow };
  int status = 200;
  std::string body;
  Pairs headers;
  Delivery delivery = Delivery::Normal;
  int slow_ms = 0;
  static Reply json(int status, const Value &v) { return {status, to_json(v), {}}; }
};

// One vendor's emulator. Thread-safe: handle() runs on server threads.
class Emulator {
 public:
  virtual ~Emulator() = default;
  virtual const char *vendor() const = 0;
  virtual Reply handle(const Request &req) = 0;
  // Applies a knob; returns false when the name is not this emulator's.
  // Throws std::invalid_argument for a bad value.
  virtual bool set_option(const std::string &name, const std::string &value) = 0;
  // The client options that authenticate against this emulator.
  virtual Value credentials() const = 0;
  virtual void expire_tokens() {}
};

// All emulators, one per vendor (sandbox/vendors/registry.cpp).
std::vector<std::unique_ptr<Emulator>> make_emulators();

class Journal {
 public:
  // fault: the injected fault's name, or nullptr.
  void record(const std::string &vendor, const Request &req, int status, const char *fault = nullptr);
  std::string to_json() const;
  void clear();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<Value> entries_;
};

class Server {
 public:
  Server();
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  void start(int port);  // throws std::runtime_error
  void stop();
  int port() const;
  std::string vendor_url(std::string_view vendor) const;  // "" when stopped/unknown
  void set_option(const std::string &name, const std::string &value);  // throws std::invalid_argument
  Value credentials(std::string_view vendor) const;  // throws std::invalid_argument
  void expire_tokens();
  Journal &journal() { return journal_; }
  Faults &faults() { return faults_; }

 private:
  Reply dispatch(Request &req);
  Reply admin(const Request &req);

  std::vector<std::unique_ptr<Emulator>> emulators_;
  Journal journal_;
  Faults faults_;
  mutable std::mutex mu_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ak::sandbox
