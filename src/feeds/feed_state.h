// What an incremental import remembers between runs, per source: for MISP feeds the manifest timestamp of
// every event imported, for TAXII the last X-TAXII-Date-Added-Last seen, for freetext/CSV feeds the event
// they fill. Kept as one small JSON file per source in DATA_DIR/import-state/ (decided over the store's
// library table so that it never enters the change log or the sync stream, and so that an operator can read,
// back up or delete it to force a full re-import; see docs/import.md).
//
// The file name is "<kind>-<first 16 hex of SHA-256(key)>.json"; the key (the feed name or its location, the
// TAXII server + collection) is stored inside. Saves are atomic (write to a temporary file, fsync, rename).
// Not thread-safe; two imports of the same source at the same time would each keep their own copy (the last
// save wins, which at worst makes the next run import again what the hub already holds, as unchanged).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace bulwark::feeds {

struct FeedState {
  std::string kind;                       // "misp-feed", "taxii", "freetext", "csv"
  std::string key;                        // the source's identity
  std::map<std::string, int64_t> events;  // MISP feeds: event uuid -> manifest timestamp imported
  std::string cursor;                     // TAXII: last X-TAXII-Date-Added-Last imported
  int64_t last_run = 0;                   // epoch seconds of the last save
};

// The state file's path for (data_dir, kind, key).
std::string StatePath(const std::string& data_dir, const std::string& kind, const std::string& key);

// Loads the state (an empty FeedState with kind and key set when there is no file yet).
// Errors: kInternal when the file exists but cannot be read or parsed.
Result<FeedState> LoadFeedState(const std::string& data_dir, const std::string& kind, const std::string& key);

// Saves atomically. Errors: kInternal with the path on I/O failure.
Status SaveFeedState(const std::string& data_dir, const FeedState& state, int64_t now);

}  // namespace bulwark::feeds
