// Walking every item of a list operation. PageWalk is the walk itself, with no
// I/O: which fields the next page is asked with, and what a page's answer
// means (its items; whether it was the last). Pager runs a walk with blocking
// calls; the operation state machine runs one as steps (a lost create's lookup).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/cancel.hpp"
#include "core/vendor.hpp"

namespace ak {

class Client;
struct Result;

class PageWalk {
 public:
  // op must be a list operation; filters may choose the first page and the
  // page size by the vendor's own paging fields.
  PageWalk(const Operation &op, Value filters);
  // The fields of the next page's request.
  Value page_fields() const;
  // Takes one page's answer (the decoded result tree): returns its items and
  // moves on; done() says whether that page was the last.
  std::vector<Value> take(Value page);
  bool done() const { return done_; }
  const Operation &operation() const { return *op_; }

 private:
  const Operation *op_;
  Value filters_;
  std::int64_t page_ = 0;
  std::int64_t page_size_ = 0;
  std::int64_t seen_ = 0;
  bool done_ = false;
};

// Walks every page of a list operation lazily, one item at a time.
class Pager {
 public:
  // Throws Error(UnknownOperation) if op is not a list operation. cancel,
  // when triggered, stops the page request in flight and every later one.
  // deadline bounds the whole walk (every page request ends by then).
  Pager(std::shared_ptr<Client> client, std::string_view op, Value filters,
        std::shared_ptr<CancelToken> cancel = nullptr,
        std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());
  // The next item, or nullopt after the last one. Throws Error; after an error
  // the same page is fetched again on the next call.
  std::optional<Result> next();

 private:
  std::shared_ptr<Client> client_;
  PageWalk walk_;
  std::vector<Value> items_;
  size_t pos_ = 0;
  std::shared_ptr<CancelToken> cancel_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace ak
