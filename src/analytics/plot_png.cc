// trends_to_png: the chart of trends_to_svg drawn as a PNG image with cairo (tincay/analytics.h).
// The same panels, scales, colours and labels as the SVG (src/analytics/report.cc), so either
// file shows the same picture; cairo and FreeType stay inside this file.
#include <cairo-ft.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tincay/analytics.h"
#include "tincay/core/time.h"

namespace tincay {
namespace {

struct Rgb {
  double r, g, b;
};

// The SVG's colours (#1f77b4, #ff7f0e, ...), as fractions.
constexpr Rgb rgb(std::uint32_t hex) {
  return Rgb{static_cast<double>((hex >> 16) & 0xff) / 255.0,
             static_cast<double>((hex >> 8) & 0xff) / 255.0,
             static_cast<double>(hex & 0xff) / 255.0};
}

// The topic's label in the chart: its first three phrases (as in the SVG and the JSON).
std::string topic_label(const TrendTopic& t) {
  std::string label;
  for (std::size_t i = 0; i < t.phrases.size() && i < 3; ++i) {
    if (i > 0) label += " / ";
    label += t.phrases[i];
  }
  return label;
}

enum class Anchor { kStart, kMiddle, kEnd };

class Canvas {
 public:
  explicit Canvas(cairo_t* cr) : cr_(cr) {}

  void color(Rgb c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }

  // Text with its baseline at y, like SVG's <text>.
  void text(double x, double y, const std::string& s, Anchor anchor = Anchor::kStart,
            double size = 11) {
    cairo_set_font_size(cr_, size);
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, s.c_str(), &extents);
    if (anchor == Anchor::kMiddle) x -= extents.x_advance / 2;
    if (anchor == Anchor::kEnd) x -= extents.x_advance;
    cairo_move_to(cr_, x, y);
    cairo_show_text(cr_, s.c_str());
  }

  void stroke_rect(double x, double y, double w, double h) {
    cairo_set_line_width(cr_, 1.0);
    // Half-pixel offsets put a 1-pixel line on one row of pixels instead of blurring two.
    cairo_rectangle(cr_, x + 0.5, y + 0.5, w, h);
    cairo_stroke(cr_);
  }

  cairo_t* get() { return cr_; }

 private:
  cairo_t* cr_;
};

// The font file and its FreeType library, owned by the cairo font face made from them: cairo
// may keep a face cached after the chart is drawn, and frees this with the face. The font is
// loaded from its file, not looked up through fontconfig, whose process-wide configuration
// would outlive every chart.
struct FtFont {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  FtFont() = default;
  FtFont(const FtFont&) = delete;
  FtFont& operator=(const FtFont&) = delete;
  ~FtFont() {
    if (face != nullptr) FT_Done_Face(face);
    if (library != nullptr) FT_Done_FreeType(library);
  }
};

void destroy_font(void* font) { std::unique_ptr<FtFont> owned(static_cast<FtFont*>(font)); }

using FontFace = std::unique_ptr<cairo_font_face_t, void (*)(cairo_font_face_t*)>;

Result<FontFace> load_font(const std::string& path) {
  static constexpr cairo_user_data_key_t kOwner{};
  auto font = std::make_unique<FtFont>();
  if (FT_Init_FreeType(&font->library) != 0) {
    return make_error(ErrorCode::kInternal, "FreeType could not start");
  }
  if (FT_New_Face(font->library, path.c_str(), 0, &font->face) != 0) {
    return make_error(ErrorCode::kNotFound,
                      "cannot load the chart's font (Debian package fonts-dejavu-core)", path);
  }
  FontFace face(cairo_ft_font_face_create_for_ft_face(font->face, 0), &cairo_font_face_destroy);
  cairo_status_t status = cairo_font_face_status(face.get());
  if (status == CAIRO_STATUS_SUCCESS) {
    status = cairo_font_face_set_user_data(face.get(), &kOwner, font.get(), &destroy_font);
  }
  if (status != CAIRO_STATUS_SUCCESS) {
    return make_error(ErrorCode::kInternal,
                      std::string("cannot use the chart's font: ") + cairo_status_to_string(status),
                      path);
  }
  (void)font.release();  // the face owns it now
  return face;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> trends_to_png(const TrendsReport& r, const std::string& font_path) {
  // The SVG's layout (src/analytics/report.cc, trends_to_svg).
  constexpr double kWidth = 960;
  constexpr double kPanel = 240;
  constexpr double kLeft = 60;
  constexpr double kRight = 220;
  constexpr double kTop = 40;
  constexpr double kGap = 60;
  static constexpr Rgb kColors[] = {rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c), rgb(0xd62728),
                                    rgb(0x9467bd), rgb(0x8c564b), rgb(0xe377c2), rgb(0x7f7f7f)};
  constexpr Rgb kBlack = rgb(0x000000);
  constexpr Rgb kFrame = rgb(0xcccccc);
  constexpr Rgb kAlarm = rgb(0xd62728);
  const double plot_w = kWidth - kLeft - kRight;
  const double height = kTop + 2 * kPanel + kGap + 50;
  const std::size_t nb = r.buckets.size();
  auto x_of = [&](std::size_t b) {
    return kLeft + (nb <= 1 ? 0.0 : plot_w * static_cast<double>(b) / static_cast<double>(nb - 1));
  };

  auto font = load_font(font_path);
  if (!font) return font.error();
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(kWidth),
                                 static_cast<int>(height)),
      &cairo_surface_destroy);
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> context(cairo_create(surface.get()), &cairo_destroy);
  Canvas canvas(context.get());
  cairo_t* cr = canvas.get();
  canvas.color(rgb(0xffffff));
  cairo_paint(cr);
  cairo_set_font_face(cr, font->get());
  canvas.color(kBlack);
  canvas.text(kLeft, 20,
              "tincay trends " + format_rfc3339_utc(r.options.from) + " .. " +
                  format_rfc3339_utc(r.options.to) + " (k = " + std::to_string(r.options.k) +
                  "; gaps are suppressed cells)",
              Anchor::kStart, 14);

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
        canvas.color(kBlack);
        canvas.text(kLeft, top - 6, title);
        canvas.color(kFrame);
        canvas.stroke_rect(kLeft, top, plot_w, kPanel);
        canvas.color(kBlack);
        canvas.text(kLeft - 4, top + 10, std::to_string(max), Anchor::kEnd);
        canvas.text(kLeft - 4, top + kPanel, "0", Anchor::kEnd);
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const Rgb color = kColors[i % std::size(kColors)];
          canvas.color(color);
          const auto& cells = *lines[i].second;
          bool pen = false;
          for (std::size_t b = 0; b < cells.size(); ++b) {
            if (!cells[b].shown) {  // a suppressed cell is a gap in the line
              pen = false;
              continue;
            }
            if (pen) {
              cairo_line_to(cr, x_of(b), y_of(cells[b].posts));
            } else {
              cairo_move_to(cr, x_of(b), y_of(cells[b].posts));
            }
            pen = true;
          }
          cairo_set_line_width(cr, 1.5);
          cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
          // A single shown bucket between gaps is a zero-length segment: round caps draw it as a
          // dot.
          cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
          cairo_stroke(cr);
          canvas.text(kLeft + plot_w + 10, top + 12 + 14 * static_cast<double>(i),
                      lines[i].first.empty() ? "(unknown)" : lines[i].first);
        }
      };

  std::vector<std::pair<std::string, const std::vector<TrendCount>*>> volume;
  volume.emplace_back("all posts", &r.total);
  for (std::size_t i = 0; i < r.platforms.size() && i < 6; ++i) {
    volume.emplace_back(r.platforms[i].name, &r.platforms[i].buckets);
  }
  panel(kTop, "posts per bucket", volume);
  std::vector<std::pair<std::string, const std::vector<TrendCount>*>> topics;
  for (std::size_t i = 0; i < r.topics.size() && i < 6; ++i) {
    topics.emplace_back(topic_label(r.topics[i]), &r.topics[i].series);
  }
  const double second = kTop + kPanel + kGap;
  panel(second, "topic mentions per bucket (emerging issues marked)", topics);
  // Emerging issues: a dashed line at the start of each burst.
  const std::int64_t size = trend_level_seconds(r.options.bucket);
  canvas.color(kAlarm);
  for (std::size_t i = 0; i < r.emerging.size() && i < 8; ++i) {
    const EmergingIssue& e = r.emerging[i];
    if (e.started_at < r.options.from || e.started_at >= r.options.to) continue;
    const auto b = static_cast<std::size_t>((e.started_at - r.options.from) / size);
    const double x = x_of(b);
    const double dash[] = {4.0, 3.0};
    cairo_set_dash(cr, dash, 2, 0.0);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, x, second);
    cairo_line_to(cr, x, second + kPanel);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0.0);
    canvas.text(x + 3, second + 12 + 12 * static_cast<double>(i), e.phrase);
  }
  // Time axis: first, middle and last bucket.
  canvas.color(kBlack);
  for (const std::size_t b : {std::size_t{0}, nb / 2, nb > 0 ? nb - 1 : 0}) {
    if (b >= nb) continue;
    canvas.text(x_of(b), second + kPanel + 16, format_rfc3339_utc(r.buckets[b]).substr(0, 16),
                Anchor::kMiddle);
  }

  // cairo records the first failure (out of memory, text that is not UTF-8) and ignores every
  // call after it.
  if (const cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS) {
    return make_error(ErrorCode::kInternal,
                      std::string("drawing the chart failed: ") + cairo_status_to_string(status));
  }
  cairo_surface_flush(surface.get());
  std::string png;
  if (const cairo_status_t status =
          cairo_surface_write_to_png_stream(surface.get(), &append_bytes, &png);
      status != CAIRO_STATUS_SUCCESS) {
    return make_error(ErrorCode::kInternal,
                      std::string("encoding the PNG failed: ") + cairo_status_to_string(status));
  }
  return png;
}

}  // namespace tincay
