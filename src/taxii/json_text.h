// Appending JSON text by hand, for responses built as strings (pages of up to thousands of objects are
// concatenated, never held as a JSON tree).
#pragma once

#include <string>
#include <string_view>

namespace bulwark::taxii {

// Appends `s` as a quoted JSON string (RFC 8259 escapes; bytes >= 0x80 are copied as they are).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace bulwark::taxii
