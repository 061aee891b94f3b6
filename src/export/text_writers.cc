// MISP's text and hashes exports (TextExport.php, HashesExport.php semantics; see export.h).
#include <algorithm>
#include <array>

#include "export/escape.h"
#include "export/writers.h"

namespace bulwark::exporter::internal {
namespace {

class TextWriter final : public Writer {
 public:
  void Begin(Sink&) override {}

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    const model::Attribute& a = row.attribute;
    if (HasLineBreak(a.value1) || HasLineBreak(a.value2)) {
      ++stats_.skipped_value;
      return;
    }
    // Dedup on the MISP value "v1|v2" without building it: hash v1, '|' and v2 as one key when composite.
    if (!Seen(a)) {
      ++stats_.duplicates;
      return;
    }
    sink.Append(a.value1);
    if (!a.value2.empty()) {
      sink.Append('|');
      sink.Append(a.value2);
    }
    sink.Append('\n');
    ++stats_.records;
  }

  void End(Sink& sink) override {
    if (stats_.records == 0) sink.Append('\n');
  }

 private:
  bool Seen(const model::Attribute& a) {
    if (a.value2.empty()) return seen_.Insert(0, a.value1);
    key_.assign(a.value1);  // reused buffer: no allocation once it has grown
    key_.push_back('|');
    key_.append(a.value2);
    return seen_.Insert(0, key_);
  }

  SeenSet seen_;
  std::string key_;
};

// HashesExport's lists, in MISP's order.
constexpr std::array<std::string_view, 21> kSimpleHashTypes = {"md5",
                                                               "sha1",
                                                               "sha256",
                                                               "sha224",
                                                               "sha384",
                                                               "sha512",
                                                               "sha512/224",
                                                               "sha512/256",
                                                               "sha3-224",
                                                               "sha3-256",
                                                               "sha3-384",
                                                               "sha3-512",
                                                               "ssdeep",
                                                               "imphash",
                                                               "tlsh",
                                                               "x509-fingerprint-sha1",
                                                               "x509-fingerprint-md5",
                                                               "x509-fingerprint-sha256",
                                                               "pehash",
                                                               "authentihash",
                                                               "impfuzzy"};
constexpr std::array<std::string_view, 18> kCompositeHashTypes = {
    "malware-sample",    "filename|md5",          "filename|sha1",       "filename|sha256",   "filename|sha224",
    "filename|sha512",   "filename|sha512/224",   "filename|sha512/256", "filename|sha3-224", "filename|sha3-256",
    "filename|sha3-384", "filename|sha3-512",     "filename|ssdeep",     "filename|imphash",  "filename|tlsh",
    "filename|pehash",   "filename|authentihash", "filename|impfuzzy"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view type) {
  return std::find(list.begin(), list.end(), type) != list.end();
}

class HashesWriter final : public Writer {
 public:
  void Begin(Sink&) override {}

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    const model::Attribute& a = row.attribute;
    std::string_view hash;
    if (Contains(kCompositeHashTypes, a.type)) {
      hash = a.value2;
    } else if (Contains(kSimpleHashTypes, a.type)) {
      hash = a.value1;
    } else {
      ++stats_.skipped_type;
      return;
    }
    if (hash.empty() || HasLineBreak(hash)) {
      ++stats_.skipped_value;
      return;
    }
    sink.Append(hash);
    sink.Append('\n');
    ++stats_.records;
  }

  void End(Sink& sink) override {
    if (stats_.records == 0) sink.Append('\n');
  }
};

}  // namespace

std::unique_ptr<Writer> MakeTextWriter() { return std::make_unique<TextWriter>(); }
std::unique_ptr<Writer> MakeHashesWriter() { return std::make_unique<HashesWriter>(); }

}  // namespace bulwark::exporter::internal
