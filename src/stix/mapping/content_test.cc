// Attachment and malware-sample data in STIX: artifact SCOs on export, attribute data on import.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/crypto.h"
#include "stix/mapping/mapping.h"
#include "stix/pattern/parser.h"
#include "stix/sco_id.h"
#include "stix/validate.h"

namespace bulwark::stix::mapping {
namespace {

namespace json = boost::json;

const std::string kAttachmentUuid = "a1a1a1a1-0000-4000-8000-000000000001";
const std::string kSampleUuid = "a1a1a1a1-0000-4000-8000-000000000002";
const std::string kIdsAttachmentUuid = "a1a1a1a1-0000-4000-8000-000000000003";
const std::string kTwinUuid = "a1a1a1a1-0000-4000-8000-000000000004";
const std::string kFilenameMd5Uuid = "a1a1a1a1-0000-4000-8000-000000000005";
const std::string kSample2Uuid = "a1a1a1a1-0000-4000-8000-000000000006";
const std::string kTextUuid = "a1a1a1a1-0000-4000-8000-000000000007";

ValidationOptions StrictOptions() {
  ValidationOptions v;
  v.pattern_validator = [](std::string_view p, std::string_view type, std::string_view) -> std::optional<std::string> {
    if (type != "stix") return std::nullopt;
    auto r = pattern::Parse(p);
    return r.ok() ? std::nullopt : std::optional<std::string>(r.error().message);
  };
  return v;
}

model::Attribute Attr(const std::string& uuid, const std::string& type, const std::string& v1, const std::string& v2,
                      bool to_ids) {
  model::Attribute a;
  a.uuid = uuid;
  a.type = type;
  a.category = "Payload delivery";
  a.value1 = v1;
  a.value2 = v2;
  a.to_ids = to_ids;
  a.timestamp = 1714557600;
  return a;
}

// An event whose attachments and samples carry data (`payloads`, by attribute uuid), with a text attribute
// and a filename|md5 whose file SCO the second sample shares.
struct Fixture {
  model::Event event;
  std::map<std::string, std::string> payloads;
  std::vector<std::string> asked;  // attribute uuids the data callback was called for

  Fixture() {
    event.uuid = "a1a1a1a1-0000-4000-8000-0000000000ee";
    event.info = "Phishing documents and the dropper they fetch";
    event.date = "2024-05-01";
    event.timestamp = 1714557600;
    const std::string dropper_md5(32, 'b');
    event.attributes.push_back(Attr(kAttachmentUuid, "attachment", "invoice.pdf", "", false));
    event.attributes.push_back(Attr(kSampleUuid, "malware-sample", "dropper.exe", std::string(32, 'a'), false));
    event.attributes.push_back(Attr(kIdsAttachmentUuid, "attachment", "lure.docx", "", true));
    event.attributes.push_back(Attr(kTwinUuid, "attachment", "invoice.pdf", "", false));  // same name, other bytes
    event.attributes.push_back(Attr(kFilenameMd5Uuid, "filename|md5", "stage2.exe", dropper_md5, false));
    event.attributes.push_back(Attr(kSample2Uuid, "malware-sample", "stage2.exe", dropper_md5, false));
    event.attributes.push_back(Attr(kTextUuid, "text", "operator notes", "", false));
    payloads[kAttachmentUuid] = std::string("%PDF-1.7\n\0\x01\xff binary", 20);
    payloads[kSampleUuid] = std::string("PK\x03\x04 MISP's encrypted zip", 26);
    payloads[kIdsAttachmentUuid] = "PK\x03\x04 a docx";
    payloads[kTwinUuid] = "%PDF-1.4 another invoice";
    payloads[kSample2Uuid] = "PK\x03\x04 the second stage";
  }

  MappingOptions Options() {
    MappingOptions o;
    o.attribute_data = [this](const model::Attribute& a) -> Result<std::optional<AttributePayload>> {
      asked.push_back(a.uuid);
      auto it = payloads.find(a.uuid);
      if (it == payloads.end()) return std::optional<AttributePayload>();
      AttributePayload p;
      p.bytes = it->second;
      if (a.uuid == kAttachmentUuid) p.mime_type = "application/pdf";
      return std::optional<AttributePayload>(std::move(p));
    };
    return o;
  }
};

const json::object* FindById(const std::vector<json::object>& objs, std::string_view id) {
  for (const auto& o : objs) {
    if (o.at("id").as_string() == id) return &o;
  }
  return nullptr;
}

const json::object* Artifact(const std::vector<json::object>& objs, std::string_view payload) {
  const std::string b64 = Base64Encode(payload);
  for (const auto& o : objs) {
    if (o.at("type").as_string() == "artifact" && o.at("payload_bin").as_string() == b64) return &o;
  }
  return nullptr;
}

// The root file SCO of an observed-data (the last of its object_refs that no other refers to: here the first).
const json::object* FileOf(const std::vector<json::object>& objs, const json::object& observed) {
  for (const auto& r : observed.at("object_refs").as_array()) {
    const auto* sco = FindById(objs, r.as_string());
    if (sco != nullptr && sco->at("type").as_string() == "file") return sco;
  }
  return nullptr;
}

std::vector<Object> ToObjects(const std::vector<json::object>& in) {
  std::vector<Object> out;
  for (const auto& j : in) out.push_back(MakeObject(j));
  return out;
}

TEST(StixMappingContent, ExportCarriesDataInArtifacts) {
  Fixture f;
  auto objs = EventToStix(f.event, f.Options());
  ASSERT_TRUE(objs.ok()) << objs.error().message;
  // Only attachments and samples are asked for.
  EXPECT_EQ(f.asked, (std::vector<std::string>{kAttachmentUuid, kSampleUuid, kIdsAttachmentUuid, kTwinUuid,
                                               kSample2Uuid}));
  for (const auto& o : *objs) {
    EXPECT_FALSE(HasErrors(Validate(MakeObject(o), StrictOptions()))) << json::serialize(o);
  }

  // An attachment observed: file{name, hashes.SHA-256 of the bytes, content_ref} -> artifact{payload_bin, hashes}.
  const auto* pdf = Artifact(*objs, f.payloads[kAttachmentUuid]);
  ASSERT_NE(pdf, nullptr);
  EXPECT_EQ(pdf->at("mime_type").as_string(), "application/pdf");
  EXPECT_EQ(pdf->at("hashes").at("SHA-256").as_string(), Sha256Hex(f.payloads[kAttachmentUuid]));
  EXPECT_FALSE(pdf->contains("encryption_algorithm"));
  EXPECT_EQ(pdf->at("id").as_string(), DeterministicScoId(*pdf));
  const auto* od = FindById(*objs, "observed-data--" + kAttachmentUuid);
  ASSERT_NE(od, nullptr);
  const auto* file = FileOf(*objs, *od);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->at("name").as_string(), "invoice.pdf");
  EXPECT_EQ(file->at("content_ref"), pdf->at("id"));
  EXPECT_EQ(file->at("hashes").at("SHA-256").as_string(), Sha256Hex(f.payloads[kAttachmentUuid]));
  const auto& refs = od->at("object_refs").as_array();
  EXPECT_NE(std::find(refs.begin(), refs.end(), pdf->at("id")), refs.end());

  // The same file name with other bytes is another file SCO.
  const auto* twin = FileOf(*objs, *FindById(*objs, "observed-data--" + kTwinUuid));
  ASSERT_NE(twin, nullptr);
  EXPECT_NE(twin->at("id"), file->at("id"));
  EXPECT_EQ(twin->at("content_ref"), Artifact(*objs, f.payloads[kTwinUuid])->at("id"));

  // A malware-sample: MISP's zip, which the artifact says how to open.
  const auto* zip = Artifact(*objs, f.payloads[kSampleUuid]);
  ASSERT_NE(zip, nullptr);
  EXPECT_EQ(zip->at("mime_type").as_string(), "application/zip");
  EXPECT_EQ(zip->at("encryption_algorithm").as_string(), "mime-type-indicated");
  EXPECT_EQ(zip->at("decryption_key").as_string(), "infected");
  const auto* sample_file = FileOf(*objs, *FindById(*objs, "observed-data--" + kSampleUuid));
  ASSERT_NE(sample_file, nullptr);
  EXPECT_EQ(sample_file->at("content_ref"), zip->at("id"));
  EXPECT_EQ(sample_file->at("hashes").as_object().size(), 1u);  // the MD5 of the value only

  // A to_ids attachment: the pattern is unchanged, the artifact linked beside it.
  const auto* ind = FindById(*objs, "indicator--" + kIdsAttachmentUuid);
  ASSERT_NE(ind, nullptr);
  EXPECT_EQ(ind->at("pattern").as_string(), "[file:name = 'lure.docx']");
  EXPECT_EQ(ind->at("x_misp_attachment_ref"), Artifact(*objs, f.payloads[kIdsAttachmentUuid])->at("id"));

  // The second sample's file SCO was already emitted for the filename|md5 without content: linked by the
  // observed-data instead.
  const auto* od2 = FindById(*objs, "observed-data--" + kSample2Uuid);
  ASSERT_NE(od2, nullptr);
  EXPECT_FALSE(FileOf(*objs, *od2)->contains("content_ref"));
  EXPECT_EQ(od2->at("x_misp_attachment_ref"), Artifact(*objs, f.payloads[kSample2Uuid])->at("id"));
}

TEST(StixMappingContent, RoundTripKeepsEveryAttributesData) {
  Fixture f;
  auto objs = EventToStix(f.event, f.Options());
  ASSERT_TRUE(objs.ok());
  auto back = StixToEvents(ToObjects(*objs), {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 1u);
  EXPECT_EQ(back->unmapped_total(), 0u);
  const ImportedEvent& ev = back->events[0];
  ASSERT_EQ(ev.event.attributes.size(), f.event.attributes.size());
  for (const auto& want : f.event.attributes) {
    auto it = std::find_if(ev.event.attributes.begin(), ev.event.attributes.end(),
                           [&](const model::Attribute& a) { return a.uuid == want.uuid; });
    ASSERT_NE(it, ev.event.attributes.end()) << want.uuid;
    EXPECT_EQ(it->type, want.type);
    EXPECT_EQ(it->Value(), want.Value());
    EXPECT_EQ(it->to_ids, want.to_ids);
    auto data = ev.attribute_data.find(want.uuid);
    if (f.payloads.count(want.uuid)) {
      ASSERT_NE(data, ev.attribute_data.end()) << want.uuid;
      EXPECT_EQ(data->second, Base64Encode(f.payloads[want.uuid])) << want.uuid;
    } else {
      EXPECT_EQ(data, ev.attribute_data.end()) << want.uuid;
    }
  }
}

TEST(StixMappingContent, WithoutTheCallbackNothingChanges) {
  Fixture f;
  auto plain = EventToStix(f.event, {});
  ASSERT_TRUE(plain.ok());
  for (const auto& o : *plain) {
    EXPECT_NE(o.at("type").as_string(), "artifact");
    EXPECT_FALSE(o.contains("content_ref"));
    EXPECT_FALSE(o.contains("x_misp_attachment_ref"));
  }
}

TEST(StixMappingContent, CallbackErrorStopsTheExport) {
  Fixture f;
  MappingOptions o;
  o.attribute_data = [](const model::Attribute&) -> Result<std::optional<AttributePayload>> {
    return MakeError(ErrorCode::kInternal, "attachment store unreadable");
  };
  auto objs = EventToStix(f.event, o);
  ASSERT_FALSE(objs.ok());
  EXPECT_EQ(objs.error().message, "attachment store unreadable");
}

Object Obj(std::string_view text) { return MakeObject(json::parse(text).as_object()); }

constexpr std::string_view kTimes = R"("created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z")";

std::string Sub(std::string text) {
  const std::string key = "$T";
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) text.replace(at, key.size(), kTimes);
  return text;
}

TEST(StixMappingContent, ForeignFilesWithContentBecomeAttachmentsAndSamples) {
  const std::string hello = Base64Encode("hello");
  const std::string zip = Base64Encode("PK\x03\x04 zipped");
  std::vector<Object> in;
  // misp-stix's to_ids attachment: the content in the pattern.
  in.push_back(Obj(Sub(R"({"type":"indicator","spec_version":"2.1","id":"indicator--b0000000-0000-4000-8000-000000000001",$T,
    "pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",
    "pattern":"[file:name = 'note.txt' AND file:content_ref.payload_bin = ')" + hello + R"(']"})")));
  // An observed file with a name, an MD5 and its content: a malware-sample.
  in.push_back(Obj(Sub(R"({"type":"artifact","spec_version":"2.1","id":"artifact--b0000000-0000-4000-8000-000000000002",
    "mime_type":"application/zip","payload_bin":")" + zip + R"(","encryption_algorithm":"mime-type-indicated","decryption_key":"infected"})")));
  in.push_back(Obj(R"({"type":"file","spec_version":"2.1","id":"file--b0000000-0000-4000-8000-000000000003","name":"x.exe",
    "hashes":{"MD5":"0123456789abcdef0123456789abcdef"},"content_ref":"artifact--b0000000-0000-4000-8000-000000000002"})"));
  in.push_back(Obj(Sub(R"({"type":"observed-data","spec_version":"2.1","id":"observed-data--b0000000-0000-4000-8000-000000000004",$T,
    "first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,
    "object_refs":["file--b0000000-0000-4000-8000-000000000003","artifact--b0000000-0000-4000-8000-000000000002"]})")));
  // A file whose content is only a url: the url artifact is ignored, the file is a plain filename.
  in.push_back(Obj(R"({"type":"artifact","spec_version":"2.1","id":"artifact--b0000000-0000-4000-8000-000000000005",
    "url":"https://files.example/y.bin","hashes":{"SHA-256":"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}})"));
  in.push_back(Obj(R"({"type":"file","spec_version":"2.1","id":"file--b0000000-0000-4000-8000-000000000006","name":"y.bin",
    "content_ref":"artifact--b0000000-0000-4000-8000-000000000005"})"));
  auto r = StixToEvents(in, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->events.size(), 1u);
  // The url artifact of the loose file is counted, not mapped (a loose SCO maps only itself).
  EXPECT_EQ(r->unmapped_total(), 1u);
  EXPECT_EQ(r->unmapped.count("artifact"), 1u);
  const auto& ev = r->events[0];
  std::map<std::string, const model::Attribute*> by_value;
  for (const auto& a : ev.event.attributes) by_value[a.Value()] = &a;
  ASSERT_EQ(by_value.size(), 3u);
  ASSERT_TRUE(by_value.count("note.txt"));
  EXPECT_EQ(by_value["note.txt"]->type, "attachment");
  EXPECT_TRUE(by_value["note.txt"]->to_ids);
  EXPECT_EQ(ev.attribute_data.at(by_value["note.txt"]->uuid), hello);
  ASSERT_TRUE(by_value.count("x.exe|0123456789abcdef0123456789abcdef"));
  const auto* sample = by_value["x.exe|0123456789abcdef0123456789abcdef"];
  EXPECT_EQ(sample->type, "malware-sample");
  EXPECT_EQ(ev.attribute_data.at(sample->uuid), zip);
  ASSERT_TRUE(by_value.count("y.bin"));
  EXPECT_EQ(by_value["y.bin"]->type, "filename");
  EXPECT_EQ(ev.attribute_data.size(), 2u);
}

TEST(StixMappingContent, BadBase64IsNotedAndCountedNeverFatal) {
  Fixture f;
  auto objs = EventToStix(f.event, f.Options());
  ASSERT_TRUE(objs.ok());
  // Spoil the attachment's and the to_ids attachment's artifacts.
  const std::string spoiled_observed(Artifact(*objs, f.payloads[kAttachmentUuid])->at("id").as_string());
  const std::string spoiled_linked(Artifact(*objs, f.payloads[kIdsAttachmentUuid])->at("id").as_string());
  for (auto& o : *objs) {
    if (o.at("id").as_string() == spoiled_observed) o["payload_bin"] = "not base64 at all!";
    if (o.at("id").as_string() == spoiled_linked) o["payload_bin"] = "QUJD=";  // wrong length
  }
  auto back = StixToEvents(ToObjects(*objs), {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 1u);
  const auto& ev = back->events[0];
  EXPECT_EQ(ev.event.attributes.size(), f.event.attributes.size());  // the attributes themselves stay
  EXPECT_FALSE(ev.attribute_data.count(kAttachmentUuid));
  EXPECT_FALSE(ev.attribute_data.count(kIdsAttachmentUuid));
  EXPECT_EQ(ev.attribute_data.size(), 3u);  // the sample, the twin, the second sample
  EXPECT_EQ(back->unmapped_total(), 2u);
  EXPECT_EQ(back->unmapped.at("artifact"), 2u);
  size_t notes = 0;
  for (const auto& n : back->notes) notes += n.find("is not base64") != std::string::npos;
  EXPECT_EQ(notes, 2u);
  // A pattern's content that is not base64: the attribute without data, a note.
  std::vector<Object> in{Obj(Sub(R"({"type":"indicator","spec_version":"2.1","id":"indicator--b0000000-0000-4000-8000-000000000009",$T,
    "pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",
    "pattern":"[file:name = 'n.txt' AND file:content_ref.payload_bin = '%%%']"})"))};
  auto r = StixToEvents(in, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->events.size(), 1u);
  ASSERT_EQ(r->events[0].event.attributes.size(), 1u);
  EXPECT_EQ(r->events[0].event.attributes[0].type, "filename");
  EXPECT_TRUE(r->events[0].attribute_data.empty());
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes.back().find("is not base64"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::stix::mapping
