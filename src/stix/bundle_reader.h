// Streaming reader of STIX 2.1 bundles: memory proportional to the largest single object, not to the input.
//
// Accepted top-level shapes (decided here, documented for importers):
//  - a bundle `{"type":"bundle","id":"bundle--...","objects":[...]}` with its members in any order and
//    extra members ignored (spec §8: custom bundle properties may be dropped); `objects` may be absent;
//  - a bare JSON list of STIX objects `[{...}, {...}]` (what TAXII envelopes and some tools emit);
//  - a single STIX object `{"type":"indicator",...}` (the OASIS examples include such files).
// Each element of `objects` (or of the list) must be a JSON object; it is parsed on its own and handed to
// the callback as an Object, in input order, as soon as its closing brace arrives. Because the bundle's
// `type` may come after `objects`, a top-level object holding `objects` whose type then turns out not to
// be "bundle" fails at the end, after its elements were delivered: treat any error from Feed/Finish as
// aborting the whole import.
//
// Limits: every object (and every top-level bundle member other than `objects`) is bounded by
// max_object_bytes and max_depth; exceeding either is kTooLarge / kBadRequest with the byte offset. JSON must
// be strict RFC 8259 with valid UTF-8 (no comments, no trailing commas).
//
// Not thread-safe: one reader per stream. After an error, every further call returns that error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/stream_parser.hpp>

#include "common/result.h"
#include "stix/object.h"

namespace bulwark::stix {

struct BundleReaderOptions {
  size_t max_object_bytes = 16u << 20;  // Default: 16 MiB of JSON text per object
  size_t max_depth = 64;                // Default: nesting depth 64 inside one object
  // When set, every object is parsed into this arena and its Object keeps it (MakeObject with
  // ObjectStorage::kKeepBorrowed): destroying such an Object frees nothing, the arena frees every object at once.
  // The caller keeps the arena alive longer than every Object it receives. Default: one arena per object,
  // owned by the Object.
  boost::json::monotonic_resource* arena = nullptr;
};

enum class InputShape { kUnknown, kBundle, kList, kSingleObject };

class BundleReader {
 public:
  // Receives each object; a non-ok Status stops reading and is returned by Feed/Finish.
  using Callback = std::function<Status(Object&&)>;

  explicit BundleReader(Callback callback, BundleReaderOptions options = {});

  // Consumes the next piece of input (any size, split anywhere, including inside a UTF-8 sequence).
  Status Feed(std::string_view chunk);
  // Declares the end of input; fails if the document is incomplete or not a bundle/list/object.
  Status Finish();

  InputShape shape() const { return shape_; }
  // The bundle's id ("" before Finish, or for lists and single objects).
  const std::string& bundle_id() const { return bundle_id_; }
  size_t objects_read() const { return objects_read_; }
  uint64_t bytes_consumed() const { return offset_; }
  // The most bytes of input held for one value at a time (the memory bound the tests check).
  size_t peak_value_bytes() const { return peak_value_bytes_; }

 private:
  enum class State {
    kStart,
    kObjKeyOrEnd,
    kObjKey,
    kObjColon,
    kObjValue,
    kObjCommaOrEnd,
    kElemOrEnd,
    kElem,
    kElemCommaOrEnd,
    kInValue,
    kTrailing,
  };
  enum class Target { kKey, kMember, kElement };

  Status Fail(ErrorCode code, std::string message);
  Status Step(std::string_view chunk, size_t& pos);
  Status BeginValue(Target target);
  Status ContinueValue(std::string_view chunk, size_t& pos);
  Status ValueDone(boost::json::value value);
  Status EndOfArray();
  Status FinishTopObject();

  Callback callback_;
  BundleReaderOptions options_;
  boost::json::stream_parser parser_;
  State state_ = State::kStart;
  Target target_ = Target::kMember;
  InputShape shape_ = InputShape::kUnknown;
  std::optional<Error> error_;
  uint64_t offset_ = 0;        // bytes consumed before the current position
  size_t value_bytes_ = 0;     // bytes of the value being parsed
  size_t envelope_bytes_ = 0;  // bytes of the top-level members other than objects
  size_t peak_value_bytes_ = 0;
  size_t objects_read_ = 0;
  bool objects_seen_ = false;
  std::string key_;
  boost::json::object envelope_;  // top-level members other than "objects"
  std::string bundle_id_;
};

// Reads a file in 64 KiB chunks through a BundleReader. kNotFound if the file cannot be opened.
Status ReadBundleFile(const std::string& path, const BundleReader::Callback& callback,
                      BundleReaderOptions options = {});

}  // namespace bulwark::stix
