#include "core/pager.hpp"

#include "core/api.hpp"
#include "core/client.hpp"

namespace ak {

namespace {

const Operation &list_operation(const Vendor &vendor, std::string_view name) {
  const Operation &op = api::operation(vendor, name);
  if (op.kind != OpKind::List) {
    Error e(Status::UnknownOperation, vendor.name + ": " + op.name + " is not a list operation");
    e.vendor = vendor.name;
    e.operation = op.name;
    throw e;
  }
  return op;
}

}  // namespace

PageWalk::PageWalk(const Operation &op, Value filters) : op_(&op), filters_(std::move(filters)) {
  if (!filters_.is_object()) filters_ = Value::object();
  const Paging &p = op_->paging;
  if (!p.page_param.empty()) {
    // The caller may start at a later page or choose the page size.
    const Value *page = filters_.find(p.page_param);
    page_ = page && page->is_int() ? page->as_int() : p.first_page;
    const Value *size = filters_.find(p.size_param);
    page_size_ = size && size->is_int() ? size->as_int() : p.page_size;
  }
}

Value PageWalk::page_fields() const {
  const Paging &p = op_->paging;
  Value fields = filters_;
  if (!p.page_param.empty()) {
    fields.set(p.page_param, page_);
    fields.set(p.size_param, page_size_);
  }
  return fields;
}

std::vector<Value> PageWalk::take(Value page) {
  const Paging &p = op_->paging;
  std::vector<Value> items;
  if (Value *list = const_cast<Value *>(get_path(page, op_->list_key)); list && list->is_array())
    items = std::move(list->as_array());
  seen_ += static_cast<std::int64_t>(items.size());
  if (p.page_param.empty() || items.empty()) {
    done_ = true;
  } else if (const Value *total = p.total_path.empty() ? nullptr : get_path(page, p.total_path);
             total && total->is_int()) {
    done_ = seen_ >= total->as_int();
  } else {
    done_ = static_cast<std::int64_t>(items.size()) < page_size_;
  }
  ++page_;
  return items;
}

Pager::Pager(std::shared_ptr<Client> client, std::string_view op, Value filters, std::shared_ptr<CancelToken> cancel,
             std::chrono::steady_clock::time_point deadline)
    : client_(std::move(client)),
      walk_(list_operation(client_->vendor(), op), std::move(filters)),
      cancel_(std::move(cancel)),
      deadline_(deadline) {}

std::optional<Result> Pager::next() {
  while (pos_ >= items_.size()) {
    if (walk_.done()) return std::nullopt;
    Result page = client_->call(walk_.operation().name, walk_.page_fields(), deadline_, cancel_);
    items_ = walk_.take(std::move(page.data));
    pos_ = 0;
  }
  return client_->item_result(walk_.operation(), std::move(items_[pos_++]));
}

}  // namespace ak
