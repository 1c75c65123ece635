// The sandbox's public API (ak_sandbox_*), its journal, and the sandbox
// answers a well-behaved client never provokes (checked with a raw HTTP/1.1
// exchange over a loopback socket).
#include <accountkit/accountkit.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "support.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;


// ---- a minimal HTTP/1.1 client for requests the library would never send -----------

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket &) = delete;
  Socket &operator=(const Socket &) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

struct RawReply {
  int status = -1;
  std::string body;
};

RawReply raw_http(int port, const std::string &method, const std::string &path, const std::string &body,
                  const Strings &headers = {}) {
  RawReply reply;
  Socket s;
  if (s.fd() < 0) return reply;
  timeval tv{5, 0};
  setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr = loopback(port);
  if (::connect(s.fd(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) return reply;
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto &h : headers) req += h + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = ::send(s.fd(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return reply;
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = ::recv(s.fd(), buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<size_t>(n));
  if (in.rfind("HTTP/1.1 ", 0) != 0) return reply;
  reply.status = std::atoi(in.c_str() + 9);
  size_t split = in.find("\r\n\r\n");
  if (split != std::string::npos) reply.body = in.substr(split + 4);
  return reply;
}

std::string token_for(const Sandbox &sb) {
  RawReply r = raw_http(sb.port(), "POST", "/99digital/api/settings/accessToken",
                        "{\"client_id\":\"sandbox-client\",\"client_secret\":\"sandbox-secret\"}",
                        {"Content-Type: application/json"});
  std::string key = "\"access_token\":\"";
  size_t p = r.body.find(key);
  if (p == std::string::npos) return "";
  p += key.size();
  return r.body.substr(p, r.body.find('"', p) - p);
}

// ---- lifecycle and API ---------------------------------------------------------------

TEST(Sandbox, VendorUrlIsNullBeforeStartAndLoopbackAfter) {
  Sandbox sb(Knobs{}, /*start=*/false);
  EXPECT_EQ(ak_sandbox_port(sb.get()), 0);
  EXPECT_EQ(ak_sandbox_vendor_url(sb.get(), "99digital"), nullptr);
  sb.start();
  int port = sb.port();
  EXPECT_GT(port, 0);
  const char *url = ak_sandbox_vendor_url(sb.get(), "99digital");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(std::string(url).rfind("http://127.0.0.1:", 0), 0u) << url;
  EXPECT_STREQ(url, ("http://127.0.0.1:" + std::to_string(port) + "/99digital").c_str());
  EXPECT_EQ(ak_sandbox_vendor_url(sb.get(), "nope"), nullptr);
  EXPECT_EQ(ak_sandbox_vendor_url(nullptr, "99digital"), nullptr);
  EXPECT_EQ(ak_sandbox_vendor_url(sb.get(), nullptr), nullptr);
}

TEST(Sandbox, TwoSandboxesGetDifferentPorts) {
  Sandbox a, b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.url(), b.url());
}

TEST(Sandbox, CredentialsJson) {
  Sandbox sb;
  char *raw = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_credentials_json(&raw, sb.get(), "99digital", &err), AK_OK);
  StringPtr json(raw);
  EXPECT_STREQ(json.get(), "{\"client_id\":\"sandbox-client\",\"client_secret\":\"sandbox-secret\"}");

  raw = nullptr;
  ak_status s = ak_sandbox_credentials_json(&raw, sb.get(), "nope", &err);
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(e.message, "nope")) << e.message;
  EXPECT_EQ(raw, nullptr);
}

TEST(Sandbox, CredentialsJsonWorksWithAHandBuiltClient) {
  Sandbox sb;
  char *raw = nullptr;
  ASSERT_EQ(ak_sandbox_credentials_json(&raw, sb.get(), "99digital", nullptr), AK_OK);
  StringPtr json(raw);
  // Use the credentials as the header says: option name -> value.
  std::string text = json.get();
  auto value = [&](const std::string &key) {
    std::string k = "\"" + key + "\":\"";
    size_t p = text.find(k) + k.size();
    return text.substr(p, text.find('"', p) - p);
  };
  ClientPtr c = new_client(
      {{"base_url", sb.url()}, {"client_id", value("client_id")}, {"client_secret", value("client_secret")}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  EXPECT_TRUE(o.ok()) << o.describe();
}

TEST(Sandbox, UnknownOptionIsInvalidArgument) {
  Sandbox sb;
  ak_error *err = nullptr;
  ak_status s = ak_sandbox_set_option(sb.get(), "colour", "blue", &err);
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(e.message, "colour")) << e.message;

  for (const auto &[name, value] : std::vector<std::pair<const char *, const char *>>{
           {"token_lifetime_s", "0"}, {"token_lifetime_s", "abc"}, {"block_after", "0"}, {"block_seconds", "-1"}}) {
    s = ak_sandbox_set_option(sb.get(), name, value, &err);
    ErrorInfo bad = copy_error(s, err);
    EXPECT_EQ(bad.code, AK_E_INVALID_ARGUMENT) << name << "=" << value;
    EXPECT_TRUE(contains(bad.message, name)) << bad.message;
  }
  // Known options are accepted after start, too.
  for (const auto &[name, value] : std::vector<std::pair<const char *, const char *>>{
           {"token_lifetime_s", "60"}, {"block_after", "3"}, {"block_seconds", "0"}})
    EXPECT_EQ(ak_sandbox_set_option(sb.get(), name, value, nullptr), AK_OK) << name;
  EXPECT_EQ(ak_sandbox_set_option(nullptr, "block_after", "3", nullptr), AK_E_INVALID_ARGUMENT);
}

TEST(Sandbox, KnobsMayBePrefixedWithTheVendor) {
  Sandbox sb(Knobs{{"99digital.token_lifetime_s", "300"}});
  RawReply r = raw_http(sb.port(), "POST", "/99digital/api/settings/accessToken",
                        "{\"client_id\":\"sandbox-client\",\"client_secret\":\"sandbox-secret\"}");
  size_t at = r.body.find("\"expiration_time\":\"");
  ASSERT_NE(at, std::string::npos) << r.body;
  long exp = std::atol(r.body.c_str() + at + 19);
  long now = static_cast<long>(time(nullptr));
  EXPECT_GE(exp, now + 290);
  EXPECT_LE(exp, now + 310);

  for (const char *name : {"nope.token_lifetime_s", "99digital.colour", "99digital."}) {
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_set_option(sb.get(), name, "1", &err);
    ErrorInfo e = copy_error(s, err);
    EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT) << name;
    EXPECT_TRUE(contains(e.message, name)) << e.message;
  }
  ak_error *err = nullptr;
  ak_status s = ak_sandbox_set_option(sb.get(), "99digital.block_after", "0", &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_INVALID_ARGUMENT);
}

TEST(Sandbox, JournalClearEmptiesIt) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_EQ(sb.journal().size(), 2u);
  sb.clear_journal();
  EXPECT_EQ(sb.journal_json(), "[]");
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_EQ(sb.paths(), (Strings{kListPath}));
}

TEST(Sandbox, StopThenStartAgainKeepsStateAndJournal) {
  Sandbox sb;
  int64_t id = 0;
  {
    // Freed before the stop: a client's idle keep-alive connection holds
    // ak_sandbox_stop for the server's keep-alive timeout (5 s).
    ClientPtr c = sb.client();
    id = create_account(c.get(), create_json());
    ASSERT_GT(id, 0);
  }
  const char *old_url = ak_sandbox_vendor_url(sb.get(), "99digital");
  ASSERT_NE(old_url, nullptr);
  std::string old_copy = old_url;

  ak_sandbox_stop(sb.get());
  EXPECT_EQ(sb.port(), 0);
  EXPECT_EQ(ak_sandbox_vendor_url(sb.get(), "99digital"), nullptr);
  ak_sandbox_stop(sb.get());  // stopping a stopped sandbox is a no-op
  EXPECT_STREQ(old_url, old_copy.c_str());  // returned strings stay valid until the sandbox is freed

  // A stopped sandbox cannot configure clients, and nothing answers on the old port.
  ClientPtr unconfigured = new_client();
  ak_error *err = nullptr;
  ak_status s = ak_sandbox_configure_client(sb.get(), unconfigured.get(), &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_INVALID_ARGUMENT);
  ClientPtr stale = new_client(
      {{"base_url", old_copy}, {"client_id", "sandbox-client"}, {"client_secret", "sandbox-secret"}});
  Outcome down = call(stale.get(), "list_accounts", "{}");
  EXPECT_EQ(down.status, AK_E_TRANSPORT) << down.describe();

  sb.start();
  EXPECT_GT(sb.port(), 0);
  ClientPtr again = sb.client();
  Outcome list = call(again.get(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.get_int("totalOnline"), 1) << list.json;
  EXPECT_EQ(list.get_int("list[0].account_id"), id);
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kCreatePath, kTokenPath, kListPath})) << sb.journal_json();
}

TEST(Sandbox, StartingARunningSandboxFails) {
  Sandbox sb;
  int port = sb.port();
  ak_error *err = nullptr;
  ak_status s = ak_sandbox_start(sb.get(), 0, &err);
  ErrorInfo e = copy_error(s, err);
  EXPECT_NE(e.code, AK_OK);
  EXPECT_FALSE(e.message.empty());
  EXPECT_EQ(sb.port(), port);  // still serving where it was
  ClientPtr c = sb.client();
  EXPECT_TRUE(call(c.get(), "list_accounts", "{}").ok());
}

TEST(Sandbox, ExpireTokensInvalidatesIssuedTokens) {
  Sandbox sb;
  std::string token = token_for(sb);
  ASSERT_FALSE(token.empty());
  ClientPtr c = new_client({{"base_url", sb.url()}, {"access_token", token}});
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  sb.expire_tokens();
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.vendor_code, "3");
  EXPECT_FALSE(contains(o.error.all_text(), token)) << "token leaked: " << o.error.all_text();
}

// ---- routing and journal ---------------------------------------------------------------

// The admin endpoint gives every language the fault API over plain HTTP.
TEST(SandboxRaw, AdminEndpointAddsListsAndClearsFaults) {
  Sandbox sb;
  RawReply added = raw_http(sb.port(), "POST", "/_admin/faults",
                            R"({"vendor":"99digital","path":"/api/online/*","kind":"status","status":502})");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_NE(added.body.find("\"kind\":\"status\""), std::string::npos) << added.body;
  ClientPtr c = sb.client();
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").error.http_status, 502);
  EXPECT_EQ(raw_http(sb.port(), "POST", "/_admin/faults", R"({"kind":"nope"})").status, 400);
  EXPECT_EQ(raw_http(sb.port(), "DELETE", "/_admin/faults", "").status, 200);
  EXPECT_EQ(raw_http(sb.port(), "GET", "/_admin/faults", "").body, "[]");
  EXPECT_TRUE(call(c.get(), "list_accounts", "{}").ok());
}

TEST(Sandbox, UnknownVendorPrefixIs404) {
  Sandbox sb;
  std::string base = "http://127.0.0.1:" + std::to_string(sb.port()) + "/nope";
  ClientPtr c = new_client({{"base_url", base}, {"client_id", "sandbox-client"}, {"client_secret", "sandbox-secret"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_NE(o.status, AK_OK) << o.describe();
  EXPECT_EQ(o.error.http_status, 404) << o.describe();

  ClientPtr t = new_client({{"base_url", base}, {"access_token", "whatever"}});
  Outcome o2 = call(t.get(), "list_accounts", "{}");
  ASSERT_NE(o2.status, AK_OK) << o2.describe();
  EXPECT_EQ(o2.error.http_status, 404) << o2.describe();

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 2u) << sb.journal_json();
  EXPECT_EQ(j[0].vendor(), "");
  EXPECT_EQ(j[0].path(), std::string("/nope") + kTokenPath);
  EXPECT_EQ(j[0].status(), 404);
  EXPECT_EQ(j[1].method(), "GET");
  EXPECT_EQ(j[1].path(), std::string("/nope") + kListPath);
  EXPECT_EQ(j[1].status(), 404);
  EXPECT_FALSE(contains(sb.journal_json(), "sandbox-secret"));
}

TEST(Sandbox, UnknownEndpointUnderAVendorIs404) {
  Sandbox sb;
  RawReply r = raw_http(sb.port(), "GET", "/99digital/api/online/nothingHere", "");
  EXPECT_EQ(r.status, 404) << r.body;
  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].vendor(), "99digital");
  EXPECT_EQ(j[0].path(), "/api/online/nothingHere");
  EXPECT_EQ(j[0].status(), 404);
}

TEST(Sandbox, JournalRecordsMethodPathQueryHeadersBodyStatus) {
  Sandbox sb;
  ClientPtr c = sb.client({{"validate", "false"}, {"user_agent", "journal-test/1.0"}});
  ASSERT_TRUE(call(c.get(), "list_accounts", "{\"page\":2,\"q\":\"a b&c\"}").ok());
  ASSERT_GT(create_account(c.get(), create_json()), 0);

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 3u) << sb.journal_json();
  const Entry &list = j[1];
  EXPECT_EQ(list.vendor(), "99digital");
  EXPECT_EQ(list.method(), "GET");
  EXPECT_EQ(list.path(), kListPath);  // below the vendor prefix, without the query
  EXPECT_EQ(list.member("query"), "{\"page\":\"2\",\"q\":\"a b&c\"}");
  EXPECT_EQ(list.member("body"), "null");
  EXPECT_EQ(list.status(), 200);
  std::string headers = list.member("headers");
  EXPECT_TRUE(contains(headers, "\"authorization\":\"Bearer ***\"")) << headers;
  EXPECT_TRUE(contains(headers, "\"user-agent\":\"journal-test/1.0\"")) << headers;
  EXPECT_TRUE(contains(headers, "\"accept\":\"application/json\"")) << headers;
  EXPECT_TRUE(contains(headers, "\"host\":\"127.0.0.1:" + std::to_string(sb.port()) + "\"")) << headers;

  const Entry &create = j[2];
  EXPECT_EQ(create.method(), "POST");
  EXPECT_EQ(create.path(), kCreatePath);
  EXPECT_EQ(create.member("query"), "{}");
  EXPECT_TRUE(contains(create.member("headers"), "\"content-type\":\"application/json\"")) << create.text;
  std::string body = create.member("body");
  EXPECT_EQ(body.front(), '{') << body;  // parsed JSON, not text
  EXPECT_TRUE(contains(body, "\"account_name\":\"Acme Inc\"")) << body;
  EXPECT_EQ(create.status(), 200);
}

TEST(Sandbox, DefaultUserAgentNamesTheLibraryVersion) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  auto j = sb.journal();
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j[0].str("user-agent"), std::string("accountkit/") + ak_version());
}

// ---- answers a client never provokes -------------------------------------------------

TEST(SandboxRaw, MissingOrNonBearerAuthorizationIsReason2) {
  Sandbox sb;
  RawReply none = raw_http(sb.port(), "GET", "/99digital/api/online/getAccounts", "");
  EXPECT_EQ(none.status, 200);
  EXPECT_TRUE(contains(none.body, "\"reason\":2")) << none.body;
  EXPECT_TRUE(contains(none.body, "\"status\":\"FAIL\"")) << none.body;
  RawReply basic = raw_http(sb.port(), "GET", "/99digital/api/online/getAccounts", "", {"Authorization: Basic abc"});
  EXPECT_TRUE(contains(basic.body, "\"reason\":2")) << basic.body;
  RawReply unknown = raw_http(sb.port(), "GET", "/99digital/api/online/getAccounts", "", {"Authorization: Bearer nope"});
  EXPECT_TRUE(contains(unknown.body, "\"reason\":3")) << unknown.body;
  // The journal masks whatever credentials arrived.
  std::string all = sb.journal_json();
  EXPECT_TRUE(contains(all, "\"authorization\":\"Basic ***\"")) << all;
  EXPECT_TRUE(contains(all, "\"authorization\":\"Bearer ***\"")) << all;
}

TEST(SandboxRaw, WrongMethodIsReason13) {
  Sandbox sb;
  std::string token = token_for(sb);
  ASSERT_FALSE(token.empty());
  RawReply r = raw_http(sb.port(), "GET", "/99digital/api/online/createAccount", "", {"Authorization: Bearer " + token});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "\"reason\":13")) << r.body;
  RawReply t = raw_http(sb.port(), "GET", "/99digital/api/settings/accessToken", "");
  EXPECT_TRUE(contains(t.body, "\"reason\":13")) << t.body;
}

TEST(SandboxRaw, BodyThatIsNotAJsonObjectIsReason31) {
  Sandbox sb;
  std::string token = token_for(sb);
  ASSERT_FALSE(token.empty());
  for (const char *body : {"not json", "[1,2]"}) {
    RawReply r = raw_http(sb.port(), "POST", "/99digital/api/online/createAccount", body,
                          {"Authorization: Bearer " + token, "Content-Type: application/json"});
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.body, "\"reason\":31")) << body << ": " << r.body;
  }
  // A body that is not JSON is journalled as text; a JSON array as JSON.
  auto j = sb.journal();
  ASSERT_EQ(j.size(), 3u) << sb.journal_json();
  EXPECT_EQ(j[1].member("body"), "\"not json\"");
  EXPECT_TRUE(j[2].contains("\"body\":[1,2]")) << j[2].text;
}

TEST(SandboxRaw, TokenAnswerCarriesExpirationAsAString) {
  Sandbox sb(Knobs{{"token_lifetime_s", "120"}});
  RawReply r = raw_http(sb.port(), "POST", "/99digital/api/settings/accessToken",
                        "{\"client_id\":\"sandbox-client\",\"client_secret\":\"sandbox-secret\"}");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "\"reason\":1")) << r.body;
  EXPECT_TRUE(contains(r.body, "\"token_type\":\"Bearer\"")) << r.body;
  EXPECT_TRUE(contains(r.body, "\"expiration_time\":\"")) << r.body;
  long exp = std::atol(r.body.c_str() + r.body.find("\"expiration_time\":\"") + 19);
  long now = static_cast<long>(time(nullptr));
  EXPECT_GE(exp, now + 110);
  EXPECT_LE(exp, now + 130);
}

TEST(SandboxRaw, MalformedTokenRequestIsReason2AndNotJournalledAsText) {
  Sandbox sb;
  RawReply r = raw_http(sb.port(), "POST", "/99digital/api/settings/accessToken",
                        "client_id=sandbox-client&client_secret=sandbox-secret");
  EXPECT_TRUE(contains(r.body, "\"reason\":2")) << r.body;
  std::string all = sb.journal_json();
  EXPECT_FALSE(contains(all, "sandbox-secret")) << all;
}

// ---- transport behaviour against a server that never answers ----------------------------

TEST(ClientTransport, SilentServerTimesOut) {
  // A listening socket that never accepts: the kernel completes the handshake,
  // the request is sent, and no answer ever comes.
  Socket listener;
  ASSERT_GE(listener.fd(), 0);
  sockaddr_in addr = loopback(0);
  ASSERT_EQ(::bind(listener.fd(), reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener.fd(), reinterpret_cast<sockaddr *>(&addr), &len), 0);
  std::string base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/99digital";

  ClientPtr c = new_client({{"base_url", base}, {"access_token", "tok"}, {"timeout_ms", "300"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_TIMEOUT) << o.describe();
  EXPECT_EQ(o.error.category, "timeout");
  EXPECT_TRUE(o.error.retriable);
  EXPECT_EQ(o.error.http_status, 0);
}

}  // namespace
