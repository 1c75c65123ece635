// Webhook calls the sandbox makes, as a vendor does, to the URL a partner
// set: POSTed with libcurl from a thread of their own, so neither the
// vendor call that caused an event nor the server's state lock ever waits on
// the partner's server. One attempt each, 5 seconds at most [ours].
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace ak::sandbox {

class WebhookSender {
 public:
  WebhookSender() = default;
  // Stops the thread: an event not yet sent is dropped; one being sent
  // finishes first (at most the 5 s timeout).
  ~WebhookSender();
  WebhookSender(const WebhookSender &) = delete;
  WebhookSender &operator=(const WebhookSender &) = delete;

  // Queues body (JSON) for url and returns at once. Thread-safe.
  void send(std::string url, std::string body);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, std::string>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // started by the first send
};

}  // namespace ak::sandbox
