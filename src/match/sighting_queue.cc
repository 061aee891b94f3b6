#include "match/sighting_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/durable_file.h"
#include "common/uuid.h"

namespace bulwark::match {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInternal, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SegmentName(uint64_t number, const char* suffix) {
  std::string digits = std::to_string(number);
  return "seg-" + std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits + suffix;
}

// "seg-00000000000000000042.ready" -> 42 with suffix ".ready"; false for anything else.
bool ParseSegmentName(const std::string& name, std::string& suffix, uint64_t& number) {
  if (name.size() < 4 + 20 + 5 || name.compare(0, 4, "seg-") != 0) return false;
  suffix = name.substr(24);
  if (suffix != ".open" && suffix != ".ready") return false;
  auto [ptr, ec] = std::from_chars(name.data() + 4, name.data() + 24, number);
  return ec == std::errc() && ptr == name.data() + 24;
}

std::string ReportLine(const SightingReport& r) {
  json::object o;
  o["attribute_uuid"] = r.attribute_uuid;
  o["value"] = r.value;
  o["time"] = r.time_seconds;
  o["source"] = r.source;
  return json::serialize(o) + "\n";
}

// One line back into a sighting; false for a line that is not one (never expected: lines are fsync'd whole,
// and a torn tail is cut at recovery).
bool ParseReportLine(std::string_view line, hub::SensorSighting& out) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.get_object();
  const auto* uuid = o.if_contains("attribute_uuid");
  const auto* value = o.if_contains("value");
  const auto* time = o.if_contains("time");
  const auto* source = o.if_contains("source");
  if (!uuid || !uuid->is_string() || !value || !value->is_string() || !time || !time->is_int64() || !source ||
      !source->is_string()) {
    return false;
  }
  out.attribute_uuid = uuid->get_string();
  out.value = value->get_string();
  out.time_seconds = time->get_int64();
  out.source = source->get_string();
  return true;
}

}  // namespace

SightingQueue::SightingQueue(SightingQueueOptions options, BatchDeliverer deliver)
    : options_(std::move(options)), deliver_(std::move(deliver)) {
  options_.batch_size = std::clamp<size_t>(options_.batch_size, 1, hub::kMaxSightingBatch);
}

SightingQueue::~SightingQueue() {
  if (fd_ >= 0) ::close(fd_);  // left .open: sealed by the next Open
}

Result<std::unique_ptr<SightingQueue>> SightingQueue::Open(SightingQueueOptions options, BatchDeliverer deliver) {
  if (options.dir.empty()) return MakeError(ErrorCode::kInvalid, "the sighting queue needs a directory", "dir");
  std::unique_ptr<SightingQueue> q(new SightingQueue(std::move(options), std::move(deliver)));
  BW_RETURN_IF_ERROR(q->Recover());
  return q;
}

Status SightingQueue::Recover() {
  std::error_code ec;
  fs::create_directories(fs::path(options_.dir) / "rejected", ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + options_.dir + ": " + ec.message());
  const std::string id_path = (fs::path(options_.dir) / "instance-id").string();
  if (fs::exists(id_path)) {
    BW_ASSIGN_OR_RETURN(std::string id, ReadFile(id_path));
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    if (!IsUuid(id)) return MakeError(ErrorCode::kInternal, id_path + " does not hold a uuid");
    instance_id_ = NormaliseUuid(id);
  } else {
    instance_id_ = NewUuidV4();
    BW_RETURN_IF_ERROR(ReplaceFileDurably(id_path, instance_id_ + "\n"));
  }
  std::vector<std::pair<uint64_t, std::string>> open_segments;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    std::string suffix;
    uint64_t number = 0;
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && IsLeftoverTemporaryName(name)) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);  // a replacement cut short by a crash; its target is still whole
      continue;
    }
    if (!entry.is_regular_file() || !ParseSegmentName(name, suffix, number)) continue;
    next_number_ = std::max(next_number_, number + 1);
    if (suffix == ".open") {
      open_segments.emplace_back(number, entry.path().string());
    } else {
      queued_bytes_ += entry.file_size();
    }
  }
  if (ec) return MakeError(ErrorCode::kInternal, "cannot list " + options_.dir + ": " + ec.message());
  // A segment left open by a crash: keep its whole lines, seal it.
  for (const auto& [number, path] : open_segments) {
    BW_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    const size_t end = data.rfind('\n');
    if (end == std::string::npos) {
      fs::remove(path, ec);
      continue;
    }
    data.resize(end + 1);
    const std::string ready = (fs::path(options_.dir) / SegmentName(number, ".ready")).string();
    BW_RETURN_IF_ERROR(ReplaceFileDurably(ready, data));
    fs::remove(path, ec);
    queued_bytes_ += data.size();
  }
  return SyncDirectory(options_.dir);
}

Status SightingQueue::Add(std::vector<SightingReport> reports) {
  std::lock_guard lock(mu_);
  size_t i = 0;
  while (i < reports.size()) {
    if (fd_ < 0) {
      open_number_ = next_number_++;
      const std::string path = (fs::path(options_.dir) / SegmentName(open_number_, ".open")).string();
      fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
      if (fd_ < 0) return FileError("create", path, errno);
      open_reports_ = 0;
      open_bytes_ = 0;
      BW_RETURN_IF_ERROR(SyncDirectory(options_.dir));
    }
    std::string lines;
    const size_t n = std::min(reports.size() - i, options_.batch_size - open_reports_);
    for (size_t k = 0; k < n; ++k) lines += ReportLine(reports[i + k]);
    if (queued_bytes_ + lines.size() > options_.max_queued_bytes) {
      return MakeError(ErrorCode::kTooLarge, "the sighting queue in " + options_.dir + " is full (" +
                                                 std::to_string(queued_bytes_) + " bytes waiting for the hub)");
    }
    const std::string path = (fs::path(options_.dir) / SegmentName(open_number_, ".open")).string();
    Status written = WriteAll(fd_, lines, path);
    if (written.ok() && ::fdatasync(fd_) != 0) written = FileError("sync", path, errno);
    if (!written.ok()) {
      // Cut a partial write back so the segment holds whole lines only.
      if (::ftruncate(fd_, static_cast<off_t>(open_bytes_)) != 0) written = FileError("truncate", path, errno);
      return written;
    }
    open_bytes_ += lines.size();
    queued_bytes_ += lines.size();
    open_reports_ += n;
    i += n;
    if (open_reports_ >= options_.batch_size) BW_RETURN_IF_ERROR(SealLocked());
  }
  return Ok();
}

Status SightingQueue::SealLocked() {
  if (fd_ < 0) return Ok();
  const std::string open_path = (fs::path(options_.dir) / SegmentName(open_number_, ".open")).string();
  ::close(fd_);
  fd_ = -1;
  if (open_reports_ == 0) {
    ::unlink(open_path.c_str());
    return Ok();
  }
  const std::string ready = (fs::path(options_.dir) / SegmentName(open_number_, ".ready")).string();
  if (::rename(open_path.c_str(), ready.c_str()) != 0) return FileError("rename", open_path, errno);
  open_reports_ = 0;
  return SyncDirectory(options_.dir);
}

Status SightingQueue::Flush() {
  std::lock_guard flush_lock(flush_mu_);
  {
    std::lock_guard lock(mu_);
    BW_RETURN_IF_ERROR(SealLocked());
  }
  std::vector<std::pair<uint64_t, std::string>> ready;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    std::string suffix;
    uint64_t number = 0;
    if (ParseSegmentName(entry.path().filename().string(), suffix, number) && suffix == ".ready") {
      ready.emplace_back(number, entry.path().string());
    }
  }
  if (ec) return MakeError(ErrorCode::kInternal, "cannot list " + options_.dir + ": " + ec.message());
  std::sort(ready.begin(), ready.end());
  for (const auto& [number, path] : ready) {
    BW_RETURN_IF_ERROR(DeliverSegment(path, number));
  }
  return Ok();
}

Status SightingQueue::DeliverSegment(const std::string& path, uint64_t number) {
  BW_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  hub::SightingBatch batch;
  batch.batch_id = instance_id_ + ":" + std::to_string(number);
  std::string_view rest = data;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    hub::SensorSighting s;
    if (!line.empty() && ParseReportLine(line, s)) batch.sightings.push_back(std::move(s));
  }
  std::error_code ec;
  if (!batch.sightings.empty()) {
    Status st = deliver_ ? deliver_(batch) : Status(MakeError(ErrorCode::kUnavailable, "no hub to deliver to"));
    if (!st.ok()) {
      const ErrorCode code = st.error().code;
      if (code != ErrorCode::kInvalid && code != ErrorCode::kBadRequest && code != ErrorCode::kTooLarge) {
        return st;  // transient or a refused key: keep it queued
      }
      // The hub will never accept this batch: keep it for the operator, out of the way of the others.
      fs::rename(path, fs::path(options_.dir) / "rejected" / fs::path(path).filename(), ec);
      if (ec) return MakeError(ErrorCode::kInternal, "cannot move " + path + " aside: " + ec.message());
      std::lock_guard lock(mu_);
      queued_bytes_ -= std::min<uint64_t>(queued_bytes_, data.size());
      return SyncDirectory(options_.dir);
    }
  }
  if (::unlink(path.c_str()) != 0) return FileError("delete", path, errno);
  {
    std::lock_guard lock(mu_);
    queued_bytes_ -= std::min<uint64_t>(queued_bytes_, data.size());
  }
  return SyncDirectory(options_.dir);
}

size_t SightingQueue::ReadySegments() const {
  size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    std::string suffix;
    uint64_t number = 0;
    if (ParseSegmentName(entry.path().filename().string(), suffix, number) && suffix == ".ready") ++n;
  }
  return n;
}

size_t SightingQueue::OpenReports() const {
  std::lock_guard lock(mu_);
  return open_reports_;
}

Result<std::unique_ptr<SightingSink>> OpenHubSightingQueue(const HubSourceOptions& hub, const std::string& dir,
                                                           size_t batch_size) {
  BW_RETURN_IF_ERROR(http::ParseUrl(hub.url));
  if (hub.api_key.empty()) return MakeError(ErrorCode::kInvalid, "the sensor needs an API key (--key)", "key");
  std::string base = hub.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  BatchDeliverer deliver = [base, key = hub.api_key, client = hub.http](const hub::SightingBatch& batch) -> Status {
    http::ClientRequest req;
    req.method = "POST";
    req.url = base + "/api/v1/sensor/sightings";
    req.headers = {{"Authorization", key}, {"Content-Type", "application/json"}, {"Accept", "application/json"}};
    req.body = hub::RenderSightingBatch(batch);
    BW_ASSIGN_OR_RETURN(http::ClientResponse resp, http::Fetch(req, client));
    if (resp.status != 200) return HubResponseError(resp, "sightings batch " + batch.batch_id);
    return Ok();
  };
  SightingQueueOptions o;
  o.dir = dir;
  o.batch_size = batch_size;
  BW_ASSIGN_OR_RETURN(auto q, SightingQueue::Open(o, std::move(deliver)));
  return std::unique_ptr<SightingSink>(std::move(q));
}

}  // namespace bulwark::match
