// Fuzzes the signed TAXII paging cursor (`next`) as a client may send it: VerifyCursor over arbitrary text, and
// the base64url codec it rests on. Properties checked: decoding is strict (a decoded text re-encodes to itself),
// encoding round-trips, and a cursor that verifies is exactly the one this secret signs for its position.
// Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "taxii/cursor.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret";
// The fingerprint the seed cursors were signed for: RequestFingerprint("").
const std::string& Fingerprint() {
  static const std::string fp = bulwark::taxii::RequestFingerprint("");
  return fp;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bulwark::taxii;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto seq = VerifyCursor(kSecret, text, Fingerprint());
  if (seq.ok()) {
    if (seq.value() < 0 || SignCursor(kSecret, seq.value(), Fingerprint()) != text) std::abort();
  } else if (seq.error().message.empty()) {
    std::abort();
  }

  std::string decoded;
  if (Base64UrlDecode(text, decoded) && Base64UrlEncode(decoded) != text) std::abort();
  std::string again;
  if (!Base64UrlDecode(Base64UrlEncode(text), again) || again != text) std::abort();
  return 0;
}
