#include "match/hub_source.h"

#include <boost/json.hpp>
#include <unordered_map>

#include "hub/sensor_feed.h"
#include "match/store_source.h"

namespace bulwark::match {

Error HubResponseError(const http::ClientResponse& response, std::string_view what) {
  std::string detail;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* m = v.get_object().if_contains("message"); m && m->is_string()) detail = m->get_string();
  }
  std::string message = std::string(what) + ": the hub answered HTTP " + std::to_string(response.status);
  if (!detail.empty()) message += " (" + detail.substr(0, 300) + ")";
  const int s = response.status;
  ErrorCode code = ErrorCode::kInternal;
  if (s == 401)
    code = ErrorCode::kUnauthenticated;
  else if (s == 403)
    code = ErrorCode::kForbidden;
  else if (s == 404)
    code = ErrorCode::kNotFound;
  else if (s == 400 || s == 413 || s == 422 || s == 415)
    code = ErrorCode::kInvalid;
  else if (s == 429 || s >= 500)
    code = ErrorCode::kUnavailable;
  return MakeError(code, std::move(message));
}

namespace {

class HubSource : public IndicatorSource {
 public:
  explicit HubSource(HubSourceOptions o) : o_(std::move(o)) {
    while (!o_.url.empty() && o_.url.back() == '/') o_.url.pop_back();
  }

  Result<IndicatorBatch> Load() override {
    IndicatorBatch batch;
    batch.full = true;
    std::unordered_map<std::string, size_t> index;
    size_t budget = o_.max_indicators;
    int64_t after = 0;
    for (size_t i = 0; i < o_.max_requests; ++i) {
      BW_ASSIGN_OR_RETURN(hub::FeedPage page, Get("page_after_event=" + std::to_string(after), budget));
      if (!page.full) return MakeError(ErrorCode::kBadRequest, "the hub answered a full-load request with a delta");
      if (i == 0) batch.cursor = page.cursor;
      MergeFeedEvents(batch, index, std::move(page.events));
      if (!page.more) return batch;
      if (page.next_page_after_event <= after) {
        return MakeError(ErrorCode::kBadRequest, "the hub's next_page_after_event does not advance");
      }
      after = page.next_page_after_event;
    }
    return MakeError(ErrorCode::kTooLarge,
                     "the full load needed more than " + std::to_string(o_.max_requests) + " requests");
  }

  Result<IndicatorBatch> Poll(int64_t cursor) override {
    IndicatorBatch batch;
    batch.cursor = cursor;
    std::unordered_map<std::string, size_t> index;
    size_t budget = o_.max_indicators;
    for (size_t i = 0; i < o_.max_requests; ++i) {
      BW_ASSIGN_OR_RETURN(hub::FeedPage page, Get("after=" + std::to_string(batch.cursor), budget));
      if (page.full) return MakeError(ErrorCode::kBadRequest, "the hub answered a delta request with a full page");
      if (page.more && page.cursor <= batch.cursor) {
        return MakeError(ErrorCode::kBadRequest, "the hub's delta cursor does not advance");
      }
      batch.cursor = page.cursor;
      MergeFeedEvents(batch, index, std::move(page.events));
      if (!page.more) return batch;
    }
    return MakeError(ErrorCode::kTooLarge,
                     "the delta needed more than " + std::to_string(o_.max_requests) + " requests");
  }

 private:
  Result<hub::FeedPage> Get(const std::string& query, size_t& budget) {
    http::ClientRequest req;
    req.url = o_.url + "/api/v1/sensor/indicators?" + query + "&limit=" + std::to_string(o_.page_limit);
    req.headers = {{"Authorization", o_.api_key}, {"Accept", "application/json"}};
    BW_ASSIGN_OR_RETURN(http::ClientResponse resp, http::Fetch(req, o_.http));
    if (resp.status != 200) return HubResponseError(resp, "sensor feed");
    BW_ASSIGN_OR_RETURN(hub::FeedPage page, hub::ParseFeedPage(resp.body, budget));
    for (const auto& e : page.events) budget -= e.indicators.size();  // ParseFeedPage kept it within budget
    return page;
  }

  HubSourceOptions o_;
};

}  // namespace

Result<std::unique_ptr<IndicatorSource>> OpenHubSource(HubSourceOptions options) {
  BW_RETURN_IF_ERROR(http::ParseUrl(options.url));
  if (options.api_key.empty()) return MakeError(ErrorCode::kInvalid, "the sensor needs an API key (--key)", "key");
  if (options.page_limit == 0) options.page_limit = kFeedPageLimit;
  return std::unique_ptr<IndicatorSource>(std::make_unique<HubSource>(std::move(options)));
}

}  // namespace bulwark::match
