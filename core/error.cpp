#include "core/error.hpp"

namespace ak {

static_assert(static_cast<int>(Status::Cancelled) + 1 == kStatusCount, "kStatusCount counts every status");

const char *status_name(int code) {
  if (code < 0 || code >= kStatusCount) return nullptr;
  switch (static_cast<Status>(code)) {
    case Status::Ok: return "ok";
    case Status::InvalidArgument: return "invalid_argument";
    case Status::Validation: return "validation";
    case Status::Auth: return "auth";
    case Status::NotFound: return "not_found";
    case Status::RateLimited: return "rate_limited";
    case Status::Vendor: return "vendor";
    case Status::Transport: return "transport";
    case Status::Timeout: return "timeout";
    case Status::Decode: return "decode";
    case Status::UnknownOperation: return "unknown_operation";
    case Status::OutcomeUnknown: return "outcome_unknown";
    case Status::NoMemory: return "no_memory";
    case Status::Internal: return "internal";
    case Status::OperationFailed: return "operation_failed";
    case Status::Cancelled: return "cancelled";
  }
  return nullptr;
}

Status status_parent(Status s) {
  switch (s) {
    case Status::Timeout: return Status::Transport;
    case Status::Decode: return Status::Vendor;
    case Status::UnknownOperation: return Status::InvalidArgument;
    default: return Status::Ok;
  }
}

const char *status_message(Status s) {
  switch (s) {
    case Status::Ok: return "success";
    case Status::InvalidArgument: return "invalid argument";
    case Status::Validation: return "one or more fields are invalid";
    case Status::Auth: return "authentication failed";
    case Status::NotFound: return "not found";
    case Status::RateLimited: return "rate limited by the vendor";
    case Status::Vendor: return "the vendor reported an error";
    case Status::Transport: return "transport error";
    case Status::Timeout: return "timed out";
    case Status::Decode: return "the vendor's response could not be decoded";
    case Status::UnknownOperation: return "unknown operation for this vendor";
    case Status::OutcomeUnknown: return "the outcome of the operation is unknown";
    case Status::NoMemory: return "out of memory";
    case Status::Internal: return "internal error";
    case Status::OperationFailed: return "the operation failed on the vendor's side";
    case Status::Cancelled: return "the operation was cancelled";
  }
  return "unknown status";
}

}  // namespace ak
