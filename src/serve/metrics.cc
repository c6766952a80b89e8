// Prometheus text format: https://prometheus.io/docs/instrumenting/exposition_formats/
#include "src/serve/metrics.h"

#include <cstdio>

namespace tincay {

void Metrics::record(std::string_view endpoint, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = endpoints_.find(endpoint);
  if (it == endpoints_.end()) it = endpoints_.emplace(std::string(endpoint), Endpoint{}).first;
  Endpoint& e = it->second;
  ++e.by_status[status];
  ++e.count;
  e.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++e.buckets[i];
  }
}

void Metrics::scanned(const std::vector<Decision>& decisions) {
  std::lock_guard<std::mutex> lock(mu_);
  posts_scanned_ += decisions.size();
  for (const Decision& d : decisions) {
    for (const Category c : d.statement.categories) ++flags_[category_index(c)];
  }
}

std::string Metrics::render(std::int64_t queue_depth) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string o;
  char num[64];
  auto line = [&](const std::string& name, std::uint64_t v) {
    o += name + " " + std::to_string(v) + "\n";
  };
  o += "# HELP tincay_http_requests_total HTTP requests answered, by endpoint and status.\n";
  o += "# TYPE tincay_http_requests_total counter\n";
  for (const auto& [name, e] : endpoints_) {
    for (const auto& [status, n] : e.by_status) {
      line("tincay_http_requests_total{endpoint=\"" + name + "\",code=\"" + std::to_string(status) +
               "\"}",
           n);
    }
  }
  o += "# HELP tincay_http_request_duration_seconds Time to answer a request.\n";
  o += "# TYPE tincay_http_request_duration_seconds histogram\n";
  for (const auto& [name, e] : endpoints_) {
    const std::string label = "{endpoint=\"" + name + "\",le=\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(num, sizeof num, "%g", kBuckets[i]);
      line("tincay_http_request_duration_seconds_bucket" + label + num + "\"}", e.buckets[i]);
    }
    line("tincay_http_request_duration_seconds_bucket" + label + "+Inf\"}", e.count);
    std::snprintf(num, sizeof num, "%.6f", e.sum);
    o += "tincay_http_request_duration_seconds_sum{endpoint=\"" + name + "\"} " + num + "\n";
    line("tincay_http_request_duration_seconds_count{endpoint=\"" + name + "\"}", e.count);
  }
  o += "# HELP tincay_posts_scanned_total Posts scanned through the API.\n";
  o += "# TYPE tincay_posts_scanned_total counter\n";
  line("tincay_posts_scanned_total", posts_scanned_);
  o += "# HELP tincay_flags_total Posts flagged, by category.\n";
  o += "# TYPE tincay_flags_total counter\n";
  for (const Category c : kAllCategories) {
    line("tincay_flags_total{category=\"" + std::string(category_name(c)) + "\"}",
         flags_[category_index(c)]);
  }
  if (queue_depth >= 0) {
    o += "# HELP tincay_review_queue_depth Flagged posts awaiting a human review.\n";
    o += "# TYPE tincay_review_queue_depth gauge\n";
    line("tincay_review_queue_depth", static_cast<std::uint64_t>(queue_depth));
  }
  return o;
}

}  // namespace tincay
