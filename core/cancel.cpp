#include "core/cancel.hpp"

namespace ak {

void CancelToken::trigger() {
  std::lock_guard lock(mu_);
  if (triggered_) return;
  triggered_ = true;
  for (auto &[id, fn] : callbacks_) fn();
  cv_.notify_all();
}

bool CancelToken::triggered() const {
  std::lock_guard lock(mu_);
  return triggered_;
}

std::shared_ptr<void> CancelToken::on_trigger(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (triggered_) {
    fn();
    return nullptr;
  }
  std::uint64_t id = next_++;
  callbacks_.emplace(id, std::move(fn));
  // The registration's end removes the callback under the lock, so once it is
  // gone the callback is neither running nor ever called again.
  return std::shared_ptr<void>(nullptr, [this, id](void *) {
    std::lock_guard relock(mu_);
    callbacks_.erase(id);
  });
}

bool CancelToken::sleep_until(std::chrono::steady_clock::time_point t) const {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, t, [this] { return triggered_; });
}

}  // namespace ak
