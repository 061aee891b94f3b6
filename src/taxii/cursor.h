// Signed, stateless paging cursors for TAXII `next` (no server-side sessions, no expiry).
//
// A cursor names the change-log sequence of the last row a page returned and a fingerprint of the request it
// belongs to (endpoint, collection, object id, caller and every filter except `next` and `limit`). It is
// base64url(payload) "." base64url(HMAC-SHA256(secret, payload)); the secret is the hub's (StixStore::
// CursorSecret). Verify rejects, as kBadRequest: anything malformed, a bad signature (tampered, or signed by
// another hub), and a cursor presented with other filters than it was issued for (TAXII App. B: a `next`
// value must not be trusted implicitly). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark::taxii {

// 16 bytes of SHA-256 over `canonical_request`, hex: what a cursor binds itself to.
std::string RequestFingerprint(std::string_view canonical_request);

std::string SignCursor(std::string_view secret, int64_t last_seq, std::string_view fingerprint);

// The last sequence the cursor carries. kBadRequest (field "next") when it does not verify.
Result<int64_t> VerifyCursor(std::string_view secret, std::string_view cursor, std::string_view fingerprint);

// RFC 4648 §5 base64url without padding; decoding rejects padding, whitespace and non-alphabet bytes.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string& out);

}  // namespace bulwark::taxii
