// Private helpers shared by the hub's service files. Not part of the module's contract.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/uuid.h"
#include "hub/hub.h"

namespace bulwark::hub::internal {

inline Error NotFound(std::string_view what, std::string_view ref) {
  return MakeError(ErrorCode::kNotFound, std::string(what) + " '" + std::string(ref) + "' not found or not visible to you");
}

// True when s is a positive decimal integer that fits an Id.
bool ParseId(std::string_view s, Id& out);

// Resolves a reference given as a positive numeric id or a uuid (lowercased before lookup) or, where
// `by_name` is given, anything else as a name. kInvalid naming `what` for a reference of no accepted form.
template <typename T>
Result<std::optional<T>> LookupRef(std::string_view ref, std::string_view what,
                                   const std::function<Result<std::optional<T>>(Id)>& by_id,
                                   const std::function<Result<std::optional<T>>(const std::string&)>& by_uuid,
                                   const std::function<Result<std::optional<T>>(const std::string&)>& by_name = {}) {
  Id id = 0;
  if (ParseId(ref, id)) return by_id(id);
  if (IsUuid(ref)) return by_uuid(NormaliseUuid(ref));
  if (by_name) return by_name(std::string(ref));
  return MakeError(ErrorCode::kInvalid, std::string(what) + " is referenced by its numeric id or its uuid, not '" +
                                            std::string(ref.substr(0, 64)) + "'", "id");
}

// Finds an event by id or uuid; kNotFound when absent or when the principal may not see it.
Result<model::Event> FindVisibleEvent(store::ReadTxn& txn, const Principal& p, std::string_view ref);

// An object with its event, visible to the principal (the decision of events/view: the event, then the object).
struct LocatedObject {
  model::Object object;
  model::Event event;
};
// Finds an object by id or uuid; kNotFound when absent or when the principal may not see it or its event.
Result<LocatedObject> LocateVisibleObject(store::ReadTxn& txn, const Principal& p, std::string_view ref);

// Turns parsed attribute input into a valid, normalised attribute of `event` (type known, category allowed,
// value normalised for its type, defaults applied). Tags are resolved separately. `now` fills timestamps.
Result<model::Attribute> BuildAttribute(const misp::AttributeInput& in, const model::Event& event,
                                        const HubOptions& options, int64_t now);

// True for the attribute types whose `data` is kept (MISP's rule): attachment and malware-sample. Other types'
// data is ignored, as MISP ignores it.
bool CarriesData(std::string_view type);

// The input for an edit of `current`: fields the request names replace the stored ones, everything else is
// kept (MISP's edit semantics). The result goes through BuildAttribute like any new attribute.
misp::AttributeInput MergeAttributeInput(const model::Attribute& current, const misp::AttributeInput& in);

// An e-mail address as users are identified by: one '@', no spaces or brackets, at most 254 bytes.
Status ValidateEmail(const std::string& email);

// Appends one audit line for the principal.
Status Audit(store::WriteTxn& txn, const Principal& p, int64_t now_micros, std::string action, std::string model,
             Id model_id, std::string uuid, std::string title);

// Validates a sharing-group choice: distribution 4 needs an existing sharing group the principal can see.
Status CheckSharingGroup(store::ReadTxn& txn, const Principal& p, model::Distribution d, Id sg, std::string_view field);

}  // namespace bulwark::hub::internal
