// The trends report as JSON (GET /v1/trends), terminal text and an SVG chart.
#include <algorithm>
#include <cstdio>
#include <string>

#include "tincay/analytics.h"
#include "tincay/core/json_writer.h"
#include "tincay/core/time.h"

namespace tincay {
namespace {

void count_value(JsonWriter& w, const TrendCount& c) {
  if (c.shown) {
    w.number(c.posts);
  } else {
    w.null();
  }
}

void count_array(JsonWriter& w, const std::vector<TrendCount>& cells) {
  w.begin_array();
  for (const TrendCount& c : cells) count_value(w, c);
  w.end_array();
}

void series_array(JsonWriter& w, const std::vector<TrendSeries>& list, const char* name_key) {
  w.begin_array();
  for (const TrendSeries& s : list) {
    w.begin_object();
    w.key(name_key).string(s.name);
    w.key("posts");
    count_array(w, s.buckets);
    w.key("total");
    count_value(w, s.total);
    w.end_object();
  }
  w.end_array();
}

void share_array(JsonWriter& w, const std::vector<TrendShare>& list, const char* name_key) {
  w.begin_array();
  for (const TrendShare& s : list) {
    w.begin_object();
    w.key(name_key).string(s.name);
    w.key("share");
    if (s.share) {
      w.score(*s.share);
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
}

void topic_value(JsonWriter& w, int topic) {
  if (topic > 0) {
    w.number(topic);
  } else {
    w.null();
  }
}

std::string topic_label(const TrendTopic& t) {
  std::string label;
  for (std::size_t i = 0; i < t.phrases.size() && i < 3; ++i) {
    if (i > 0) label += " / ";
    label += t.phrases[i];
  }
  return label;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string trends_to_json(const TrendsReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("from").string(format_rfc3339_utc(r.options.from));
  w.key("to").string(format_rfc3339_utc(r.options.to));
  w.key("bucket").string(r.options.bucket == TrendLevel::kHour ? "hour" : "day");
  w.key("k").number(static_cast<std::int64_t>(r.options.k));
  w.key("buckets").begin_array();
  for (const std::int64_t b : r.buckets) w.string(format_rfc3339_utc(b));
  w.end_array();
  w.key("emotion_model");
  if (r.options.emotion_model.empty()) {
    w.null();
  } else {
    w.string(r.options.emotion_model);
  }
  w.key("volume").begin_object();
  w.key("total");
  count_array(w, r.total);
  w.key("platforms");
  series_array(w, r.platforms, "platform");
  w.end_object();
  w.key("categories");
  series_array(w, r.categories, "category");
  w.key("emotions");
  series_array(w, r.emotions, "label");
  w.key("phrases").begin_array();
  for (const TopPhrase& p : r.phrases) {
    w.begin_object();
    w.key("phrase").string(p.phrase);
    w.key("posts").number(p.posts);
    w.key("score").score(p.score);
    w.key("topic");
    topic_value(w, p.topic);
    w.end_object();
  }
  w.end_array();
  w.key("topics").begin_array();
  for (const TrendTopic& t : r.topics) {
    w.begin_object();
    w.key("id").number(t.id);
    w.key("label").string(topic_label(t));
    w.key("phrases").begin_array();
    for (const std::string& p : t.phrases) w.string(p);
    w.end_array();
    // "posts" (the API's name since the schema was published) counts mentions: see docs/trends.md.
    w.key("posts");
    count_value(w, t.mentions);
    w.key("series");
    count_array(w, t.series);
    w.key("emotions");
    share_array(w, t.emotions, "label");
    w.key("categories");
    share_array(w, t.categories, "category");
    w.end_object();
  }
  w.end_array();
  w.key("emerging").begin_array();
  for (const EmergingIssue& e : r.emerging) {
    w.begin_object();
    w.key("phrase").string(e.phrase);
    w.key("topic");
    topic_value(w, e.topic);
    w.key("started_at").string(format_rfc3339_utc(e.started_at));
    w.key("detected_at").string(format_rfc3339_utc(e.detected_at));
    w.key("peak_at").string(format_rfc3339_utc(e.peak_at));
    w.key("z").score(e.z);
    w.key("posts").number(e.posts);
    w.key("baseline").score(e.baseline);
    w.end_object();
  }
  w.end_array();
  w.key("suppressed").begin_object();
  w.key("cells").number(static_cast<std::int64_t>(r.suppressed_cells));
  w.key("phrases").number(static_cast<std::int64_t>(r.suppressed_phrases));
  w.key("topics").number(static_cast<std::int64_t>(r.suppressed_topics));
  w.end_object();
  w.key("methods").begin_object();
  w.key("authors").string(
      "a number is shown only when at least k distinct pseudonymous authors back it (exact "
      "distinct counts up to 64, HyperLogLog beyond); smaller cells are null");
  w.key("phrases").string(
      "two adjacent content syllables (stop words removed), ranked by Dunning's log-likelihood "
      "ratio G2 over posts");
  w.key("topics").string(
      "top phrases linked when they share posts (NPMI >= 0.25, at least 3 posts), single "
      "linkage, at most 8 phrases per topic");
  w.key("emerging")
      .string("per phrase, z = (x - mean) / sqrt(max(var, mean) + 1) against its own previous " +
              std::to_string(r.options.burst.baseline != 0
                                 ? r.options.burst.baseline
                                 : (r.options.bucket == TrendLevel::kHour ? 48 : 14)) +
              " buckets; alarm at z >= " + fmt("%.1f", r.options.burst.z_alarm) +
              " with >= " + std::to_string(r.options.burst.min_posts) +
              " posts and >= " + fmt("%.1f", r.options.burst.min_ratio) + " x (mean + 1)" +
              "; the burst starts at the earliest preceding bucket with z >= " +
              fmt("%.1f", r.options.burst.z_start));
  w.end_object();
  w.end_object();
  out.push_back('\n');
  return out;
}

std::string trends_to_text(const TrendsReport& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  auto count = [](const TrendCount& c) {
    return c.shown ? std::to_string(c.posts) : std::string("suppressed");
  };
  line("trends " + format_rfc3339_utc(r.options.from) + " .. " + format_rfc3339_utc(r.options.to) +
       " by " + (r.options.bucket == TrendLevel::kHour ? "hour" : "day") +
       " (k = " + std::to_string(r.options.k) + " distinct authors per number)");
  line("");
  line("volume:");
  for (const TrendSeries& s : r.platforms) {
    line("  " + (s.name.empty() ? std::string("(unknown platform)") : s.name) + ": " +
         count(s.total));
  }
  if (!r.categories.empty()) {
    line("flagged:");
    for (const TrendSeries& s : r.categories) line("  " + s.name + ": " + count(s.total));
  }
  if (!r.emotions.empty()) {
    line("emotions:");
    for (const TrendSeries& s : r.emotions) line("  " + s.name + ": " + count(s.total));
  }
  line("top phrases:");
  for (const TopPhrase& p : r.phrases) {
    line("  " + p.phrase + "  (" + std::to_string(p.posts) + " posts, G2 " + fmt("%.1f", p.score) +
         (p.topic > 0 ? ", topic " + std::to_string(p.topic) : "") + ")");
  }
  line("topics:");
  for (const TrendTopic& t : r.topics) {
    std::string emotions;
    for (const TrendShare& s : t.emotions) {
      if (!s.share || *s.share < 0.05) continue;
      emotions += " " + s.name + " " + fmt("%.0f%%", 100.0 * *s.share);
    }
    line("  " + std::to_string(t.id) + ". " + topic_label(t) + "  (" + count(t.mentions) +
         " mentions" + (emotions.empty() ? "" : ";" + emotions) + ")");
  }
  line("emerging:");
  if (r.emerging.empty()) line("  none");
  for (const EmergingIssue& e : r.emerging) {
    line("  " + e.phrase + "  from " + format_rfc3339_utc(e.started_at) + ", alarm " +
         format_rfc3339_utc(e.detected_at) + ", z " + fmt("%.1f", e.z) + ", " +
         std::to_string(e.posts) + " posts (baseline " + fmt("%.1f", e.baseline) + "/bucket)");
  }
  line("suppressed (fewer than k authors): " + std::to_string(r.suppressed_cells) + " cells, " +
       std::to_string(r.suppressed_phrases) + " phrases");
  return out;
}

std::string trends_to_svg(const TrendsReport& r) {
  constexpr double kWidth = 960;
  constexpr double kPanel = 240;
  constexpr double kLeft = 60;
  constexpr double kRight = 220;
  constexpr double kTop = 40;
  constexpr double kGap = 60;
  static constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                            "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  const double plot_w = kWidth - kLeft - kRight;
  const double height = kTop + 2 * kPanel + kGap + 50;
  const std::size_t nb = r.buckets.size();
  auto x_of = [&](std::size_t b) {
    return kLeft + (nb <= 1 ? 0.0 : plot_w * static_cast<double>(b) / static_cast<double>(nb - 1));
  };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", kWidth) +
                    "\" height=\"" + fmt("%.0f", height) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + fmt("%.0f", kLeft) + "\" y=\"20\" font-size=\"14\">tincay trends " +
         format_rfc3339_utc(r.options.from) + " .. " + format_rfc3339_utc(r.options.to) +
         " (k = " + std::to_string(r.options.k) + "; gaps are suppressed cells)</text>\n";

  auto panel =
      [&](double top, const std::string& title,
          const std::vector<std::pair<std::string, const std::vector<TrendCount>*>>& lines) {
        std::int64_t max = 1;
        for (const auto& l : lines) {
          for (const TrendCount& c : *l.second) {
            if (c.shown) max = std::max(max, c.posts);
          }
        }
        auto y_of = [&](std::int64_t v) {
          return top + kPanel - kPanel * static_cast<double>(v) / static_cast<double>(max);
        };
        svg += "<text x=\"" + fmt("%.0f", kLeft) + "\" y=\"" + fmt("%.0f", top - 6) + "\">" +
               xml_escape(title) + "</text>\n";
        svg += "<rect x=\"" + fmt("%.0f", kLeft) + "\" y=\"" + fmt("%.0f", top) + "\" width=\"" +
               fmt("%.0f", plot_w) + "\" height=\"" + fmt("%.0f", kPanel) +
               "\" fill=\"none\" stroke=\"#ccc\"/>\n";
        svg += "<text x=\"" + fmt("%.0f", kLeft - 4) + "\" y=\"" + fmt("%.0f", top + 10) +
               "\" text-anchor=\"end\">" + std::to_string(max) + "</text>\n";
        svg += "<text x=\"" + fmt("%.0f", kLeft - 4) + "\" y=\"" + fmt("%.0f", top + kPanel) +
               "\" text-anchor=\"end\">0</text>\n";
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const char* color = kColors[i % std::size(kColors)];
          std::string path;
          bool pen = false;
          const auto& cells = *lines[i].second;
          for (std::size_t b = 0; b < cells.size(); ++b) {
            if (!cells[b].shown) {
              pen = false;
              continue;
            }
            path += (pen ? " L" : " M") + fmt("%.1f", x_of(b)) + " " +
                    fmt("%.1f", y_of(cells[b].posts));
            pen = true;
          }
          if (!path.empty()) {
            svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color +
                   "\" stroke-width=\"1.5\"/>\n";
          }
          svg += "<text x=\"" + fmt("%.0f", kLeft + plot_w + 10) + "\" y=\"" +
                 fmt("%.0f", top + 12 + 14 * static_cast<double>(i)) + "\" fill=\"" + color +
                 "\">" + xml_escape(lines[i].first.empty() ? "(unknown)" : lines[i].first) +
                 "</text>\n";
        }
      };

  std::vector<std::pair<std::string, const std::vector<TrendCount>*>> volume;
  volume.emplace_back("all posts", &r.total);
  for (std::size_t i = 0; i < r.platforms.size() && i < 6; ++i) {
    volume.emplace_back(r.platforms[i].name, &r.platforms[i].buckets);
  }
  panel(kTop, "posts per bucket", volume);
  std::vector<std::string> labels;
  for (const TrendTopic& t : r.topics) labels.push_back(topic_label(t));
  std::vector<std::pair<std::string, const std::vector<TrendCount>*>> topics;
  for (std::size_t i = 0; i < r.topics.size() && i < 6; ++i) {
    topics.emplace_back(labels[i], &r.topics[i].series);
  }
  const double second = kTop + kPanel + kGap;
  panel(second, "topic mentions per bucket (emerging issues marked)", topics);
  // Emerging issues: a dashed line at the start of each burst.
  const std::int64_t size = trend_level_seconds(r.options.bucket);
  for (std::size_t i = 0; i < r.emerging.size() && i < 8; ++i) {
    const EmergingIssue& e = r.emerging[i];
    if (e.started_at < r.options.from || e.started_at >= r.options.to) continue;
    const auto b = static_cast<std::size_t>((e.started_at - r.options.from) / size);
    const double x = x_of(b);
    svg += "<line x1=\"" + fmt("%.1f", x) + "\" x2=\"" + fmt("%.1f", x) + "\" y1=\"" +
           fmt("%.0f", second) + "\" y2=\"" + fmt("%.0f", second + kPanel) +
           "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n";
    svg += "<text x=\"" + fmt("%.1f", x + 3) + "\" y=\"" +
           fmt("%.0f", second + 12 + 12 * static_cast<double>(i)) + "\" fill=\"#d62728\">" +
           xml_escape(e.phrase) + "</text>\n";
  }
  // Time axis: first, middle and last bucket.
  for (const std::size_t b : {std::size_t{0}, nb / 2, nb > 0 ? nb - 1 : 0}) {
    if (b >= nb) continue;
    svg += "<text x=\"" + fmt("%.1f", x_of(b)) + "\" y=\"" + fmt("%.0f", second + kPanel + 16) +
           "\" text-anchor=\"middle\">" + format_rfc3339_utc(r.buckets[b]).substr(0, 16) +
           "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tincay
