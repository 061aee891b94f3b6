// Attribute data through the hub's write paths: stored before the reference commits, read back identical,
// refused with nothing written, and never handed to a caller who may not see the attribute.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "access/roles.h"
#include "common/crypto.h"
#include "hub/hub.h"
#include "hub/hub_test_util.h"
#include "hub/sample_zip.h"

namespace bulwark::hub {
namespace {

using test_support::AttributeJson;
using test_support::EventJson;

namespace fs = std::filesystem;

constexpr std::string_view kMail =
    "From: \"IT Service Desk\" <helpdesk@elections-support.example>\r\n"
    "To: staff@commission.example\r\nSubject: Password expiry\r\n\r\nClick https://login.elections-support.example\r\n";

class AttachmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = t_.AddOrgUser("Org A", "a@a.test", access::kRolePublisher);
    b_ = t_.AddOrgUser("Org B", "b@b.test", access::kRolePublisher);
  }

  // An attachment attribute carrying `bytes`.
  static std::string AttachmentJson(std::string_view name, std::string_view bytes) {
    return R"({"type": "attachment", "value": ")" + std::string(name) + R"(", "data": ")" + Base64Encode(bytes) +
           R"("})";
  }
  size_t StoredFiles() const {
    const fs::path dir = t_.dir / "attachments";
    if (!fs::exists(dir)) return 0;
    size_t n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
    return n;
  }
  std::optional<store::AttachmentRef> RefOf(Id attribute_id) {
    std::optional<store::AttachmentRef> ref;
    EXPECT_TRUE(t_.store
                    ->Read([&](store::ReadTxn& txn) -> Status {
                      BW_ASSIGN_OR_RETURN(ref, txn.GetAttachmentRef(attribute_id));
                      return Ok();
                    })
                    .ok());
    return ref;
  }

  test_support::TestHub t_{"attachments-test"};
  Principal a_, b_;
};

TEST_F(AttachmentsTest, EventDataIsStoredAndReadBackIdentical) {
  static constexpr char kSampleBytes[] = "MZ\x90\0\x03\0\0\0 not really a PE";  // NULs inside: sized, not C-string
  const std::string sample(kSampleBytes, sizeof kSampleBytes - 1);
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "spear-phishing wave", "Attribute": [)" +
                                      AttachmentJson("password-expiry.eml", kMail) + R"(,
      {"type": "malware-sample", "value": "invoice.exe", "data": ")" +
                                      Base64Encode(sample) + R"("},
      {"type": "ip-dst", "value": "198.51.100.7", "data": "aWdub3JlZA=="}],
    "Object": [{"name": "file", "Attribute": [
      {"type": "malware-sample", "object_relation": "malware-sample", "value": "dropper.bin", "data": ")" +
                                      Base64Encode("dropper bytes") + R"("}]}]})"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->attributes.size(), 3u);
  const model::Attribute& mail = e->attributes[0];
  const model::Attribute& exe = e->attributes[1];
  EXPECT_EQ(exe.value2, Md5Hex(sample));  // PyMISP's upload form gets name|md5, as before

  auto mail_bytes = t_.hub->AttachmentData(mail);
  ASSERT_TRUE(mail_bytes.ok()) << mail_bytes.error().message;
  ASSERT_TRUE(mail_bytes->has_value());
  EXPECT_EQ(**mail_bytes, kMail);

  auto download = t_.hub->DownloadAttachment(a_, exe.uuid);
  ASSERT_TRUE(download.ok()) << download.error().message;
  EXPECT_EQ(download->bytes, sample);
  EXPECT_EQ(download->filename, "invoice.exe");

  ASSERT_EQ(e->objects.size(), 1u);
  auto dropper = t_.hub->DownloadAttachment(a_, std::to_string(e->objects[0].attributes[0].id));
  ASSERT_TRUE(dropper.ok()) << dropper.error().message;
  EXPECT_EQ(dropper->bytes, "dropper bytes");

  // data on a type that keeps none is ignored, as MISP ignores it.
  EXPECT_FALSE(RefOf(e->attributes[2].id).has_value());
  auto ip = t_.hub->DownloadAttachment(a_, std::to_string(e->attributes[2].id));
  ASSERT_FALSE(ip.ok());
  EXPECT_EQ(ip.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(StoredFiles(), 3u);
}

TEST_F(AttachmentsTest, IdenticalBytesAreSharedByTwoAttributes) {
  auto first = t_.hub->AddEvent(
      a_, EventJson(R"({"info": "first report", "Attribute": [)" + AttachmentJson("report.eml", kMail) + "]}"));
  auto second = t_.hub->AddEvent(
      b_, EventJson(R"({"info": "second report", "Attribute": [)" + AttachmentJson("same-mail.eml", kMail) + "]}"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(StoredFiles(), 1u);
  EXPECT_EQ(RefOf(first->attributes[0].id), RefOf(second->attributes[0].id));
  // Deleting one attribute keeps the other's bytes.
  ASSERT_TRUE(t_.hub->DeleteAttribute(a_, first->attributes[0].uuid, Hub::DeleteMode::kHard).ok());
  EXPECT_FALSE(RefOf(first->attributes[0].id).has_value());
  auto other = t_.hub->DownloadAttachment(b_, second->attributes[0].uuid);
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->bytes, kMail);
  EXPECT_EQ(other->filename, "same-mail.eml");
}

TEST_F(AttachmentsTest, RejectedWritesStoreAndReferenceNothing) {
  auto e =
      t_.hub->AddEvent(a_, EventJson(R"({"info": "target", "Attribute": [{"type": "domain", "value": "a.example"}]})"));
  ASSERT_TRUE(e.ok());
  std::vector<misp::AttributeInput> bad;
  bad.push_back(AttributeJson(R"({"type": "attachment", "value": "x.eml", "data": "not base64!"})"));
  auto added = t_.hub->AddAttributes(a_, EventRef{e->uuid}, bad);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(added.error().field, "data");

  // A bad second child rejects the whole event before any byte is written.
  auto rejected = t_.hub->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" + AttachmentJson("y.eml", kMail) +
                                             R"(, {"type": "ip-dst", "value": "not-an-ip"}]})"));
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().field, "Attribute[1].value");
  auto view = t_.hub->ViewEvent(a_, EventRef{e->uuid}, store::DeletedFilter::kExclude);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->attributes.size(), 1u);
  EXPECT_EQ(StoredFiles(), 0u);

  // A transaction that fails after referencing bytes leaves no reference.
  const Id attribute_id = e->attributes[0].id;
  Status failed = t_.store->Write([&](store::WriteTxn& txn) -> Status {
    BW_RETURN_IF_ERROR(txn.SetAttachmentRef(attribute_id, store::AttachmentRef{std::string(64, 'a'), 1}));
    return MakeError(ErrorCode::kConflict, "later step failed");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_FALSE(RefOf(attribute_id).has_value());
  auto missing = t_.store->Write([&](store::WriteTxn& txn) -> Status {
    return txn.SetAttachmentRef(999'999, store::AttachmentRef{std::string(64, 'a'), 1});
  });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(AttachmentsTest, EditWithNewDataReplacesItAndWithoutKeepsIt) {
  auto e = t_.hub->AddEvent(
      a_, EventJson(R"({"info": "x", "Attribute": [)" + AttachmentJson("v1.eml", "version one") + "]}"));
  ASSERT_TRUE(e.ok());
  const std::string uuid = e->attributes[0].uuid;
  ASSERT_TRUE(t_.hub->EditAttribute(a_, uuid, AttributeJson(R"({"comment": "no data in this edit"})")).ok());
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, uuid)->bytes, "version one");
  auto edited = t_.hub->EditAttribute(a_, uuid, AttributeJson(R"({"data": ")" + Base64Encode("version two") + R"("})"));
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, uuid)->bytes, "version two");
  auto bad = t_.hub->EditAttribute(a_, uuid, AttributeJson(R"({"data": "%%%"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "data");
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, uuid)->bytes, "version two");

  // events/edit: a new attribute's data, and new data for an existing one.
  auto via_event = t_.hub->EditEvent(
      a_, EventRef{e->uuid},
      EventJson(R"({"Attribute": [)" + AttachmentJson("added.eml", "added by edit") + R"(, {"uuid": ")" + uuid +
                R"(", "data": ")" + Base64Encode("version three") + R"("}]})"));
  ASSERT_TRUE(via_event.ok()) << via_event.error().message;
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, uuid)->bytes, "version three");
  bool found = false;
  for (const auto& a : via_event->attributes) {
    if (a.value1 != "added.eml") continue;
    found = true;
    EXPECT_EQ(t_.hub->DownloadAttachment(a_, a.uuid)->bytes, "added by edit");
  }
  EXPECT_TRUE(found);
}

TEST_F(AttachmentsTest, ObjectsAddKeepsTheDataOfItsAttributes) {
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "x"})"));
  ASSERT_TRUE(e.ok());
  auto parsed = misp::ParseObject(boost::json::parse(R"({"Object": {"name": "file", "Attribute": [
      {"type": "filename", "object_relation": "filename", "value": "sample.bin"},
      {"type": "malware-sample", "object_relation": "malware-sample", "value": "sample.bin", "data": ")" +
                                                     Base64Encode("object sample") + R"("}]}})"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  auto o = t_.hub->AddObject(a_, EventRef{e->uuid}, std::move(parsed).value());
  ASSERT_TRUE(o.ok()) << o.error().message;
  for (const auto& a : o->attributes) {
    auto got = t_.hub->DownloadAttachment(a_, a.uuid);
    if (a.type == "malware-sample") {
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(got->bytes, "object sample");
    } else {
      EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    }
  }
}

TEST_F(AttachmentsTest, ACallerWhoCannotSeeTheAttributeGetsNotFound) {
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "org only", "distribution": 0, "Attribute": [)" +
                                      AttachmentJson("internal.eml", kMail) + "]}"));
  ASSERT_TRUE(e.ok());
  const std::string id = std::to_string(e->attributes[0].id);
  auto hidden = t_.hub->DownloadAttachment(b_, id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(hidden.error().message, t_.hub->ViewAttribute(b_, id).error().message);  // same answer as the view
  EXPECT_TRUE(t_.hub->DownloadAttachment(a_, id).ok());
  EXPECT_TRUE(t_.hub->DownloadAttachment(t_.admin, id).ok());
}

TEST_F(AttachmentsTest, AHubWithoutAttachmentStorageRefusesData) {
  Hub bare(*t_.store, t_.clock, HubOptions{}, MakeNullLogger());
  auto e = bare.AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" + AttachmentJson("a.eml", kMail) + "]}"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(e.error().field, "Attribute[0].data");
  auto plain =
      bare.AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [{"type": "attachment", "value": "a.eml"}]})"));
  EXPECT_TRUE(plain.ok());  // an attachment without data is just a file name
}

TEST_F(AttachmentsTest, NewDataForAMalwareSampleRecomputesTheMd5InItsValue) {
  const std::string sample = R"({"type": "malware-sample", "value": "dropper.exe", "data": ")" +
                             Base64Encode("first build") + R"("})";
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" + sample + "]}"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  const std::string uuid = e->attributes[0].uuid;
  EXPECT_EQ(e->attributes[0].value2, Md5Hex("first build"));
  auto edited =
      t_.hub->EditAttribute(a_, uuid, AttributeJson(R"({"data": ")" + Base64Encode("second build") + R"("})"));
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->value1, "dropper.exe");
  EXPECT_EQ(edited->value2, Md5Hex("second build"));
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, uuid)->bytes, "second build");
  // events/edit does the same.
  auto via_event = t_.hub->EditEvent(
      a_, EventRef{e->uuid},
      EventJson(R"({"Attribute": [{"uuid": ")" + uuid + R"(", "data": ")" + Base64Encode("third build") + R"("}]})"));
  ASSERT_TRUE(via_event.ok()) << via_event.error().message;
  auto viewed = t_.hub->ViewAttribute(a_, uuid);
  ASSERT_TRUE(viewed.ok());
  EXPECT_EQ(viewed->attribute.value1, "dropper.exe");
  EXPECT_EQ(viewed->attribute.value2, Md5Hex("third build"));
  // An edit without data keeps the value; one naming the value keeps what it names.
  auto comment = t_.hub->EditAttribute(a_, uuid, AttributeJson(R"({"comment": "triaged"})"));
  ASSERT_TRUE(comment.ok());
  EXPECT_EQ(comment->value2, Md5Hex("third build"));
}

// A malware-sample attribute in an event: value `value`, data `bytes` (base64), `extra` JSON members appended.
std::string SampleJson(std::string_view value, std::string_view bytes, std::string_view extra = "") {
  return R"({"type": "malware-sample", "value": ")" + std::string(value) + R"(", "data": ")" + Base64Encode(bytes) +
         "\"" + std::string(extra) + "}";
}

const std::string kDropper = std::string("MZ\x90\0\x03\0\0\0", 8) + "dropper stage two";

TEST_F(AttachmentsTest, AnEncryptedUploadIsTheRawFileAndIsServedAsMispsZip) {
  // PyMISP's upload: the raw file, "encrypt": true. MISP zips it; the hub stores it and zips it when serving.
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" +
                                      SampleJson("invoice.exe", kDropper, R"(, "encrypt": true)") + "]}"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  const model::Attribute& a = e->attributes[0];
  EXPECT_EQ(a.value1, "invoice.exe");
  EXPECT_EQ(a.value2, Md5Hex(kDropper));
  auto stored = t_.hub->AttachmentData(a);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, kDropper);
  const std::string served = MispAttributeData(a, **stored);
  EXPECT_EQ(served.substr(0, 4), std::string("PK\x03\x04", 4));
  auto inner = UnwrapSampleZip(served);
  ASSERT_TRUE(inner.ok() && inner->has_value());
  EXPECT_EQ(**inner, kDropper);
  // A zip sent with "encrypt": true is a file that happens to be a zip: kept as it is.
  const std::string zip = BuildSampleZip(kDropper, "invoice.exe");
  auto as_file = t_.hub->AddEvent(a_, EventJson(R"({"info": "y", "Attribute": [)" +
                                            SampleJson("archive.zip", zip, R"(, "encrypt": 1)") + "]}"));
  ASSERT_TRUE(as_file.ok()) << as_file.error().message;
  EXPECT_EQ(as_file->attributes[0].value2, Md5Hex(zip));
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, as_file->attributes[0].uuid)->bytes, zip);
}

TEST_F(AttachmentsTest, AMispZipIsStoredAsTheSampleInside) {
  // From MISP or its feeds the data is the zip already, with or without the md5 in the value.
  const std::string zip = BuildSampleZip(kDropper, "invoice.exe");
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "from MISP", "Attribute": [)" +
                                      SampleJson("invoice.exe", zip) + ", " +
                                      SampleJson("invoice.exe|" + Md5Hex(kDropper), zip) + "]}"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  for (const model::Attribute& a : e->attributes) {
    EXPECT_EQ(a.value2, Md5Hex(kDropper));  // the sample's md5, not the zip's
    EXPECT_EQ(t_.hub->DownloadAttachment(a_, a.uuid)->bytes, kDropper);
  }
  EXPECT_EQ(StoredFiles(), 1u);  // the same sample, one file
  // An edit with new zipped data unwraps it too.
  auto edited = t_.hub->EditAttribute(a_, e->attributes[0].uuid,
                                      AttributeJson(R"({"data": ")" + Base64Encode(BuildSampleZip("v2", "n")) + R"("})"));
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->value2, Md5Hex("v2"));
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, e->attributes[0].uuid)->bytes, "v2");
}

TEST_F(AttachmentsTest, AnAttachmentIsNeverUnwrapped) {
  const std::string zip = BuildSampleZip(kDropper, "invoice.exe");
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" + AttachmentJson("bundle.zip", zip) + "]}"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(t_.hub->DownloadAttachment(a_, e->attributes[0].uuid)->bytes, zip);
  EXPECT_EQ(MispAttributeData(e->attributes[0], zip), zip);
}

TEST_F(AttachmentsTest, AMispZipThatDoesNotOpenIsRefusedWithNothingWritten) {
  std::string bad = BuildSampleZip(kDropper, "invoice.exe");
  bad[14] = static_cast<char>(bad[14] ^ 1);  // the sample's CRC, in both headers
  bad[bad.find(std::string("PK\x01\x02", 4)) + 16] ^= 1;
  auto e = t_.hub->AddEvent(a_, EventJson(R"({"info": "x", "Attribute": [)" + AttachmentJson("mail.eml", kMail) +
                                      ", " + SampleJson("invoice.exe|" + Md5Hex(kDropper), bad) + "]}"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(e.error().field, "Attribute[1].data");
  EXPECT_NE(e.error().message.find("MISP's malware-sample form"), std::string::npos) << e.error().message;
  EXPECT_EQ(StoredFiles(), 0u);  // refused before the first attachment was written
  size_t events = 0;
  ASSERT_TRUE(t_.hub->IndexEvents(a_, {}, [&](const model::Event&) { return ++events > 0; }).ok());
  EXPECT_EQ(events, 0u);
}

}  // namespace
}  // namespace bulwark::hub
