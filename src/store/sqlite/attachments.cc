// Attachment references (table attribute_attachments, migration v5): which stored bytes an attribute's `data` is.
#include "store/sqlite/txn.h"

namespace bulwark::store::sqlite {

Result<std::optional<AttachmentRef>> Reader::GetAttachmentRef(Id attribute_id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("SELECT sha256, size FROM attribute_attachments WHERE attribute_id = ?"));
  s.Bind(1, attribute_id);
  BW_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<AttachmentRef>();
  return std::optional<AttachmentRef>(AttachmentRef{s.Text(0), s.Int(1)});
}

Result<bool> Reader::IsAttachmentReferenced(const std::string& sha256) {
  // Index attribute_attachments_sha256 (v5).
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("SELECT 1 FROM attribute_attachments WHERE sha256 = ? LIMIT 1"));
  s.Bind(1, std::string_view(sha256));
  return s.Step();
}

Status Writer::SetAttachmentRef(Id attribute_id, const AttachmentRef& ref) {
  BW_ASSIGN_OR_RETURN(Stmt exists, conn_.Prepare("SELECT 1 FROM attributes WHERE id = ?"));
  exists.Bind(1, attribute_id);
  BW_ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) return MakeError(ErrorCode::kNotFound, "attribute " + std::to_string(attribute_id) + " not found");
  BW_ASSIGN_OR_RETURN(Stmt s,
                      conn_.Prepare("INSERT INTO attribute_attachments (attribute_id, sha256, size) VALUES (?, ?, ?) "
                                    "ON CONFLICT (attribute_id) DO UPDATE SET sha256 = excluded.sha256, "
                                    "size = excluded.size"));
  s.Bind(1, attribute_id).Bind(2, std::string_view(ref.sha256)).Bind(3, ref.size);
  return s.Run();
}

Status Writer::ClearAttachmentRef(Id attribute_id) {
  BW_ASSIGN_OR_RETURN(Stmt s, conn_.Prepare("DELETE FROM attribute_attachments WHERE attribute_id = ?"));
  s.Bind(1, attribute_id);
  return s.Run();
}

}  // namespace bulwark::store::sqlite
