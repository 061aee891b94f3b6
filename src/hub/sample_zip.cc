#include "hub/sample_zip.h"

#include <zip.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <memory>

#include "common/crypto.h"

namespace bulwark::hub {
namespace {

// ---- Writing (APPNOTE.TXT 4.3 layout, 6.1 traditional PKWARE encryption). libzip can write this cipher too,
// but draws each entry's encryption header at random, which would make every view of a sample different.

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSignature = 0x06054b50;
constexpr uint16_t kVersion20 = 20;  // deflate and traditional encryption need 2.0
constexpr uint16_t kFlagEncrypted = 1;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;
constexpr uint16_t kDosTimeMidnight = 0;
constexpr uint16_t kDosDate1980 = (1 << 5) | 1;  // 1980-01-01, the earliest date a zip can hold
constexpr size_t kEncryptionHeaderBytes = 12;
constexpr std::string_view kFilenameSuffix = ".filename.txt";

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

uint32_t CrcStep(uint32_t crc, uint8_t byte) { return kCrcTable[(crc ^ byte) & 0xff] ^ (crc >> 8); }

// The traditional PKWARE stream cipher: three keys stirred by every plaintext byte.
class TraditionalCipher {
 public:
  explicit TraditionalCipher(std::string_view password) {
    for (char c : password) Update(static_cast<uint8_t>(c));
  }
  uint8_t Encrypt(uint8_t plain) {
    const uint32_t t = (k2_ | 2) & 0xffff;  // unsigned 32-bit: the 16-bit product would overflow int
    const auto out = static_cast<uint8_t>(plain ^ static_cast<uint8_t>((t * (t ^ 1)) >> 8));
    Update(plain);
    return out;
  }

 private:
  void Update(uint8_t plain) {
    k0_ = CrcStep(k0_, plain);
    k1_ = (k1_ + (k0_ & 0xff)) * 134775813u + 1;
    k2_ = CrcStep(k2_, static_cast<uint8_t>(k1_ >> 24));
  }
  uint32_t k0_ = 0x12345678;
  uint32_t k1_ = 0x23456789;
  uint32_t k2_ = 0x34567890;
};

void Put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v & 0xffff));
  Put16(out, static_cast<uint16_t>(v >> 16));
}

// Raw deflate (no zlib header) of `in`, or nullopt when it would not be smaller.
std::optional<std::string> Deflate(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END || out.size() >= in.size()) return std::nullopt;
  return out;
}

struct Entry {
  std::string name;
  uint16_t method = kMethodStored;
  uint32_t crc = 0;
  uint32_t size = 0;
  uint32_t packed_size = 0;  // with the encryption header
  uint32_t offset = 0;       // of the local header
};

void PutEntryFields(std::string& out, const Entry& e) {
  Put16(out, kVersion20);
  Put16(out, kFlagEncrypted);
  Put16(out, e.method);
  Put16(out, kDosTimeMidnight);
  Put16(out, kDosDate1980);
  Put32(out, e.crc);
  Put32(out, e.packed_size);
  Put32(out, e.size);
  Put16(out, static_cast<uint16_t>(e.name.size()));
  Put16(out, 0);  // extra field length
}

// Appends the local header and the encrypted data of one entry to `zip`.
Entry AppendEntry(std::string& zip, std::string name, std::string_view content) {
  Entry e;
  e.name = std::move(name);
  e.offset = static_cast<uint32_t>(zip.size());
  e.size = static_cast<uint32_t>(content.size());
  e.crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size())));
  std::optional<std::string> deflated = Deflate(content);
  const std::string_view payload = deflated ? std::string_view(*deflated) : content;
  e.method = deflated ? kMethodDeflated : kMethodStored;
  e.packed_size = static_cast<uint32_t>(kEncryptionHeaderBytes + payload.size());

  Put32(zip, kLocalHeaderSignature);
  PutEntryFields(zip, e);
  zip += e.name;

  // Eleven header bytes from a digest of the entry (any bytes will do: they only seed the cipher), the twelfth
  // the CRC's high byte, which readers check to reject a wrong password.
  const std::string digest = Sha256Hex(e.name + '\0' + std::string(content));
  std::array<uint8_t, kEncryptionHeaderBytes> header{};
  for (size_t i = 0; i + 1 < kEncryptionHeaderBytes; ++i) {
    header[i] = static_cast<uint8_t>(std::stoul(digest.substr(2 * i, 2), nullptr, 16));
  }
  header[kEncryptionHeaderBytes - 1] = static_cast<uint8_t>(e.crc >> 24);
  TraditionalCipher cipher(kSampleZipPassword);
  const size_t start = zip.size();
  zip.resize(start + e.packed_size);
  char* out = zip.data() + start;
  for (uint8_t b : header) *out++ = static_cast<char>(cipher.Encrypt(b));
  for (char c : payload) *out++ = static_cast<char>(cipher.Encrypt(static_cast<uint8_t>(c)));
  return e;
}

// ---- Reading, with libzip.

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;
using ArchiveFile = std::unique_ptr<zip_file_t, FileCloser>;

Error SampleZipError(std::string reason) {
  return MakeError(ErrorCode::kInvalid,
                   "data is a zip in MISP's malware-sample form (encrypted entries) but " + std::move(reason));
}

std::string LibzipReason(zip_error_t* err) {
  switch (zip_error_code_zip(err)) {
    case ZIP_ER_WRONGPASSWD:
      return "the password \"infected\" does not open it";
    case ZIP_ER_CRC:
      return "an entry fails its CRC check (wrong password or corrupt data)";
    case ZIP_ER_ENCRNOTSUPP:
      return "an entry uses an encryption method this hub cannot read";
    case ZIP_ER_COMPNOTSUPP:
      return "an entry uses a compression method this hub cannot read";
    default:
      return std::string("an entry cannot be read: ") + zip_error_strerror(err);
  }
}

// The content of entry `index`, at most `limit` bytes; kInvalid if it would be more or cannot be read.
Result<std::string> ReadEntry(zip_t* archive, const zip_stat_t& stat, size_t limit, std::string_view what) {
  const zip_uint64_t index = stat.index;
  const uint64_t declared_size = stat.size;
  if (declared_size > limit) {
    return SampleZipError("its " + std::string(what) + " is larger than " + std::to_string(limit) + " bytes");
  }
  // Checked before opening: libzip 1.7.3 leaks the entry's source when it refuses these in zip_fopen.
  if (!zip_encryption_method_supported(stat.encryption_method, 0)) {
    return SampleZipError("its " + std::string(what) + " uses an encryption method this hub cannot read");
  }
  if (!zip_compression_method_supported(stat.comp_method, 0)) {
    return SampleZipError("its " + std::string(what) + " uses a compression method this hub cannot read");
  }
  ArchiveFile file(zip_fopen_index_encrypted(archive, index, 0, std::string(kSampleZipPassword).c_str()));
  if (!file) return SampleZipError(LibzipReason(zip_get_error(archive)));
  std::string out;
  out.reserve(static_cast<size_t>(declared_size));
  std::array<char, 65536> chunk{};
  while (true) {
    const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
    if (n < 0) return SampleZipError(LibzipReason(zip_file_get_error(file.get())));
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > limit) {
      return SampleZipError("its " + std::string(what) + " unpacks to more than " + std::to_string(limit) + " bytes");
    }
    out.append(chunk.data(), static_cast<size_t>(n));
  }
  if (out.size() != declared_size) {
    return SampleZipError("its " + std::string(what) + " unpacks to " + std::to_string(out.size()) +
                          " bytes where the archive declares " + std::to_string(declared_size));
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string BuildSampleZip(std::string_view sample, std::string_view file_name) {
  const std::string md5 = Md5Hex(sample);
  std::string zip;
  zip.reserve(sample.size() + file_name.size() + 512);
  const std::array<Entry, 2> entries = {AppendEntry(zip, md5, sample),
                                        AppendEntry(zip, md5 + std::string(kFilenameSuffix), file_name)};
  const auto directory_offset = static_cast<uint32_t>(zip.size());
  for (const Entry& e : entries) {
    Put32(zip, kCentralHeaderSignature);
    Put16(zip, kVersion20);  // made by: MS-DOS attributes, spec 2.0
    PutEntryFields(zip, e);
    Put16(zip, 0);  // comment length
    Put16(zip, 0);  // disk number
    Put16(zip, 0);  // internal attributes
    Put32(zip, 0);  // external attributes
    Put32(zip, e.offset);
    zip += e.name;
  }
  const auto directory_size = static_cast<uint32_t>(zip.size() - directory_offset);
  Put32(zip, kEndOfCentralDirSignature);
  Put16(zip, 0);  // this disk
  Put16(zip, 0);  // disk with the directory
  Put16(zip, static_cast<uint16_t>(entries.size()));
  Put16(zip, static_cast<uint16_t>(entries.size()));
  Put32(zip, directory_size);
  Put32(zip, directory_offset);
  Put16(zip, 0);  // comment length
  return zip;
}

Result<std::optional<std::string>> UnwrapSampleZip(std::string_view data, size_t max_sample_bytes) {
  const std::optional<std::string> not_a_sample_zip;
  // Every MISP sample zip starts with a local file header (the first entry's, whose flags are at offset 6).
  if (data.size() < 30 || data.substr(0, 4) != std::string_view("PK\x03\x04", 4)) return not_a_sample_zip;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(data.data(), data.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return MakeError(ErrorCode::kInternal, "cannot read a zip: out of memory");
  }
  Archive archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    // A first entry flagged encrypted claims to be a protected zip: most likely MISP's, damaged on the way.
    const bool encrypted_entry = (static_cast<uint8_t>(data[6]) & kFlagEncrypted) != 0;
    if (encrypted_entry) return SampleZipError("the archive cannot be read: " + reason);
    return not_a_sample_zip;  // not a zip: the sample is these bytes
  }
  zip_error_fini(&error);
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 1 || count > 2) return not_a_sample_zip;
  std::array<zip_stat_t, 2> stats{};
  std::optional<zip_uint64_t> sample;
  std::optional<zip_uint64_t> name_entry;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t& st = stats[i];
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), i, 0, &st) != 0) return not_a_sample_zip;
    const zip_uint64_t needed =
        ZIP_STAT_INDEX | ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
    if ((st.valid & needed) != needed || st.encryption_method == ZIP_EM_NONE) return not_a_sample_zip;
    const std::string_view name(st.name);
    if (name.empty() || name.back() == '/') return not_a_sample_zip;
    std::optional<zip_uint64_t>& slot = EndsWith(name, kFilenameSuffix) ? name_entry : sample;
    if (slot) return not_a_sample_zip;
    slot = i;
  }
  if (!sample) return not_a_sample_zip;
  if (name_entry &&
      std::string_view(stats[*name_entry].name) != std::string(stats[*sample].name) + std::string(kFilenameSuffix)) {
    return not_a_sample_zip;
  }
  if (name_entry) {
    BW_RETURN_IF_ERROR(ReadEntry(archive.get(), stats[*name_entry], kMaxSampleNameBytes, "file name entry"));
  }
  BW_ASSIGN_OR_RETURN(std::string bytes, ReadEntry(archive.get(), stats[*sample], max_sample_bytes, "sample"));
  return std::optional<std::string>(std::move(bytes));
}

Result<std::string> StoredAttributeData(std::string_view base64, std::string_view type, SampleUpload upload) {
  std::optional<std::string> bytes = Base64Decode(base64);
  if (!bytes) return MakeError(ErrorCode::kInvalid, "data is not valid base64", "data");
  if (type != "malware-sample" || upload == SampleUpload::kRawFile) return std::move(*bytes);
  Result<std::optional<std::string>> inner = UnwrapSampleZip(*bytes);
  if (!inner.ok()) {
    Error e = std::move(inner).error();
    e.field = "data";
    return e;
  }
  if (*inner) return std::move(**inner);
  return std::move(*bytes);
}

std::string MispAttributeData(const model::Attribute& attribute, std::string stored) {
  if (attribute.type != "malware-sample") return stored;
  return BuildSampleZip(stored, attribute.value1);
}

}  // namespace bulwark::hub
