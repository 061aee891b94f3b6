// Verb groups that register themselves with the command line: each Add*Commands adds its subcommands to the
// parser and returns a runner that, after parsing, runs the verb that was chosen (its exit code) or returns
// nullopt when none of its verbs was. main.cc asks each group in turn.
#pragma once

#include <functional>
#include <optional>

namespace CLI {
class App;
}

namespace bulwark::cli {

using VerbRunner = std::function<std::optional<int>()>;

VerbRunner AddPatternCommands(CLI::App& app);  // pattern.cc: pattern check|match
VerbRunner AddTaxiiCommands(CLI::App& app);    // taxii.cc: taxii collection add|list|remove
VerbRunner AddExportCommands(CLI::App& app);   // export.cc: export --format F
VerbRunner AddImportCommands(CLI::App& app);   // import.cc: import stix|misp|feed|taxii
VerbRunner AddCorrelateCommands(CLI::App& app);  // correlate.cc: correlate rebuild
VerbRunner AddMatchCommands(CLI::App& app);      // match.cc: match
VerbRunner AddAttachmentCommands(CLI::App& app);  // attachments.cc: attachments sweep

}  // namespace bulwark::cli
