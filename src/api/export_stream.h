// Search results in an export format (returnFormat on events/restSearch and attributes/restSearch, and
// `bulwark export --format F`), produced a batch at a time so that memory stays bounded by one batch whatever
// the size of the result (10 million attributes stream in constant memory).
//
// Formats: every format of src/export (csv, text, hashes, suricata, snort, zeek, rpz) and stix2 (a STIX 2.1
// bundle through src/stix/mapping). "json" is not handled here: the routes render MISP JSON themselves.
// - Detection formats (export/export.h DefaultFilters) default to to_ids attributes of published events, as
//   MISP does, and leave expired indicators out (excludeExpired, docs/lifecycle.md), when the request does not
//   say otherwise.
// - Event scope (events/restSearch): the attributes of each matching event, events in id order and, within an
//   event, attributes by uuid (MISP's CSV order); stix2 gives each whole event.
// - Attribute scope (attributes/restSearch): the matching attributes in id order; stix2 groups consecutive
//   attributes of one event into a partial event.
// - stix2 with AttachmentContent::kInclude carries attachment and malware-sample data as artifact SCOs, read
//   through Hub::AttachmentData for the attributes the search returned (docs/stix-mapping.md).
// Errors: kInvalid (field returnFormat) for an unknown format, listing the valid ones; search errors as the
// hub reports them. Thread-safety: one cursor per request, used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "export/export.h"
#include "hub/hub.h"

namespace bulwark::api {

enum class ExportScope { kEvents, kAttributes };
// Whether stix2 output carries the data of attachment and malware-sample attributes as artifact SCOs
// (docs/stix-mapping.md); the other formats have no place for it and ignore it.
enum class AttachmentContent { kOmit, kInclude };

class ExportCursor {
 public:
  // Validates the format and fetches the first batch, so that a bad request fails before any output.
  static Result<std::unique_ptr<ExportCursor>> Open(hub::Hub& hub, const access::Principal& p,
                                                    hub::SearchRequest request, ExportScope scope,
                                                    std::string_view format, const exporter::ExportOptions& options,
                                                    AttachmentContent attachments = AttachmentContent::kOmit);
  virtual ~ExportCursor() = default;

  // Appends the next part of the output to `out`. Returns false once everything (the trailer included) has
  // been appended.
  virtual Result<bool> Next(std::string& out) = 0;
  // The media type of the output (text/csv, text/plain, application/json).
  virtual std::string_view ContentType() const = 0;
};

// True when `format` is one ExportCursor produces (anything but json).
bool IsExportFormat(std::string_view format);

}  // namespace bulwark::api
