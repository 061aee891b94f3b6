#include "api/export_stream.h"

#include <algorithm>
#include <vector>

#include <boost/json.hpp>

#include "common/uuid.h"
#include "hub/sample_zip.h"
#include "stix/mapping/mapping.h"

namespace bulwark::api {
namespace {

constexpr size_t kAttributeBatch = 5000;  // attributes per fetch (attribute scope)
constexpr size_t kEventBatch = 20;        // whole events per fetch (event scope)

// Applies a detection format's defaults where the request is silent (MISP: to_ids and published events;
// Bulwark: expired indicators stay out of detection, docs/lifecycle.md).
void ApplyDefaults(std::string_view format, hub::SearchRequest& r) {
  exporter::FilterDefaults d = exporter::DefaultFilters(format);
  if (d.to_ids_only && !r.to_ids) r.to_ids = true;
  if (d.published_only && !r.published) r.published = true;
  if (d.to_ids_only && !r.exclude_expired) r.exclude_expired = true;
}

// Fetches the search results a batch at a time, honouring MISP paging (limit + page: one page) and the overall
// limit, and hands them to the subclass as events (event scope) or attribute rows (attribute scope).
class BatchedSearch {
 public:
  BatchedSearch(hub::Hub& hub, access::Principal p, hub::SearchRequest r, ExportScope scope)
      : hub_(hub), p_(std::move(p)), req_(std::move(r)), scope_(scope) {
    misp_page_ = req_.limit > 0 && req_.page > 1;
    if (req_.limit > 0) remaining_ = req_.limit;
  }

  bool exhausted() const { return exhausted_; }

  Status FetchEvents(const std::function<void(model::Event&)>& visit) {
    hub::SearchRequest batch = req_;
    if (!misp_page_) {
      batch.page = 1;
      batch.limit = std::min(remaining_, kEventBatch);
    }
    size_t n = 0;
    BW_RETURN_IF_ERROR(hub_.SearchEvents(p_, batch, [&](model::Event& e) {
      req_.after_id = e.id;
      ++n;
      visit(e);
      return true;
    }));
    Account(n, batch.limit);
    return Ok();
  }

  Status FetchAttributes(const std::function<void(const store::AttributeRow&)>& visit) {
    hub::SearchRequest batch = req_;
    if (!misp_page_) {
      batch.page = 1;
      batch.limit = std::min(remaining_, kAttributeBatch);
    }
    size_t n = 0;
    BW_RETURN_IF_ERROR(hub_.SearchAttributes(p_, batch, [&](const store::AttributeRow& row) {
      req_.after_id = row.attribute.id;
      ++n;
      visit(row);
      return true;
    }));
    Account(n, batch.limit);
    return Ok();
  }

  ExportScope scope() const { return scope_; }

 private:
  void Account(size_t n, size_t asked) {
    if (remaining_ != SIZE_MAX) remaining_ -= std::min(n, remaining_);
    if (misp_page_ || n < asked || remaining_ == 0) exhausted_ = true;
  }

  hub::Hub& hub_;
  access::Principal p_;
  hub::SearchRequest req_;
  ExportScope scope_;
  bool misp_page_ = false;
  bool exhausted_ = false;
  size_t remaining_ = SIZE_MAX;
};

// Every attribute of an event as export rows, attributes outside objects and inside, ordered by uuid.
void EventRows(const model::Event& e, exporter::Writer& w, exporter::Sink& sink) {
  struct Item {
    const model::Attribute* a;
    const model::Object* o;
  };
  std::vector<Item> items;
  items.reserve(e.attributes.size());
  for (const auto& a : e.attributes) items.push_back({&a, nullptr});
  for (const auto& o : e.objects) {
    for (const auto& a : o.attributes) items.push_back({&a, &o});
  }
  std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) { return x.a->uuid < y.a->uuid; });
  for (const Item& it : items) w.Row(exporter::ExportRow(*it.a, e, it.o), sink);
}

// The export formats of src/export.
class WriterCursor final : public ExportCursor {
 public:
  WriterCursor(BatchedSearch search, std::unique_ptr<exporter::Writer> writer, std::string content_type)
      : search_(std::move(search)), writer_(std::move(writer)), content_type_(std::move(content_type)),
        sink_([this](std::string_view bytes) -> Status {
          out_->append(bytes);
          return Ok();
        }) {}

  Status Prime() {
    out_ = &pending_;
    writer_->Begin(sink_);
    return Fetch();
  }

  Result<bool> Next(std::string& out) override {
    out_ = &out;
    out.append(pending_);
    pending_.clear();
    if (done_) return false;
    if (search_.exhausted()) {
      writer_->End(sink_);
      BW_RETURN_IF_ERROR(sink_.Finish());
      done_ = true;
      return false;
    }
    BW_RETURN_IF_ERROR(Fetch());
    BW_RETURN_IF_ERROR(sink_.Finish());
    return true;
  }

  std::string_view ContentType() const override { return content_type_; }

 private:
  Status Fetch() {
    if (search_.scope() == ExportScope::kEvents) {
      return search_.FetchEvents([&](model::Event& e) { EventRows(e, *writer_, sink_); });
    }
    return search_.FetchAttributes([&](const store::AttributeRow& row) {
      writer_->Row(exporter::ExportRow(row.attribute, row.event, row.object), sink_);
    });
  }

  BatchedSearch search_;
  std::unique_ptr<exporter::Writer> writer_;
  std::string content_type_;
  std::string pending_;
  std::string* out_ = &pending_;
  exporter::Sink sink_;
  bool done_ = false;
};

// A STIX 2.1 bundle: {"type":"bundle","id":...,"objects":[...]} streamed event by event.
class StixCursor final : public ExportCursor {
 public:
  // `attachments_from`: where attachment and sample data is read, or nullptr to leave it out. The search has
  // already decided what the principal may see; the data read adds no access decision of its own.
  StixCursor(BatchedSearch search, hub::Hub* attachments_from)
      : search_(std::move(search)), attachments_from_(attachments_from) {}

  Status Prime() {
    pending_ = "{\"type\":\"bundle\",\"id\":\"bundle--" + NewUuidV4() + "\",\"objects\":[";
    return Fetch(pending_);
  }

  Result<bool> Next(std::string& out) override {
    out.append(pending_);
    pending_.clear();
    if (done_) return false;
    if (search_.exhausted()) {
      if (current_.id != 0) BW_RETURN_IF_ERROR(EmitEvent(current_, out));
      out += "]}";
      done_ = true;
      return false;
    }
    BW_RETURN_IF_ERROR(Fetch(out));
    return true;
  }

  std::string_view ContentType() const override { return "application/json"; }

 private:
  Status EmitEvent(const model::Event& e, std::string& out) {
    stix::mapping::MappingOptions options;
    if (attachments_from_ != nullptr) {
      hub::Hub* hub = attachments_from_;
      options.attribute_data =
          [hub](const model::Attribute& a) -> Result<std::optional<stix::mapping::AttributePayload>> {
        BW_ASSIGN_OR_RETURN(std::optional<std::string> stored, hub->AttachmentData(a));
        if (!stored) return std::optional<stix::mapping::AttributePayload>();
        stix::mapping::AttributePayload payload;
        payload.bytes = hub::MispAttributeData(a, std::move(*stored));
        return std::optional<stix::mapping::AttributePayload>(std::move(payload));
      };
    }
    return stix::mapping::StreamEventToStix(e, options, [&](boost::json::object&& o) -> Status {
      if (!first_) out += ',';
      first_ = false;
      out += boost::json::serialize(o);
      return Ok();
    });
  }

  Status Fetch(std::string& out) {
    if (search_.scope() == ExportScope::kEvents) {
      Status st = Ok();
      BW_RETURN_IF_ERROR(search_.FetchEvents([&](model::Event& e) {
        if (st.ok()) st = EmitEvent(e, out);
      }));
      return st;
    }
    // Attribute scope: consecutive rows of one event form a partial event, emitted when the event changes.
    Status st = Ok();
    BW_RETURN_IF_ERROR(search_.FetchAttributes([&](const store::AttributeRow& row) {
      if (!st.ok()) return;
      if (row.event.id != current_.id) {
        if (current_.id != 0) st = EmitEvent(current_, out);
        current_ = row.event;
        current_.attributes.clear();
        current_.objects.clear();
      }
      if (row.object == nullptr) {
        current_.attributes.push_back(row.attribute);
        return;
      }
      auto it = std::find_if(current_.objects.begin(), current_.objects.end(),
                             [&](const model::Object& o) { return o.id == row.object->id; });
      if (it == current_.objects.end()) {
        model::Object o = *row.object;
        o.attributes.clear();
        current_.objects.push_back(std::move(o));
        it = current_.objects.end() - 1;
      }
      it->attributes.push_back(row.attribute);
    }));
    return st;
  }

  BatchedSearch search_;
  hub::Hub* attachments_from_;
  model::Event current_;
  std::string pending_;
  bool first_ = true;
  bool done_ = false;
};

std::string ContentTypeFor(std::string_view format) {
  if (format == "csv") return "text/csv; charset=utf-8";
  return "text/plain; charset=utf-8";
}

}  // namespace

bool IsExportFormat(std::string_view format) {
  if (format == "stix2") return true;
  const auto formats = exporter::Formats();
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

Result<std::unique_ptr<ExportCursor>> ExportCursor::Open(hub::Hub& hub, const access::Principal& p,
                                                         hub::SearchRequest request, ExportScope scope,
                                                         std::string_view format,
                                                         const exporter::ExportOptions& options,
                                                         AttachmentContent attachments) {
  if (format == "stix2") {
    auto cursor = std::make_unique<StixCursor>(BatchedSearch(hub, p, std::move(request), scope),
                                               attachments == AttachmentContent::kInclude ? &hub : nullptr);
    BW_RETURN_IF_ERROR(cursor->Prime());
    return std::unique_ptr<ExportCursor>(std::move(cursor));
  }
  exporter::ExportOptions opts = options;
  opts.csv.scope = scope == ExportScope::kEvents ? exporter::CsvScope::kEvent : exporter::CsvScope::kAttribute;
  auto writer = exporter::MakeWriter(format, opts);
  if (!writer.ok()) {
    Error e = writer.error();
    e.message += ", json or stix2";
    return e;
  }
  ApplyDefaults(format, request);
  auto cursor = std::make_unique<WriterCursor>(BatchedSearch(hub, p, std::move(request), scope),
                                               std::move(writer).value(), ContentTypeFor(format));
  BW_RETURN_IF_ERROR(cursor->Prime());
  return std::unique_ptr<ExportCursor>(std::move(cursor));
}

}  // namespace bulwark::api
