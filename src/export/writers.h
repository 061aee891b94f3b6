// Internal to the export module: the factories MakeWriter dispatches to. Options are validated by the
// factories that need it.
#pragma once

#include <memory>

#include "common/result.h"
#include "export/export.h"

namespace bulwark::exporter::internal {

enum class NidsFlavour : uint8_t { kSuricata, kSnort };

Result<std::unique_ptr<Writer>> MakeCsvWriter(const CsvOptions& options);
std::unique_ptr<Writer> MakeTextWriter();
std::unique_ptr<Writer> MakeHashesWriter();
std::unique_ptr<Writer> MakeNidsWriter(NidsFlavour flavour, const ExportOptions& options);
std::unique_ptr<Writer> MakeZeekWriter(const ExportOptions& options);
Result<std::unique_ptr<Writer>> MakeRpzWriter(const RpzOptions& options);

}  // namespace bulwark::exporter::internal
