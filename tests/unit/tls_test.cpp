// TLS: verification is on by default, a private CA can be trusted with
// ca_file, and turning verification off works but logs a warning. The server
// is cpp-httplib's SSLServer with a certificate made for the test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/client.hpp"
#include "core/redact.hpp"
#include "core/request.hpp"
#include "core/vendors/digital99/digital99.hpp"

namespace {

namespace fs = std::filesystem;

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ak-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    std::string key = (dir_ / "key.pem").string();
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert_ + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed for this test (Debian package openssl)";
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key.c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Get("/api/online/getAccounts", [](const httplib::Request &, httplib::Response &res) {
      res.set_content(R"({"status":"OK","reason":1,"totalOnline":0,"list":[]})", "application/json; charset=utf-8");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::yield();
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }

  std::shared_ptr<ak::Client> client(std::vector<std::pair<std::string, std::string>> options = {}) {
    auto c = std::make_shared<ak::Client>(ak::digital99());
    c->set_option("base_url", "https://127.0.0.1:" + std::to_string(port_));
    c->set_option("access_token", "tls-test-token");
    c->set_option("max_attempts", "1");
    for (const auto &[k, v] : options) c->set_option(k, v);
    return c;
  }

  fs::path dir_;
  std::string cert_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(Tls, AnUntrustedCertificateIsRefusedByDefault) {
  try {
    client()->call("list_accounts", ak::Value::object());
    FAIL() << "a self-signed certificate was accepted";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, ak::Status::Transport);
    EXPECT_NE(e.message.find("certificate"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("tls-test-token"), std::string::npos) << e.message;
  }
}

TEST_F(Tls, APrivateCaIsTrustedWithCaFile) {
  auto r = client({{"ca_file", cert_}})->call("list_accounts", ak::Value::object());
  EXPECT_EQ(r.data.find("totalOnline")->as_int(), 0);
}

TEST_F(Tls, TurningVerificationOffWorksAndWarns) {
  auto c = std::make_shared<ak::Client>(ak::digital99());
  std::vector<std::string> warnings;
  c->set_logger([&](ak::LogLevel level, const std::string &m) {
    if (level == ak::LogLevel::Warning) warnings.push_back(m);
  }, ak::LogLevel::Warning);
  c->set_option("base_url", "https://127.0.0.1:" + std::to_string(port_));
  c->set_option("access_token", "tls-test-token");
  c->set_option("verify_tls", "false");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("TLS verification is turned off"), std::string::npos);
  EXPECT_NO_THROW(c->call("list_accounts", ak::Value::object()));
}

}  // namespace
