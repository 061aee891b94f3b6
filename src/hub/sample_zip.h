// Malware samples in MISP's wire form. MISP never sends a sample's bytes bare: an attribute's `data` is the
// base64 of a zip archive, encrypted with the traditional PKWARE cipher and the password "infected", holding two
// entries, "<md5>" (the sample) and "<md5>.filename.txt" (its file name). The hub stores the raw sample
// (content-addressed, so hashes and dedupe mean something) and converts at the edges: UnwrapSampleZip on the
// way in, BuildSampleZip on the way out. Stateless functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/entities.h"

namespace bulwark::hub {

// MISP's password for sample archives.
inline constexpr std::string_view kSampleZipPassword = "infected";
// The largest sample a zip may unpack to: the decoded size of MISP JSON's largest `data` string (32 MiB of base64).
inline constexpr size_t kMaxSampleBytes = size_t{24} << 20;
// The largest file name entry read from a sample zip.
inline constexpr size_t kMaxSampleNameBytes = 4096;

// MISP's zip of `sample`: entries "<md5>" and "<md5>.filename.txt" (holding `file_name`), each deflated when
// that is smaller and encrypted with kSampleZipPassword. Deterministic: the same arguments always give the same
// bytes (fixed 1980-01-01 timestamps; each entry's 12-byte encryption header is derived from a SHA-256 of the
// entry, not drawn at random), so repeated views and feed exports are byte-stable.
// REQUIRES: sample.size() <= kMaxSampleBytes (anything the hub stores).
std::string BuildSampleZip(std::string_view sample, std::string_view file_name);

// The sample inside `data` when `data` is a zip in MISP's sample form, nullopt when it is not: not a zip at all,
// a zip whose entries are not all encrypted (e.g. a .jar sample), or one whose entries are not one sample plus at
// most one "<sample>.filename.txt". A zip in that form that cannot be opened is kInvalid with the reason (the
// password "infected" does not open it, a CRC mismatch, a corrupt or unsupported entry, a sample larger than
// `max_sample_bytes`), and so is data whose first zip entry is flagged encrypted but whose archive structure
// cannot be read (a damaged MISP zip); the returned error has no field (the caller names it). Reads at most
// `max_sample_bytes` + 1 bytes from the sample entry whatever the archive declares (zip bombs).
Result<std::optional<std::string>> UnwrapSampleZip(std::string_view data, size_t max_sample_bytes = kMaxSampleBytes);

// How `encrypt` (MISP's upload flag) says to read a malware-sample's data.
enum class SampleUpload {
  kRawFile,  // "encrypt": true: the data is the file itself; the hub builds the zip when it serves it
  kDetect,   // no "encrypt": a zip in MISP's sample form is unwrapped, anything else is the file itself
};

// The bytes to store for an attribute's base64 `data`: decoded, and for a malware-sample read as `upload` says.
// kInvalid on field "data" when the text is not base64 or a MISP sample zip cannot be opened.
Result<std::string> StoredAttributeData(std::string_view base64, std::string_view type, SampleUpload upload);

// The stored bytes of `attribute`'s data as MISP carries them: the sample zip for a malware-sample (its file
// name is the name half of "name|md5"), the bytes themselves for an attachment.
std::string MispAttributeData(const model::Attribute& attribute, std::string stored);

}  // namespace bulwark::hub
