#include "feeds/taxii_client.h"

#include <boost/json.hpp>
#include <cctype>

#include "stix/object.h"

namespace bulwark::feeds {
namespace {

namespace json = boost::json;

constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

http::HeaderList Headers(const TaxiiPullOptions& o) {
  http::HeaderList h = {{"Accept", std::string(kTaxiiMediaType)}};
  if (!o.user.empty()) {
    h.emplace_back("Authorization", http::BasicAuthorization(o.user, o.password));
  } else if (!o.key.empty()) {
    h.emplace_back("Authorization", "Bearer " + o.key);
  }
  return h;
}

Result<json::value> GetJson(const std::string& url, const TaxiiPullOptions& o, http::ClientResponse* raw) {
  http::ClientRequest req;
  req.url = url;
  req.headers = Headers(o);
  BW_ASSIGN_OR_RETURN(http::ClientResponse resp, http::Fetch(req, o.http));
  if (resp.status != 200) {
    return MakeError(ErrorCode::kUnavailable, "GET " + url + " answered HTTP " + std::to_string(resp.status) + ": " +
                                                  resp.body.substr(0, 300));
  }
  json::parse_options popts;
  popts.max_depth = 128;
  boost::system::error_code ec;
  json::value v = json::parse(resp.body, ec, {}, popts);
  if (ec) return MakeError(ErrorCode::kBadRequest, "GET " + url + " did not return JSON: " + ec.message());
  if (raw != nullptr) {
    resp.body.clear();
    *raw = std::move(resp);
  }
  return v;
}

std::string WithSlash(std::string s) {
  if (s.empty() || s.back() != '/') s += '/';
  return s;
}

}  // namespace

std::string TaxiiStateKey(const std::string& objects_url) { return "taxii:" + objects_url; }

Result<std::string> TaxiiObjectsUrl(const TaxiiPullOptions& o) {
  if (o.collection.empty()) return MakeError(ErrorCode::kInvalid, "a collection id is needed", "collection");
  std::string root = WithSlash(o.url);
  BW_ASSIGN_OR_RETURN(json::value v, GetJson(root, o, nullptr));
  if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, root + " is not a TAXII resource");
  const json::object& obj = v.as_object();
  if (obj.contains("api_roots") || obj.contains("default")) {  // the discovery resource
    std::string chosen;
    if (auto* d = obj.if_contains("default"); d && d->is_string()) chosen = std::string(d->as_string());
    if (chosen.empty()) {
      if (auto* roots = obj.if_contains("api_roots"); roots && roots->is_array() && !roots->as_array().empty() &&
                                                      roots->as_array()[0].is_string()) {
        chosen = std::string(roots->as_array()[0].as_string());
      }
    }
    if (chosen.empty()) return MakeError(ErrorCode::kBadRequest, root + " lists no API root");
    root = WithSlash(http::ResolveUrl(root, chosen));
  } else if (!obj.contains("versions") && !obj.contains("title")) {
    return MakeError(ErrorCode::kBadRequest, root + " is neither a TAXII discovery nor an API root resource");
  }
  return root + "collections/" + QueryEscape(o.collection) + "/objects/";
}

Result<TaxiiReport> PullTaxii(hub::Hub& hub, const access::Principal& principal, const TaxiiPullOptions& o,
                              FeedState& state) {
  TaxiiReport report;
  BW_ASSIGN_OR_RETURN(report.objects_url, TaxiiObjectsUrl(o));
  auto progress = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  std::string added_after = o.added_after ? *o.added_after : state.cursor;
  std::string next;
  std::string last_added;
  std::vector<stix::Object> batch;
  stix::mapping::ImportOptions mopts;
  mopts.bundle_id = TaxiiStateKey(report.objects_url);
  mopts.loose_event_title = "TAXII " + o.collection;
  EventImporter importer(hub, principal);
  auto flush = [&]() -> Status {
    if (!batch.empty()) {
      BW_RETURN_IF_ERROR(ImportStixObjects(importer, hub, principal, std::move(batch), mopts, report.stix, o.progress));
      batch.clear();
    }
    report.stix.stats = importer.stats();
    if (!last_added.empty()) {
      state.cursor = last_added;
      report.cursor = last_added;
      if (o.save_state) BW_RETURN_IF_ERROR(o.save_state(state));
    }
    return Ok();
  };
  size_t empty_pages = 0;
  const size_t page_size = o.page_size == 0 ? 1000 : o.page_size;
  while (true) {
    if (o.cancelled && o.cancelled()) {
      report.cancelled = true;
      break;
    }
    std::string url = report.objects_url + "?limit=" + std::to_string(page_size);
    if (!added_after.empty()) url += "&added_after=" + QueryEscape(added_after);
    if (!next.empty()) url += "&next=" + QueryEscape(next);
    http::ClientResponse resp;
    BW_ASSIGN_OR_RETURN(json::value v, GetJson(url, o, &resp));
    if (!v.is_object()) return MakeError(ErrorCode::kBadRequest, "GET " + url + " did not return a TAXII envelope");
    json::object& env = v.as_object();
    report.pages++;
    size_t n = 0;
    if (auto* objs = env.if_contains("objects"); objs && objs->is_array()) {
      for (auto& item : objs->as_array()) {
        if (!item.is_object()) continue;
        batch.push_back(stix::MakeObject(std::move(item.as_object())));
        ++n;
      }
    }
    report.objects += n;
    auto date_last = resp.Header("X-TAXII-Date-Added-Last");
    if (date_last && !date_last->empty()) last_added = std::string(*date_last);
    bool more = false;
    if (auto* m = env.if_contains("more"); m && m->is_bool()) more = m->as_bool();
    std::string new_next;
    if (auto* nx = env.if_contains("next"); nx && nx->is_string()) new_next = std::string(nx->as_string());
    if (report.pages % 10 == 0) progress(std::to_string(report.objects) + " objects pulled in " + std::to_string(report.pages) + " pages");
    if (batch.size() >= o.batch_objects || !more) BW_RETURN_IF_ERROR(flush());
    if (!more) break;
    empty_pages = n == 0 ? empty_pages + 1 : 0;
    if (empty_pages >= kMaxEmptyPages) {
      progress("the server keeps answering more:true with empty pages; stopping");
      break;
    }
    if (!new_next.empty()) {
      next = std::move(new_next);  // same filters, plus next (spec §3.4)
    } else if (date_last && !date_last->empty()) {
      next.clear();
      added_after = std::string(*date_last);
    } else {
      BW_RETURN_IF_ERROR(flush());
      return MakeError(ErrorCode::kBadRequest, "the server said more:true without next or X-TAXII-Date-Added-Last");
    }
  }
  BW_RETURN_IF_ERROR(flush());
  return report;
}

Result<TaxiiReport> PullTaxiiResuming(hub::Hub& hub, const access::Principal& principal, TaxiiPullOptions options,
                                      const std::string& data_dir, const Clock& clock) {
  BW_ASSIGN_OR_RETURN(std::string objects_url, TaxiiObjectsUrl(options));
  BW_ASSIGN_OR_RETURN(FeedState state, LoadFeedState(data_dir, "taxii", TaxiiStateKey(objects_url)));
  options.save_state = [&](const FeedState& s) { return SaveFeedState(data_dir, s, clock.NowSeconds()); };
  return PullTaxii(hub, principal, options, state);
}

}  // namespace bulwark::feeds
