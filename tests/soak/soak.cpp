// Soak: thousands of 99digital creates from several threads on one client,
// through a sandbox that injects ~20% mixed faults on creates (server errors,
// resets, drops after commit, garbled and truncated answers, reason 31 after
// the account was made, answers slower than the client's timeout) and a few
// on the lookups; one record in 25 reuses the previous record's reference
// (references are labels, not unique ids). Afterwards no record's account may
// exist twice, every success must exist exactly once and be the record's own
// account, and every failure must be a clear error.
//
// Usage: ak_soak [RECORDS] [THREADS] [batch]   (defaults: 3000 records, 8
// threads; CTest runs AK_SOAK_RECORDS, 10000 unless configured otherwise).
// With "batch", one ak_batch on the main thread keeps THREADS creates in flight.
#include <accountkit/accountkit.h>
#include <accountkit/sandbox.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

const char *kFaults = R"([
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"status","status":503,"probability":0.05,"seed":11},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"reset","probability":0.04,"seed":12},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"drop_after_commit","probability":0.05,"seed":13},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"malformed","probability":0.03,"seed":14},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"truncated","probability":0.03,"seed":15},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"answer_after_commit","body":{"status":"FAIL","reason":31},"probability":0.01,"seed":17},
  {"vendor":"99digital","path":"/api/online/createAccount","kind":"delay","delay_ms":2500,"probability":0.003,"seed":18},
  {"vendor":"99digital","path":"/api/online/getAccounts","kind":"status","status":502,"probability":0.03,"seed":16}
])";

// Record i's reference: one in 25 repeats the previous record's.
std::string reference_of(int i) { return "soak" + std::to_string(i % 25 == 24 ? i - 1 : i); }

int fail(const char *what, ak_error *err) {
  std::fprintf(stderr, "soak: %s: %s\n", what, err ? ak_error_message(err) : "?");
  ak_error_free(err);
  return 2;
}

std::string fields_for(int i) {
  return "{\"account_name\":\"Soak " + std::to_string(i) +
         "\",\"agents\":5,\"inboxes\":2,\"admin_email\":\"soak" + std::to_string(i) +
         "@example.com\",\"admin_name\":\"Soak\",\"admin_displayName\":\"Soak\",\"admin_password\":\"Str0ng!pass\","
         "\"reference\":\"" + reference_of(i) + "\"}";
}

// How often each text occurs in the journal (e.g. "\"fault\":\"reset\"").
size_t occurrences(const std::string &hay, const std::string &needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  const int records = argc > 1 ? std::atoi(argv[1]) : 3000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 8;
  const bool batched = argc > 3 && std::string(argv[3]) == "batch";
  ak_sandbox *sb = nullptr;
  ak_client *c = nullptr;
  ak_error *err = nullptr;
  if (ak_sandbox_new(&sb, &err) || ak_sandbox_start(sb, 0, &err)) return fail("sandbox", err);
  if (ak_client_new(&c, "99digital", &err) || ak_sandbox_configure_client(sb, c, &err)) return fail("client", err);
  for (auto [name, value] : {std::pair{"retry_base_ms", "1"}, {"retry_max_ms", "20"}, {"max_attempts", "4"},
                             {"retry_quota", "1000000"}, {"timeout_ms", "1500"}, {"lookup_settle_ms", "1500"}})
    if (ak_client_set_option(c, name, value, &err)) return fail(name, err);
  if (ak_sandbox_add_faults(sb, kFaults, &err)) return fail("faults", err);

  auto started = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  std::mutex mu;
  // Record -> "ok" or error category, and the account id a success returned.
  std::map<int, std::string> outcome;
  std::map<int, std::string> returned;
  auto record = [&](int i, ak_status s, ak_result *r, ak_error *e) {
    outcome[i] = s == AK_OK ? "ok" : ak_error_category(e);
    if (r) returned[i] = ak_result_id(r);
  };
  std::vector<std::thread> pool;
  if (batched) {
    ak_batch *b = nullptr;
    if (ak_batch_new(&b, c, static_cast<size_t>(threads), &err)) return fail("batch", err);
    for (int i = 0; i < records; ++i) {
      std::string json = fields_for(i);
      ak_fields *f = nullptr;
      ak_fields_from_json(&f, json.data(), json.size(), nullptr);
      if (ak_batch_submit(b, "create_account", f, static_cast<uint64_t>(i), &err)) return fail("submit", err);
      ak_fields_free(f);
    }
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *e = nullptr;
    while (ak_batch_next(&tag, &r, &e, b, 60'000, &err) == AK_OK && (r || e)) {
      record(static_cast<int>(tag), r ? AK_OK : ak_error_code(e), r, e);
      ak_result_free(r);
      ak_error_free(e);
    }
    ak_batch_free(b);
    if (err) return fail("next", err);
  }
  for (int t = 0; t < (batched ? 0 : threads); ++t)
    pool.emplace_back([&] {
      for (int i; (i = next++) < records;) {
        std::string json = fields_for(i);
        ak_fields *f = nullptr;
        ak_result *r = nullptr;
        ak_error *e = nullptr;
        ak_fields_from_json(&f, json.data(), json.size(), nullptr);
        ak_status s = ak_call(&r, c, "create_account", f, &e);
        std::lock_guard lock(mu);
        record(i, s, r, e);
        ak_result_free(r);
        ak_error_free(e);
        ak_fields_free(f);
      }
    });
  for (auto &t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  char *journal = nullptr;
  ak_sandbox_journal_json(&journal, sb, nullptr);
  std::string log = journal ? journal : "";
  ak_string_free(journal);
  ak_sandbox_clear_faults(sb);

  // Slow answers may still be landing: let them, then see what the vendor holds,
  // per record (account names are unique, references are not).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::map<std::string, std::vector<std::string>> held;  // account name -> ids
  ak_pager *pager = nullptr;
  if (ak_list(&pager, c, "list_accounts", nullptr, &err)) return fail("list", err);
  for (ak_result *item; ak_pager_next(&item, pager, &err) == AK_OK && item; ak_result_free(item)) {
    const char *name = nullptr;
    if (ak_result_get_string(&name, item, "account_name", nullptr) == AK_OK) held[name].push_back(ak_result_id(item));
  }
  ak_pager_free(pager);

  size_t accounts = 0;
  for (const auto &[name, ids] : held) accounts += ids.size();
  std::map<std::string, int> by_outcome;
  int duplicates = 0, lost_successes = 0, unclear = 0, wrong = 0;
  for (const auto &[i, result] : outcome) {
    ++by_outcome[result];
    const std::vector<std::string> &ids = held["Soak " + std::to_string(i)];
    if (ids.size() > 1) ++duplicates;
    if (result == "ok" && ids.size() != 1) ++lost_successes;
    // A success returns the record's own account, never another with its reference.
    if (result == "ok" && ids.size() == 1 && returned[i] != ids.front()) ++wrong;
    // A failure must say what happened: either it certainly did not land, or it is "outcome_unknown".
    if (result != "ok" && result != "outcome_unknown" && !ids.empty()) ++unclear;
  }

  std::printf("soak: %d creates on %d %s in %.1f s (%.0f/s)\n", records, threads,
              batched ? "in flight in one batch" : "threads", seconds, records / seconds);
  std::printf("soak: faults fired:");
  for (const char *kind : {"status", "reset", "drop_after_commit", "malformed", "truncated", "answer_after_commit", "delay"})
    std::printf(" %s=%zu", kind, occurrences(log, std::string("\"fault\":\"") + kind + "\""));
  std::printf("; lookups by reference=%zu\n", occurrences(log, "\"path\":\"/api/online/getAccounts\""));
  std::printf("soak: outcomes:");
  for (const auto &[name, n] : by_outcome) std::printf(" %s=%d", name.c_str(), n);
  std::printf("\nsoak: accounts held=%zu duplicates=%d lost successes=%d wrong accounts returned=%d "
              "failures that landed unannounced=%d\n",
              accounts, duplicates, lost_successes, wrong, unclear);
  bool ok = duplicates == 0 && lost_successes == 0 && wrong == 0 && unclear == 0 && by_outcome["ok"] > records / 2 &&
            static_cast<int>(outcome.size()) == records;
  std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
  ak_client_free(c);
  ak_sandbox_free(sb);
  return ok ? 0 : 1;
}
