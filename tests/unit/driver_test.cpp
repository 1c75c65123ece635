// The engine's driver over real HTTP (the sandbox on loopback): deadlines drop
// transfers in flight, cancel() from another thread ends an operation at once,
// and a create that may have been sent never ends as a plain failure.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/api.hpp"
#include "core/client.hpp"
#include "core/engine/driver.hpp"
#include "core/engine/machine.hpp"
#include "sandbox/sandbox.hpp"

namespace {

using ak::Status;
using ak::engine::Clock;
using ak::engine::Driver;
using ak::engine::Machine;
using namespace std::chrono_literals;

struct Sandboxed {
  ak::sandbox::Server server;
  std::shared_ptr<ak::Client> client;

  Sandboxed() {
    server.start(0);
    client = std::make_shared<ak::Client>(ak::api::vendor("99digital"));
    client->set_option("base_url", server.vendor_url("99digital"));
    const ak::Value creds = server.credentials("99digital");
    for (const auto &[k, v] : creds.as_object()) client->set_option(k, v.as_string());
  }
  void slow(const char *path, int ms) {
    server.faults().add(ak::parse_json(std::string(R"({"vendor":"99digital","kind":"delay","path":")") + path +
                                       R"(","delay_ms":)" + std::to_string(ms) + "}"));
  }
  std::unique_ptr<Machine> machine(const char *op, const char *fields, Clock::time_point deadline) {
    const ak::Operation &o = ak::api::operation(client->vendor(), op);
    return std::make_unique<Machine>(*client, client->state_for(o), o, ak::parse_json(fields), deadline);
  }
};

const char *kCreate =
    R"({"account_name":"Acme","agents":5,"inboxes":2,"admin_email":"ada@acme.example","admin_name":"Ada",)"
    R"("admin_displayName":"Ada","admin_password":"S3cret!pw","reference":"acme1"})";

TEST(Driver, ADeadlineDropsATransferInFlight) {
  Sandboxed sb;
  sb.client->call("list_accounts", ak::Value::object());  // the token first: only the list is slow
  sb.slow("/api/online/getAccounts", 1500);
  Driver d;
  auto started = Clock::now();
  d.add(sb.machine("list_accounts", "{}", started + 300ms), 1);
  auto done = d.next(std::chrono::milliseconds(-1));
  ASSERT_TRUE(done);
  EXPECT_LT(Clock::now() - started, 1000ms) << "the deadline did not cut the transfer";
  ASSERT_TRUE(done->machine->error());
  EXPECT_EQ(done->machine->error()->status, Status::Timeout);
}

TEST(Driver, ACreateStoppedByItsDeadlineInFlightIsOutcomeUnknown) {
  Sandboxed sb;
  sb.client->call("list_accounts", ak::Value::object());
  sb.slow("/api/online/createAccount", 1500);
  Driver d;
  d.add(sb.machine("create_account", kCreate, Clock::now() + 300ms), 1);
  auto done = d.next(std::chrono::milliseconds(-1));
  ASSERT_TRUE(done && done->machine->error());
  EXPECT_EQ(done->machine->error()->status, Status::OutcomeUnknown) << done->machine->error()->message;
}

TEST(Driver, CancelFromAnotherThreadEndsTheOperationAtOnce) {
  Sandboxed sb;
  sb.client->call("list_accounts", ak::Value::object());
  sb.slow("/api/online/getAccounts", 1500);
  Driver d;
  d.add(sb.machine("list_accounts", "{}", Machine::kNoDeadline), 7);
  d.add(sb.machine("list_accounts", "{}", Machine::kNoDeadline), 8);
  auto started = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    d.cancel(7);
  });
  auto done = d.next(std::chrono::milliseconds(-1));
  canceller.join();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->tag, 7u) << "only the cancelled one ends";
  EXPECT_LT(Clock::now() - started, 1000ms);
  ASSERT_TRUE(done->machine->error());
  EXPECT_EQ(done->machine->error()->status, Status::Cancelled);
  EXPECT_EQ(d.active(), 1u);
}

TEST(Driver, OneDriverRunsManyMachinesAtOnce) {
  Sandboxed sb;
  sb.client->call("list_accounts", ak::Value::object());
  sb.slow("/api/online/getAccounts", 300);
  Driver d;
  for (int i = 0; i < 10; ++i) d.add(sb.machine("list_accounts", "{}", Machine::kNoDeadline), i);
  auto started = Clock::now();
  for (int i = 0; i < 10; ++i) {
    auto done = d.next(std::chrono::milliseconds(-1));
    ASSERT_TRUE(done && done->machine->result());
  }
  EXPECT_LT(Clock::now() - started, 2000ms) << "ten 300 ms answers ran one after another";
  EXPECT_FALSE(d.next(std::chrono::milliseconds(-1))) << "nothing left";
}

}  // namespace
