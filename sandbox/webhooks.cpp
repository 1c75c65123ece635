#include "sandbox/webhooks.hpp"

#include <curl/curl.h>

namespace ak::sandbox {

namespace {

size_t discard(char *, size_t size, size_t n, void *) { return size * n; }

// One POST; the answer and any failure are ignored, as a vendor that does not
// retry does [ours].
void post(const std::string &url, const std::string &body) {
  CURL *h = curl_easy_init();
  if (!h) return;
  curl_slist *headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
}

}  // namespace

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookSender::send(std::string url, std::string body) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  queue_.emplace_back(std::move(url), std::move(body));
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  cv_.notify_one();
}

void WebhookSender::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto [url, body] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    post(url, body);
    lock.lock();
  }
}

}  // namespace ak::sandbox
