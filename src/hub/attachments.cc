// Attribute data (attachment, malware-sample): staging the bytes in the attachment store during a write, and
// reading them back.
#include "common/crypto.h"
#include "hub/hub.h"
#include "hub/hub_impl.h"
#include "hub/internal.h"
#include "hub/sample_zip.h"

namespace bulwark::hub {

using namespace internal;

Status Hub::Impl::StageAttachment(const misp::AttributeInput& in, const model::Attribute& a,
                                  std::vector<StagedAttachment>& staged) {
  if (in.data.empty() || !CarriesData(a.type)) return Ok();
  const SampleUpload upload = in.encrypt ? SampleUpload::kRawFile : SampleUpload::kDetect;
  BW_ASSIGN_OR_RETURN(std::string bytes, StoredAttributeData(in.data, a.type, upload));
  if (!attachments_) {
    return MakeError(ErrorCode::kUnavailable,
                     "this hub has no attachment storage: the data of a " + a.type + " attribute cannot be kept",
                     "data");
  }
  BW_ASSIGN_OR_RETURN(store::AttachmentRef ref, attachments_->Put(bytes));
  staged.push_back(StagedAttachment{&a, std::move(ref)});
  return Ok();
}

Status Hub::Impl::ReferenceStaged(store::WriteTxn& txn, const std::vector<StagedAttachment>& staged) {
  for (const StagedAttachment& s : staged) BW_RETURN_IF_ERROR(txn.SetAttachmentRef(s.attribute->id, s.ref));
  return Ok();
}

Result<std::optional<std::string>> Hub::AttachmentData(const model::Attribute& attribute) {
  if (!CarriesData(attribute.type) || attribute.id == 0) return std::optional<std::string>();
  std::optional<store::AttachmentRef> ref;
  BW_RETURN_IF_ERROR(store_.Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(ref, txn.GetAttachmentRef(attribute.id));
    return Ok();
  }));
  if (!ref) return std::optional<std::string>();
  const AttachmentStore* files = impl_->attachments();
  if (files == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "this hub has no attachment storage configured to read attribute " +
                                                  std::to_string(attribute.id) + "'s data from");
  }
  BW_ASSIGN_OR_RETURN(std::string bytes, files->Get(*ref));
  return std::optional<std::string>(std::move(bytes));
}

}  // namespace bulwark::hub
