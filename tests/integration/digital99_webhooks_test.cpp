// 99digital webhooks and builders over real HTTP against the in-process
// sandbox, through the public C API only: set_webhook / get_webhook, the
// events the sandbox POSTs to the URL set (received here by a tiny loopback
// listener and read with ak_webhook_parse), and create_builder /
// list_builders / login_builder with their documented errors.
#include <accountkit/accountkit.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "digital99_fixture.hpp"

using namespace akt;

namespace {

// Accepts HTTP requests on 127.0.0.1 one at a time, keeps each body and
// answers 200. Enough HTTP for one POST per connection with Content-Length.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&a), len) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr *>(&a), &len) != 0)
      throw std::runtime_error("listener: cannot listen on loopback");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~Listener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/99"; }

  // The next body received, or "" after timeout.
  std::string next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !bodies_.empty(); })) return "";
    std::string b = std::move(bodies_.front());
    bodies_.pop_front();
    return b;
  }
  size_t received() {
    std::lock_guard lock(mu_);
    return bodies_.size();
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string data;
      char buf[4096];
      size_t need = std::string::npos;
      for (;;) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 2000) <= 0) break;
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t cl = data.find("Content-Length: ");
          need = end + 4 + (cl != std::string::npos && cl < end ? std::stoul(data.substr(cl + 16)) : 0);
        }
        if (data.size() >= need) break;
      }
      const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
      ::close(c);
      size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::lock_guard lock(mu_);
      bodies_.push_back(data.substr(end + 4));
      cv_.notify_all();
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> bodies_;
};

struct Parsed {
  ak_status status = AK_OK;
  ResultPtr result;
  ErrorInfo error;
  std::string id() const { return result ? ak_result_id(result.get()) : ""; }
  std::string kind() const { return result ? ak_result_status(result.get()) : ""; }
};

Parsed parse(const std::string &body) {
  Parsed p;
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  p.status = ak_webhook_parse(&r, "99digital", body.data(), body.size(), &err);
  p.result.reset(r);
  if (p.status != AK_OK) p.error = copy_error(p.status, err);
  return p;
}

class Digital99Webhooks : public Digital99 {
 protected:
  void set_url(const std::string &url) {
    Outcome o = call(c(), "set_webhook", "{\"url\":\"" + url + "\"}");
    ASSERT_TRUE(o.ok()) << o.describe();
    EXPECT_EQ(o.get_string("url"), url);
  }
  Listener hooks;
};

}  // namespace

TEST_F(Digital99Webhooks, GetWebhookIsEmptyUntilSetThenTheUrl) {
  Outcome before = call(c(), "get_webhook", "{}");
  ASSERT_TRUE(before.ok()) << before.describe();
  EXPECT_EQ(before.get_string("url"), "");
  set_url(hooks.url());
  Outcome after = call(c(), "get_webhook", "{}");
  ASSERT_TRUE(after.ok()) << after.describe();
  EXPECT_EQ(after.get_string("url"), hooks.url());
}

TEST_F(Digital99Webhooks, AnInvalidUrlIsRefusedLocallyAndByTheVendor) {
  Outcome local = call(c(), "set_webhook", R"({"url":"hooks.example/99"})");
  EXPECT_EQ(local.status, AK_E_VALIDATION);
  EXPECT_TRUE(local.error.has_field("url", "url")) << local.describe();
  EXPECT_EQ(sb.journal().size(), 0u);  // nothing sent

  ClientPtr raw = sb.client({{"validate", "false"}});
  Outcome vendor = call(raw.get(), "set_webhook", R"({"url":"hooks.example/99"})");
  EXPECT_EQ(vendor.status, AK_E_VALIDATION);
  EXPECT_EQ(vendor.error.vendor_code, "13");
  EXPECT_TRUE(vendor.error.has_field("url", "vendor")) << vendor.describe();
}

TEST_F(Digital99Webhooks, AccountChangesArriveAndParse) {
  set_url(hooks.url());
  int64_t id = create_account(c(), kEveryCreateField);
  ASSERT_GT(id, 0);
  Parsed created = parse(hooks.next());
  ASSERT_EQ(created.status, AK_OK) << created.error.all_text();
  EXPECT_EQ(created.id(), std::to_string(id));
  EXPECT_EQ(created.kind(), "account_created");
  const char *ref = nullptr;
  ASSERT_EQ(ak_result_get_string(&ref, created.result.get(), "reference", nullptr), AK_OK);
  EXPECT_STREQ(ref, "crm4711");
  ASSERT_EQ(ak_result_get_string(&ref, created.result.get(), "type", nullptr), AK_OK);
  EXPECT_STREQ(ref, "partners");

  ASSERT_TRUE(call(c(), "update_account", update_json(id, "eu1", "\"account_status\":0")).ok());
  Parsed suspended = parse(hooks.next());
  ASSERT_EQ(suspended.status, AK_OK) << suspended.error.all_text();
  EXPECT_EQ(suspended.kind(), "account_suspended");
  EXPECT_EQ(suspended.id(), std::to_string(id));

  ASSERT_TRUE(call(c(), "update_account", update_json(id, "eu1", "\"account_status\":1")).ok());
  EXPECT_EQ(parse(hooks.next()).kind(), "account_resumed");
  ASSERT_TRUE(call(c(), "update_account", update_json(id, "eu1", "\"account_name\":\"Acme 2\"")).ok());
  EXPECT_EQ(parse(hooks.next()).kind(), "account_updated");
  ASSERT_TRUE(call(c(), "delete_account", delete_json(id, "eu1")).ok());
  Parsed deleted = parse(hooks.next());
  EXPECT_EQ(deleted.kind(), "account_deleted");
  EXPECT_EQ(deleted.id(), std::to_string(id));
}

TEST_F(Digital99Webhooks, NothingIsSentBeforeAUrlIsSet) {
  ASSERT_GT(create_account(c(), kEveryCreateField), 0);
  set_url(hooks.url());
  EXPECT_EQ(hooks.next(std::chrono::milliseconds(300)), "");
}

TEST_F(Digital99Webhooks, AnUnreachableUrlDoesNotHoldUpCalls) {
  // A port nobody listens on: the event fails in the background.
  set_url("http://127.0.0.1:9/hooks");
  auto start = std::chrono::steady_clock::now();
  ASSERT_GT(create_account(c(), kEveryCreateField), 0);
  EXPECT_TRUE(call(c(), "list_accounts", "{}").ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(Digital99Webhooks, MalformedBodiesAreDecodeErrors) {
  Parsed p = parse("{\"type\":\"partners\"}");
  EXPECT_EQ(p.status, AK_E_DECODE);
  EXPECT_EQ(p.result, nullptr);
  EXPECT_TRUE(contains(p.error.message, "account_id")) << p.error.message;
  EXPECT_EQ(parse("not json").status, AK_E_DECODE);
  ak_result *r = reinterpret_cast<ak_result *>(1);
  EXPECT_EQ(ak_webhook_parse(&r, "commvault", "{}", 2, nullptr), AK_E_UNKNOWN_OPERATION);
  EXPECT_EQ(r, nullptr);
  EXPECT_EQ(ak_webhook_parse(&r, "99digital", nullptr, 0, nullptr), AK_E_DECODE);
  EXPECT_EQ(ak_webhook_parse(nullptr, "99digital", "{}", 2, nullptr), AK_E_INVALID_ARGUMENT);
}

// ---- builders --------------------------------------------------------------------

TEST_F(Digital99Webhooks, BuildersHappyPath) {
  set_url(hooks.url());
  Outcome made = call(c(), "create_builder", R"({"client_name":"Acme","reference":"crm42"})");
  ASSERT_TRUE(made.ok()) << made.describe();
  int64_t id = made.get_int("builderID").value_or(0);
  ASSERT_GT(id, 0);
  EXPECT_EQ(made.id(), std::to_string(id));
  EXPECT_EQ(made.get_string("client_name"), "Acme");
  ASSERT_TRUE(made.get_string("url").has_value());

  Parsed event = parse(hooks.next());
  ASSERT_EQ(event.status, AK_OK) << event.error.all_text();
  EXPECT_EQ(event.kind(), "builder_created");
  EXPECT_EQ(event.id(), std::to_string(id));

  Outcome list = call(c(), "list_builders", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.get_int("totalBuilders"), 1);
  EXPECT_EQ(list.get_int("list[0].builderID"), id);  // a string on the wire [doc]
  EXPECT_EQ(list.get_string("list[0].client"), "Acme");
  EXPECT_EQ(list.get_string("list[0].reference"), "crm42");

  std::string json = "{\"builderID\":" + std::to_string(id) + "}";
  Outcome one = call(c(), "login_builder", json);
  Outcome two = call(c(), "login_builder", json);
  ASSERT_TRUE(one.ok() && two.ok()) << one.describe() << two.describe();
  ASSERT_TRUE(one.get_string("login").has_value());
  EXPECT_NE(one.get_string("login"), two.get_string("login"));  // a fresh link each call
  EXPECT_EQ(one.id(), std::to_string(id));
  // The link is a secret: the journal never shows it.
  EXPECT_FALSE(contains(sb.journal_json(), *one.get_string("login"))) << sb.journal_json();
}

TEST_F(Digital99Webhooks, BuilderErrors) {
  Outcome unknown = call(c(), "login_builder", R"({"builderID":999})");
  EXPECT_EQ(unknown.status, AK_E_NOT_FOUND);
  EXPECT_EQ(unknown.error.vendor_code, "29");

  ClientPtr raw = sb.client({{"validate", "false"}});
  Outcome noname = call(raw.get(), "create_builder", R"({"reference":"x"})");
  EXPECT_EQ(noname.status, AK_E_VALIDATION);
  EXPECT_EQ(noname.error.vendor_code, "30");
  Outcome ref = call(raw.get(), "create_builder", R"({"client_name":"Acme","reference":"no-dashes"})");
  EXPECT_EQ(ref.status, AK_E_VALIDATION);
  EXPECT_EQ(ref.error.vendor_code, "20");
  EXPECT_TRUE(ref.error.has_field("reference", "vendor"));
}
