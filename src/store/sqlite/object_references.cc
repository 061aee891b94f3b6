// Object references on their own (objectReferences/add|delete): lookups by id or uuid, soft delete and hard
// delete. References are inserted by InsertObjectReference with their object (writer_events.cc).
#include <string>

#include "store/sqlite/rows.h"
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {

namespace {

Error ReferenceNotFound(Id id) {
  return MakeError(ErrorCode::kNotFound, "object reference " + std::to_string(id) + " not found");
}

}  // namespace

Result<std::optional<model::ObjectReference>> Reader::GetObjectReference(Id id) {
  static const std::string kSql =
      std::string("SELECT ") + kReferenceColumns + " FROM object_references rf WHERE rf.id = ?";
  return QueryOne(conn_, kSql, {id}, &ReadReference);
}

Result<std::optional<model::ObjectReference>> Reader::FindObjectReferenceByUuid(const std::string& uuid) {
  // The column is not unique (the schema only indexes it): the oldest row wins.
  static const std::string kSql = std::string("SELECT ") + kReferenceColumns +
                                  " FROM object_references rf WHERE rf.uuid = ? ORDER BY rf.id LIMIT 1";
  return QueryOne(conn_, kSql, {uuid}, &ReadReference);
}

Status Writer::SetObjectReferenceDeleted(Id id, bool deleted, int64_t timestamp) {
  BW_ASSIGN_OR_RETURN(auto old, reader_.GetObjectReference(id));
  if (!old) return ReferenceNotFound(id);
  if (old->deleted == deleted) return Ok();
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("UPDATE object_references SET deleted = ?, timestamp = ? WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, int64_t{deleted}).Bind(2, timestamp).Bind(3, id).Run());
  return Log("object_reference", old->uuid, old->event_id,
             deleted ? model::ChangeAction::kDelete : model::ChangeAction::kRestore);
}

Status Writer::DeleteObjectReference(Id id) {
  BW_ASSIGN_OR_RETURN(auto old, reader_.GetObjectReference(id));
  if (!old) return ReferenceNotFound(id);
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM object_references WHERE id = ?"));
  BW_RETURN_IF_ERROR(s.Bind(1, id).Run());
  return Log("object_reference", old->uuid, old->event_id, model::ChangeAction::kDelete);
}

}  // namespace bulwark::store::sqlite
