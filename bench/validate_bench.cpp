// Validation throughput of the C++ core: ak::api::validate on prebuilt
// ak::Value records (no network), one thread.
//   validate_bench SECONDS POOL
// Cycles over POOL distinct valid 99digital create_account records for
// SECONDS and prints one JSON line: calls, seconds, rate, failures.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/api.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/vendor.hpp"

namespace {

// The same scheme as bench/records.h and bench/records.py.
ak::Value record(long i) {
  ak::Value v = ak::Value::object();
  v.set("account_name", "Bench Account " + std::to_string(i));
  v.set("agents", static_cast<std::int64_t>(1 + i % 9999));
  v.set("inboxes", static_cast<std::int64_t>(1 + i % 999));
  v.set("admin_email", "admin" + std::to_string(i) + "@bench.example");
  v.set("admin_name", "Admin User " + std::to_string(i));
  v.set("admin_displayName", "Admin " + std::to_string(i));
  v.set("admin_password", "Bench!Pass" + std::to_string(i));
  v.set("reference", "bench" + std::to_string(i));
  return v;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SECONDS POOL\n", argv[0]);
    return 2;
  }
  double seconds = std::atof(argv[1]);
  long pool = std::atol(argv[2]);
  if (!(seconds > 0) || pool <= 0) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }
  const ak::Vendor *vendor = ak::find_vendor("99digital");
  if (!vendor) {
    std::fprintf(stderr, "no 99digital vendor\n");
    return 1;
  }
  std::vector<ak::Value> records;
  records.reserve(static_cast<size_t>(pool));
  for (long i = 0; i < pool; ++i) records.push_back(record(i));

  // Sanity: an invalid record must throw, or the loop below measures nothing.
  ak::Value bad = record(0);
  bad.set("admin_password", "weak");
  try {
    ak::api::validate(*vendor, ak::api::operation(*vendor, "create_account"), bad);
    std::fprintf(stderr, "ak::api::validate accepted an invalid record\n");
    return 1;
  } catch (const ak::Error &) {
  }

  using clock = std::chrono::steady_clock;
  long calls = 0, failures = 0;
  auto start = clock::now();
  auto deadline = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  auto end = start;
  while (end < deadline) {
    for (int k = 0; k < 1024; ++k) {
      try {
        ak::api::validate(*vendor, ak::api::operation(*vendor, "create_account"), records[static_cast<size_t>(calls % pool)]);
      } catch (const ak::Error &e) {
        if (failures++ == 0) std::fprintf(stderr, "ak::api::validate failed: %s\n", e.message.c_str());
      }
      ++calls;
    }
    end = clock::now();
  }
  double took = std::chrono::duration<double>(end - start).count();
  std::printf("{\"calls\": %ld, \"seconds\": %.6f, \"rate\": %.1f, \"failures\": %ld}\n", calls, took,
              static_cast<double>(calls) / took, failures);
  return failures ? 1 : 0;
}
