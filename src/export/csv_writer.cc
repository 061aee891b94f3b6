// MISP's CSV export (CsvExport.php semantics; see export.h).
#include <string>
#include <vector>

#include "export/escape.h"
#include "export/writers.h"

namespace bulwark::exporter::internal {
namespace {

enum class Column : uint8_t {
  kUnknown,
  kUuid,
  kEventId,
  kId,
  kObjectId,
  kCategory,
  kType,
  kValue,
  kValue1,
  kValue2,
  kComment,
  kToIds,
  kTimestamp,
  kDistribution,
  kSharingGroupId,
  kDeleted,
  kDisableCorrelation,
  kObjectRelation,
  kAttributeTag,
  kObjectUuid,
  kObjectName,
  kObjectMetaCategory,
  kEventInfo,
  kEventMemberOrg,
  kEventSourceOrg,
  kEventDistribution,
  kEventThreatLevelId,
  kEventAnalysis,
  kEventDate,
  kEventTag,
  kEventTimestamp,
};

struct ColumnName {
  std::string_view name;
  Column column;
};

constexpr ColumnName kColumns[] = {
    {"uuid", Column::kUuid},
    {"event_id", Column::kEventId},
    {"id", Column::kId},
    {"object_id", Column::kObjectId},
    {"category", Column::kCategory},
    {"type", Column::kType},
    {"value", Column::kValue},
    {"value1", Column::kValue1},
    {"value2", Column::kValue2},
    {"comment", Column::kComment},
    {"to_ids", Column::kToIds},
    {"timestamp", Column::kTimestamp},
    {"distribution", Column::kDistribution},
    {"sharing_group_id", Column::kSharingGroupId},
    {"deleted", Column::kDeleted},
    {"disable_correlation", Column::kDisableCorrelation},
    {"object_relation", Column::kObjectRelation},
    {"attribute_tag", Column::kAttributeTag},
    {"object_uuid", Column::kObjectUuid},
    {"object_name", Column::kObjectName},
    {"object_meta-category", Column::kObjectMetaCategory},
    {"event_info", Column::kEventInfo},
    {"event_member_org", Column::kEventMemberOrg},
    {"event_source_org", Column::kEventSourceOrg},
    {"event_distribution", Column::kEventDistribution},
    {"event_threat_level_id", Column::kEventThreatLevelId},
    {"event_analysis", Column::kEventAnalysis},
    {"event_date", Column::kEventDate},
    {"event_tag", Column::kEventTag},
    {"event_timestamp", Column::kEventTimestamp},
};

constexpr std::string_view kDefaultFields[] = {
    "uuid",   "event_id",  "category",        "type",         "value", "comment",
    "to_ids", "timestamp", "object_relation", "attribute_tag"};
constexpr std::string_view kDefaultObjectFields[] = {"object_uuid", "object_name", "object_meta-category"};
constexpr std::string_view kContextFields[] = {
    "event_info",     "event_member_org", "event_source_org", "event_distribution", "event_threat_level_id",
    "event_analysis", "event_date",       "event_tag",        "event_timestamp"};

Column Lookup(std::string_view name) {
  for (const auto& c : kColumns) {
    if (c.name == name) return c.column;
  }
  return Column::kUnknown;
}

std::string_view ThreatLevelName(model::ThreatLevel level) {
  switch (level) {
    case model::ThreatLevel::kHigh:
      return "High";
    case model::ThreatLevel::kMedium:
      return "Medium";
    case model::ThreatLevel::kLow:
      return "Low";
    case model::ThreatLevel::kUndefined:
      return "Undefined";
  }
  return "Undefined";
}

void AppendBool(Sink& sink, bool b) { sink.Append(b ? '1' : '0'); }

// Tag names joined by ',' as one field (MISP implodes them, then escapes the result).
void AppendTags(Sink& sink, std::span<const model::AppliedTag> tags) {
  if (tags.empty()) {
    sink.Append("\"\"");
    return;
  }
  if (tags.size() == 1) {
    AppendCsvField(sink, tags[0].tag.name);
    return;
  }
  sink.Append('"');
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) sink.Append(',');
    const std::string_view name = tags[i].tag.name;
    size_t start = 0;
    for (size_t j = 0; j < name.size(); ++j) {
      if (name[j] == '"') {
        sink.Append(name.substr(start, j + 1 - start));
        sink.Append('"');
        start = j + 1;
      }
    }
    sink.Append(name.substr(start));
  }
  sink.Append('"');
}

void AppendCompositeValue(Sink& sink, const model::Attribute& a) {
  if (a.value2.empty()) {
    AppendCsvField(sink, a.value1);
    return;
  }
  // "v1|v2" is never numeric: quote both halves as one field.
  sink.Append('"');
  for (std::string_view half : {std::string_view(a.value1), std::string_view("|"), std::string_view(a.value2)}) {
    size_t start = 0;
    for (size_t j = 0; j < half.size(); ++j) {
      if (half[j] == '"') {
        sink.Append(half.substr(start, j + 1 - start));
        sink.Append('"');
        start = j + 1;
      }
    }
    sink.Append(half.substr(start));
  }
  sink.Append('"');
}

class CsvWriter final : public Writer {
 public:
  CsvWriter(std::vector<std::string> names, CsvOptions options)
      : names_(std::move(names)), options_(std::move(options)) {
    columns_.reserve(names_.size());
    for (const auto& n : names_) columns_.push_back(Lookup(n));
  }

  void Begin(Sink& sink) override {
    if (options_.headerless) return;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (i > 0) sink.Append(',');
      if (names_[i] == "timestamp") {
        sink.Append("date");
        continue;
      }
      std::string_view n = names_[i];
      size_t start = 0;
      for (size_t j = 0; j < n.size(); ++j) {
        if (n[j] == '-') {
          sink.Append(n.substr(start, j - start));
          sink.Append('_');
          start = j + 1;
        }
      }
      sink.Append(n.substr(start));
    }
    sink.Append('\n');
  }

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) sink.Append(',');
      WriteColumn(columns_[i], row, sink);
    }
    sink.Append('\n');
    ++stats_.records;
  }

  void End(Sink& sink) override { sink.Append('\n'); }

 private:
  void WriteColumn(Column c, const ExportRow& row, Sink& sink) const {
    const model::Attribute& a = row.attribute;
    const model::Event& e = row.event;
    switch (c) {
      case Column::kUuid:
        return AppendCsvField(sink, a.uuid);
      case Column::kEventId:
        return sink.AppendInt(e.id);
      case Column::kId:
        return sink.AppendInt(a.id);
      case Column::kObjectId:
        return sink.AppendInt(row.object != nullptr ? row.object->id : a.object_id);
      case Column::kCategory:
        return AppendCsvField(sink, a.category);
      case Column::kType:
        return AppendCsvField(sink, a.type);
      case Column::kValue:
        return AppendCompositeValue(sink, a);
      case Column::kValue1:
        return AppendCsvField(sink, a.value1);
      case Column::kValue2:
        return AppendCsvField(sink, a.value2);
      case Column::kComment:
        return AppendCsvField(sink, a.comment);
      case Column::kToIds:
        return AppendBool(sink, a.to_ids);
      case Column::kTimestamp:
        return sink.AppendInt(a.timestamp);
      case Column::kDistribution:
        return sink.AppendInt(static_cast<int>(a.distribution));
      case Column::kSharingGroupId:
        return sink.AppendInt(a.sharing_group_id);
      case Column::kDeleted:
        return AppendBool(sink, a.deleted);
      case Column::kDisableCorrelation:
        return AppendBool(sink, a.disable_correlation);
      case Column::kObjectRelation:
        return AppendCsvField(sink, a.object_relation);
      case Column::kAttributeTag:
        return AppendTags(sink, row.tags);
      case Column::kObjectUuid:
        return AppendCsvField(sink, row.object != nullptr ? row.object->uuid : "");
      case Column::kObjectName:
        return AppendCsvField(sink, row.object != nullptr ? row.object->name : "");
      case Column::kObjectMetaCategory:
        return AppendCsvField(sink, row.object != nullptr ? row.object->meta_category : "");
      case Column::kEventInfo:
        return AppendCsvField(sink, e.info);
      case Column::kEventMemberOrg:
        return AppendCsvField(sink, row.org_name);
      case Column::kEventSourceOrg:
        return AppendCsvField(sink, row.orgc_name);
      case Column::kEventDistribution:
        return sink.AppendInt(static_cast<int>(e.distribution));
      case Column::kEventThreatLevelId:
        if (options_.scope == CsvScope::kEvent) return AppendCsvQuoted(sink, ThreatLevelName(e.threat_level));
        return sink.AppendInt(static_cast<int>(e.threat_level));
      case Column::kEventAnalysis:
        return sink.AppendInt(static_cast<int>(e.analysis));
      case Column::kEventDate:
        return AppendCsvField(sink, e.date);
      case Column::kEventTag:
        return AppendTags(sink, row.event_tags);
      case Column::kEventTimestamp:
        return sink.AppendInt(e.timestamp);
      case Column::kUnknown:
        return sink.Append("\"\"");
    }
  }

  std::vector<std::string> names_;
  std::vector<Column> columns_;
  CsvOptions options_;
};

bool IsSafeColumnName(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ',' || c == '"') return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Writer>> MakeCsvWriter(const CsvOptions& options) {
  std::vector<std::string> names;
  if (options.requested_attributes) {
    names.assign(options.requested_attributes->begin(), options.requested_attributes->end());
  } else {
    names.assign(std::begin(kDefaultFields), std::end(kDefaultFields));
  }
  if (options.requested_obj_attributes) {
    for (const auto& o : *options.requested_obj_attributes) names.push_back("object_" + o);
  } else if (!options.requested_attributes) {
    names.insert(names.end(), std::begin(kDefaultObjectFields), std::end(kDefaultObjectFields));
  }
  if (options.include_context) names.insert(names.end(), std::begin(kContextFields), std::end(kContextFields));
  if (names.size() > 256) {
    return MakeError(ErrorCode::kInvalid, "too many CSV columns (at most 256)", "requested_attributes");
  }
  for (const auto& n : names) {
    if (!IsSafeColumnName(n)) {
      return MakeError(ErrorCode::kInvalid,
                       "CSV column names must be 1-128 bytes without commas, quotes or control characters",
                       "requested_attributes");
    }
  }
  return std::unique_ptr<Writer>(new CsvWriter(std::move(names), options));
}

}  // namespace bulwark::exporter::internal
