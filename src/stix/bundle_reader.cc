#include "stix/bundle_reader.h"

#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse_options.hpp>

#include "common/uuid.h"

namespace bulwark::stix {
namespace {

boost::json::parse_options ParseOptions(const BundleReaderOptions& o) {
  boost::json::parse_options p;
  p.max_depth = o.max_depth;
  return p;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Describe(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
  return buf;
}

}  // namespace

BundleReader::BundleReader(Callback callback, BundleReaderOptions options)
    : callback_(std::move(callback)),
      options_(options),
      parser_(boost::json::storage_ptr(), ParseOptions(options)) {}

Status BundleReader::Fail(ErrorCode code, std::string message) {
  error_ = MakeError(code, std::move(message) + " at byte " + std::to_string(offset_));
  return *error_;
}

Status BundleReader::Feed(std::string_view chunk) {
  if (error_) return *error_;
  size_t pos = 0;
  while (pos < chunk.size()) {
    BW_RETURN_IF_ERROR(Step(chunk, pos));
  }
  return Ok();
}

Status BundleReader::Step(std::string_view chunk, size_t& pos) {
  if (state_ == State::kInValue) return ContinueValue(chunk, pos);
  const char c = chunk[pos];
  if (IsSpace(c)) {
    ++pos;
    ++offset_;
    return Ok();
  }
  auto advance = [&](State next) {
    ++pos;
    ++offset_;
    state_ = next;
    return Ok();
  };
  switch (state_) {
    case State::kStart:
      if (c == '{') {
        shape_ = InputShape::kSingleObject;  // until "objects" shows it is a bundle
        return advance(State::kObjKeyOrEnd);
      }
      if (c == '[') {
        shape_ = InputShape::kList;
        return advance(State::kElemOrEnd);
      }
      return Fail(ErrorCode::kBadRequest, "expected a STIX bundle, a list of objects or an object, found " +
                                              Describe(c));
    case State::kObjKeyOrEnd:
    case State::kObjKey:
      if (c == '}' && state_ == State::kObjKeyOrEnd) {
        ++pos;
        ++offset_;
        return FinishTopObject();
      }
      if (c != '"') return Fail(ErrorCode::kBadRequest, "expected a member name, found " + Describe(c));
      return BeginValue(Target::kKey);
    case State::kObjColon:
      if (c != ':') return Fail(ErrorCode::kBadRequest, "expected ':', found " + Describe(c));
      return advance(State::kObjValue);
    case State::kObjValue:
      if (key_ == "objects") {
        if (objects_seen_) return Fail(ErrorCode::kBadRequest, "duplicate \"objects\" member");
        if (c != '[') return Fail(ErrorCode::kBadRequest, "\"objects\" must be a list");
        objects_seen_ = true;
        shape_ = InputShape::kBundle;
        return advance(State::kElemOrEnd);
      }
      return BeginValue(Target::kMember);
    case State::kObjCommaOrEnd:
      if (c == ',') return advance(State::kObjKey);
      if (c == '}') {
        ++pos;
        ++offset_;
        return FinishTopObject();
      }
      return Fail(ErrorCode::kBadRequest, "expected ',' or '}', found " + Describe(c));
    case State::kElemOrEnd:
    case State::kElem:
      if (c == ']' && state_ == State::kElemOrEnd) {
        ++pos;
        ++offset_;
        return EndOfArray();
      }
      if (c != '{') {
        return Fail(ErrorCode::kBadRequest,
                    "objects[" + std::to_string(objects_read_) + "] must be a JSON object, found " + Describe(c));
      }
      return BeginValue(Target::kElement);
    case State::kElemCommaOrEnd:
      if (c == ',') return advance(State::kElem);
      if (c == ']') {
        ++pos;
        ++offset_;
        return EndOfArray();
      }
      return Fail(ErrorCode::kBadRequest, "expected ',' or ']' after objects[" + std::to_string(objects_read_ - 1) +
                                              "], found " + Describe(c));
    case State::kTrailing:
      return Fail(ErrorCode::kBadRequest, "unexpected " + Describe(c) + " after the end of the document");
    case State::kInValue:
      break;
  }
  return Ok();
}

Status BundleReader::BeginValue(Target target) {
  target_ = target;
  value_bytes_ = 0;
  if (target == Target::kElement) {
    // One arena per object: parsing allocates from it and the Object frees it in one go. Or the caller's arena
    // for every object, which makes destroying them free.
    if (options_.arena != nullptr) {
      parser_.reset(boost::json::storage_ptr(options_.arena));
    } else {
      parser_.reset(boost::json::make_shared_resource<boost::json::monotonic_resource>());
    }
  } else {
    parser_.reset();
  }
  state_ = State::kInValue;
  return Ok();
}

Status BundleReader::ContinueValue(std::string_view chunk, size_t& pos) {
  const size_t budget =
      target_ == Target::kElement ? options_.max_object_bytes : options_.max_object_bytes - envelope_bytes_;
  const size_t room = budget - value_bytes_;
  const size_t len = std::min(chunk.size() - pos, room + 1);
  boost::system::error_code ec;
  const size_t n = parser_.write_some(chunk.data() + pos, len, ec);
  pos += n;
  offset_ += n;
  value_bytes_ += n;
  if (ec) {
    return Fail(ErrorCode::kBadRequest,
                (target_ == Target::kElement ? "objects[" + std::to_string(objects_read_) + "]: " : std::string()) +
                    "invalid JSON (" + ec.message() + ")");
  }
  if (value_bytes_ > budget) {
    return Fail(ErrorCode::kTooLarge, (target_ == Target::kElement ? "objects[" + std::to_string(objects_read_) + "]"
                                                                   : std::string("a bundle member")) +
                                          " is larger than " + std::to_string(options_.max_object_bytes) + " bytes");
  }
  if (!parser_.done()) {
    if (n == 0) return Fail(ErrorCode::kBadRequest, "invalid JSON");
    return Ok();
  }
  peak_value_bytes_ = std::max(peak_value_bytes_, value_bytes_);
  if (target_ != Target::kElement) envelope_bytes_ += value_bytes_;
  return ValueDone(parser_.release());
}

Status BundleReader::ValueDone(boost::json::value value) {
  switch (target_) {
    case Target::kKey:
      key_ = std::string(value.get_string());
      state_ = State::kObjColon;
      return Ok();
    case Target::kMember:
      if (envelope_.contains(key_)) return Fail(ErrorCode::kBadRequest, "duplicate member \"" + key_ + "\"");
      envelope_.emplace(key_, std::move(value));
      state_ = State::kObjCommaOrEnd;
      return Ok();
    case Target::kElement: {
      state_ = State::kElemCommaOrEnd;
      ++objects_read_;
      Status st = callback_(MakeObject(std::move(value.get_object()), options_.arena != nullptr
                                                                          ? ObjectStorage::kKeepBorrowed
                                                                          : ObjectStorage::kOwnedOrCopied));
      if (!st.ok()) {
        error_ = st.error();
        return st;
      }
      return Ok();
    }
  }
  return Ok();
}

Status BundleReader::EndOfArray() {
  if (shape_ == InputShape::kList) {
    state_ = State::kTrailing;
  } else {
    state_ = State::kObjCommaOrEnd;
  }
  return Ok();
}

Status BundleReader::FinishTopObject() {
  state_ = State::kTrailing;
  const auto* type = envelope_.if_contains("type");
  const bool is_bundle = type != nullptr && type->is_string() && type->get_string() == "bundle";
  if (objects_seen_ || is_bundle) {
    shape_ = InputShape::kBundle;
    if (!is_bundle) return Fail(ErrorCode::kBadRequest, "a top-level object with \"objects\" must have type \"bundle\"");
    const auto* id = envelope_.if_contains("id");
    const std::string_view text = id != nullptr && id->is_string() ? std::string_view(id->get_string()) : "";
    if (text.substr(0, 8) != "bundle--" || !IsUuid(text.substr(8))) {
      return Fail(ErrorCode::kBadRequest, "the bundle id must be bundle--<UUID>");
    }
    bundle_id_ = std::string(text);
    envelope_ = {};
    return Ok();
  }
  ++objects_read_;
  Status st = callback_(MakeObject(std::move(envelope_)));
  envelope_ = {};
  if (!st.ok()) error_ = st.error();
  return st;
}

Status BundleReader::Finish() {
  if (error_) return *error_;
  if (state_ != State::kTrailing) {
    return Fail(ErrorCode::kBadRequest, state_ == State::kStart ? "empty input" : "unexpected end of input");
  }
  return Ok();
}

Status ReadBundleFile(const std::string& path, const BundleReader::Callback& callback, BundleReaderOptions options) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  BundleReader reader(callback, options);
  std::vector<char> buf(64 * 1024);
  while (true) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), file.get());
    if (n > 0) BW_RETURN_IF_ERROR(reader.Feed(std::string_view(buf.data(), n)));
    if (n < buf.size()) {
      if (std::ferror(file.get())) return MakeError(ErrorCode::kInternal, "read error on " + path);
      break;
    }
  }
  return reader.Finish();
}

}  // namespace bulwark::stix
