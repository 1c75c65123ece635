#include "core/retry.hpp"

namespace ak {

std::chrono::milliseconds backoff(std::chrono::milliseconds base, std::chrono::milliseconds max, int attempt,
                                  Jitter &jitter) {
  long ceiling = base.count();
  for (int i = 1; i < attempt && ceiling < max.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<long>(max.count()));
  return std::chrono::milliseconds(ceiling > 0 ? static_cast<long>(jitter.next() % (ceiling + 1)) : 0);
}

bool ambiguous(const Error &e) {
  return e.maybe_applied || e.status == Status::Timeout || e.status == Status::Decode ||
         (e.status == Status::Vendor && e.http_status >= 500);
}

bool ended_at_vendor(const Error &e) { return e.http_status != 0 && e.http_status != 502 && e.http_status != 504; }

}  // namespace ak
