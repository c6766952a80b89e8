// The model file: a versioned binary format, memory-mapped at load and validated field by field,
// so a corrupt or truncated file is an error naming the file and the reason, never a crash
// (fuzzed by fuzz/model_fuzz.cc). Layout (little-endian), documented in docs/models.md:
//
//   "TCYMODEL"  u32 format_version  u32 header_bytes  header  zero padding to 16
//   [version 5: auxiliary model files, each padded to 16]
//   weights (2^bucket_bits rows)  64 hex chars: SHA-256 of every byte before them
#include "src/detect/model/model_file.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincay/core/crypto.h"
#include "tincay/core/utf8.h"

namespace tincay {

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

MappedFile::~MappedFile() {
  if (mapped_ != nullptr) munmap(mapped_, size_);
}

Result<std::unique_ptr<MappedFile>> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorCode::kNotFound,
                      std::string("cannot open model: ") + std::strerror(errno), path);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(ErrorCode::kIo, "not a regular file", path);
  }
  auto file = std::unique_ptr<MappedFile>(new MappedFile());
  file->size_ = static_cast<std::size_t>(st.st_size);
  if (file->size_ > 0) {
    void* p = mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return make_error(ErrorCode::kIo, std::string("mmap failed: ") + std::strerror(errno), path);
    }
    file->mapped_ = p;
    file->data_ = static_cast<const unsigned char*>(p);
  }
  ::close(fd);
  return file;
}

std::unique_ptr<MappedFile> MappedFile::from_bytes(std::string bytes) {
  auto file = std::unique_ptr<MappedFile>(new MappedFile());
  // Copy into 16-byte aligned storage so the weights are as aligned as in a mapped file.
  file->owned_.resize((bytes.size() + 15) / 16);
  if (!bytes.empty()) std::memcpy(file->owned_.data(), bytes.data(), bytes.size());
  file->data_ = reinterpret_cast<const unsigned char*>(file->owned_.data());
  file->size_ = bytes.size();
  return file;
}

namespace {

constexpr char kMagic[8] = {'T', 'C', 'Y', 'M', 'O', 'D', 'E', 'L'};
constexpr std::size_t kChecksumBytes = 64;
constexpr std::size_t kMaxString = 1u << 20;
constexpr float kMaxWeight = 1e4f;

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }
template <typename T>
void put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}
void put_str(std::string& out, std::string_view s) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Bounds-checked reading of the header; the first failure sticks and names the field.
class Reader {
 public:
  Reader(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}

  template <typename T>
  T get(const char* field) {
    T v{};
    if (!need(sizeof(T), field)) return v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str(const char* field) {
    const auto n = get<std::uint32_t>(field);
    if (!error_.empty()) return {};
    if (n > kMaxString) {
      fail(std::string(field) + " is implausibly long (" + std::to_string(n) + " bytes)");
      return {};
    }
    if (!need(n, field)) return {};
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    if (!utf8::is_valid(s)) fail(std::string(field) + " is not valid UTF-8");
    return s;
  }
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  const std::string& error() const { return error_; }
  std::size_t pos() const { return pos_; }

 private:
  bool need(std::size_t n, const char* field) {
    if (!error_.empty()) return false;
    if (n > size_ - pos_) {
      fail(std::string("truncated: header ends inside ") + field);
      return false;
    }
    return true;
  }

  const unsigned char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::string error_;
};

std::size_t row_stride_for(WeightFormat format, std::size_t labels) {
  return format == WeightFormat::kFloat32 ? 4 * labels : 4 + labels;
}

// An embedded auxiliary model: where its bytes lie in the file.
struct AuxSpan {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

std::string header_bytes(const ModelInfo& info, std::uint32_t version,
                         const std::vector<AuxSpan>& aux, std::uint64_t weights_offset,
                         std::uint64_t weights_bytes) {
  std::string h;
  put_str(h, info.name);
  put_str(h, info.version);
  put_str(h, info.created_at);
  put_str(h, info.train_sha256);
  put_str(h, info.train_source);
  put_str(h, info.hyperparameters);
  put_str(h, info.rules_sha256);  // version 3
  if (version >= 5) {
    put<std::uint16_t>(h, static_cast<std::uint16_t>(aux.size()));
    for (const AuxSpan& a : aux) {
      put<std::uint64_t>(h, a.offset);
      put<std::uint64_t>(h, a.size);
    }
  }
  put_u8(h, static_cast<std::uint8_t>(info.head));
  put_u8(h, static_cast<std::uint8_t>(info.format));
  put<std::uint16_t>(h, static_cast<std::uint16_t>(info.labels.size()));
  for (std::size_t i = 0; i < info.labels.size(); ++i) {
    put_str(h, info.labels[i]);
    put_str(h, info.categories[i] ? category_name(*info.categories[i]) : std::string_view());
  }
  const FeatureConfig& f = info.features;
  put_u8(h, f.word_ngrams);
  put_u8(h, f.shadow_word_ngrams);
  put_u8(h, f.char_min);
  put_u8(h, f.char_max);
  put_u8(h, f.char_text ? 1 : 0);
  put_u8(h, f.char_shadow ? 1 : 0);
  put_u8(h, f.bucket_bits);
  put_u8(h, f.meta);
  put<std::uint32_t>(h, f.hash_seed);
  put<float>(h, info.temperature);
  for (const float b : info.bias) put<float>(h, b);
  for (std::size_t k = 0; k < info.bias.size(); ++k) {
    put<float>(h, info.calibration_shift.empty() ? 0.0f : info.calibration_shift[k]);
  }
  put<std::uint16_t>(h, static_cast<std::uint16_t>(info.metrics.size()));
  for (const auto& [key, value] : info.metrics) {
    put_str(h, key);
    put<double>(h, value);
  }
  put<std::uint64_t>(h, weights_offset);
  put<std::uint64_t>(h, weights_bytes);
  return h;
}

std::size_t align16(std::size_t n) { return (n + 15) & ~std::size_t{15}; }

}  // namespace

std::string serialize_model(const ModelInfo& info, const std::vector<float>& weights,
                            std::span<const std::string> aux_models) {
  const std::size_t labels = info.labels.size();
  const std::size_t rows = std::size_t{1} << info.features.bucket_bits;
  TINCAY_CHECK(weights.size() == rows * labels, "weights do not match buckets x labels");
  TINCAY_CHECK(info.bias.size() == labels && info.categories.size() == labels,
               "bias/categories do not match labels");
  TINCAY_CHECK(info.calibration_shift.empty() || info.calibration_shift.size() == labels,
               "calibration shift does not match labels");
  TINCAY_CHECK(aux_models.size() <= kMaxAuxModels, "too many auxiliary models");
  TINCAY_CHECK(aux_models.empty() == ((info.features.meta & kMetaAux) == 0),
               "auxiliary models go with the kMetaAux bit");
  const std::size_t stride = row_stride_for(info.format, labels);
  const std::uint64_t weights_bytes = rows * stride;
  // Version 5 only for what needs it, so other models stay byte-identical to version 4 files.
  const std::uint32_t version = aux_models.empty() ? 4 : 5;
  // The header's size does not depend on the offsets' values, so measure it with placeholders.
  std::vector<AuxSpan> aux(aux_models.size());
  const std::size_t header_size = header_bytes(info, version, aux, 0, 0).size();
  std::uint64_t offset = align16(16 + header_size);
  for (std::size_t i = 0; i < aux.size(); ++i) {
    aux[i] = {offset, aux_models[i].size()};
    offset = align16(offset + aux_models[i].size());
  }
  std::string out(kMagic, sizeof(kMagic));
  put<std::uint32_t>(out, version);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(header_size));
  out += header_bytes(info, version, aux, offset, weights_bytes);
  for (std::size_t i = 0; i < aux.size(); ++i) {
    out.resize(aux[i].offset, '\0');
    out += aux_models[i];
  }
  out.resize(offset, '\0');
  out.reserve(offset + weights_bytes + kChecksumBytes);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* w = &weights[r * labels];
    if (info.format == WeightFormat::kFloat32) {
      for (std::size_t k = 0; k < labels; ++k) put<float>(out, w[k]);
      continue;
    }
    float max_abs = 0.0f;
    for (std::size_t k = 0; k < labels; ++k) max_abs = std::max(max_abs, std::fabs(w[k]));
    const float scale = max_abs / 127.0f;
    put<float>(out, scale);
    for (std::size_t k = 0; k < labels; ++k) {
      const long q = scale > 0.0f ? std::lround(w[k] / scale) : 0;
      put<std::int8_t>(out, static_cast<std::int8_t>(std::clamp(q, -127L, 127L)));
    }
  }
  out += sha256_hex(out);
  return out;
}

Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::load(const std::string& path) {
  auto file = MappedFile::open(path);
  if (!file) return file.error();
  return parse(std::move(file).value(), path, true, true);
}

Result<std::unique_ptr<Model>> Model::from_bytes(std::string bytes, std::string_view source,
                                                 bool verify_checksum) {
  return parse(MappedFile::from_bytes(std::move(bytes)), source, verify_checksum, true);
}

Result<std::unique_ptr<Model>> Model::parse(std::unique_ptr<MappedFile> file,
                                            std::string_view source, bool verify_checksum,
                                            bool allow_aux) {
  const std::string where(source);
  const auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidInput, "invalid model file: " + why, where);
  };
  const unsigned char* data = file->data();
  const std::size_t size = file->size();
  if (size < 16 || std::memcmp(data, kMagic, sizeof(kMagic)) != 0) {
    return bad("not a tincay model (no TCYMODEL magic at the start)");
  }
  std::uint32_t version = 0;
  std::uint32_t header_size = 0;
  std::memcpy(&version, data + 8, 4);
  std::memcpy(&header_size, data + 12, 4);
  if (version < 1 || version > kModelFormatVersion) {
    return bad("format version " + std::to_string(version) +
               " is not supported (this tincay reads 1.." + std::to_string(kModelFormatVersion) +
               "); retrain or upgrade tincay");
  }
  if (size < 16 + kChecksumBytes || header_size > size - 16 - kChecksumBytes) {
    return bad("truncated (header of " + std::to_string(header_size) + " bytes does not fit in " +
               std::to_string(size) + " bytes)");
  }
  if (verify_checksum) {
    const std::string_view body(reinterpret_cast<const char*>(data), size - kChecksumBytes);
    const std::string_view stored(reinterpret_cast<const char*>(data) + size - kChecksumBytes,
                                  kChecksumBytes);
    if (sha256_hex(body) != stored) {
      return bad("checksum mismatch (the file is corrupt or truncated)");
    }
  }

  auto model = std::unique_ptr<Model>(new Model());
  ModelInfo& info = model->info_;
  Reader r(data + 16, header_size);
  info.name = r.str("name");
  info.version = r.str("version");
  info.created_at = r.str("created_at");
  info.train_sha256 = r.str("train_sha256");
  info.train_source = r.str("train_source");
  info.hyperparameters = r.str("hyperparameters");
  if (version >= 3) info.rules_sha256 = r.str("rules_sha256");
  std::vector<AuxSpan> aux;
  if (version >= 5) {
    const auto count = r.get<std::uint16_t>("auxiliary model count");
    if (!r.error().empty()) return bad(r.error());
    if (count > kMaxAuxModels) {
      return bad(std::to_string(count) + " auxiliary models (at most " +
                 std::to_string(kMaxAuxModels) + ")");
    }
    if (count > 0 && !allow_aux) return bad("an auxiliary model embeds auxiliary models");
    for (std::size_t i = 0; i < count && r.error().empty(); ++i) {
      AuxSpan a;
      a.offset = r.get<std::uint64_t>("auxiliary model offset");
      a.size = r.get<std::uint64_t>("auxiliary model size");
      aux.push_back(a);
    }
  }
  const auto head = r.get<std::uint8_t>("head");
  const auto format = r.get<std::uint8_t>("weight format");
  const auto labels = r.get<std::uint16_t>("label count");
  if (!r.error().empty()) return bad(r.error());
  if (head > 1) return bad("unknown head " + std::to_string(head));
  if (format > 1) return bad("unknown weight format " + std::to_string(format));
  info.head = static_cast<ModelHead>(head);
  info.format = static_cast<WeightFormat>(format);
  const std::size_t min_labels = info.head == ModelHead::kSoftmax ? 2 : 1;
  if (labels < min_labels || labels > kMaxModelLabels) {
    return bad("label count " + std::to_string(labels) + " outside " + std::to_string(min_labels) +
               ".." + std::to_string(kMaxModelLabels));
  }
  for (std::size_t i = 0; i < labels && r.error().empty(); ++i) {
    info.labels.push_back(r.str("label"));
    const std::string category = r.str("label category");
    if (category.empty()) {
      info.categories.emplace_back();
      continue;
    }
    const auto parsed = parse_category(category);
    if (!parsed)
      return bad("label " + info.labels.back() + ": unknown category \"" + category + "\"");
    info.categories.emplace_back(*parsed);
  }
  FeatureConfig& f = info.features;
  f.word_ngrams = r.get<std::uint8_t>("word_ngrams");
  f.shadow_word_ngrams = r.get<std::uint8_t>("shadow_word_ngrams");
  f.char_min = r.get<std::uint8_t>("char_min");
  f.char_max = r.get<std::uint8_t>("char_max");
  f.char_text = r.get<std::uint8_t>("char_text") != 0;
  f.char_shadow = r.get<std::uint8_t>("char_shadow") != 0;
  f.bucket_bits = r.get<std::uint8_t>("bucket_bits");
  // Version 1 had a reserved zero byte where version 2 keeps the meta feature bits.
  f.meta = r.get<std::uint8_t>("meta");
  f.hash_seed = r.get<std::uint32_t>("hash_seed");
  info.temperature = r.get<float>("temperature");
  for (std::size_t i = 0; i < labels; ++i) info.bias.push_back(r.get<float>("bias"));
  if (version >= 2) {
    for (std::size_t i = 0; i < labels; ++i) {
      info.calibration_shift.push_back(r.get<float>("calibration shift"));
    }
  } else {
    info.calibration_shift.assign(labels, 0.0f);
  }
  const auto metric_count = r.get<std::uint16_t>("metric count");
  for (std::size_t i = 0; i < metric_count && r.error().empty(); ++i) {
    std::string key = r.str("metric name");
    const double value = r.get<double>("metric value");
    info.metrics.emplace_back(std::move(key), value);
  }
  const auto weights_offset = r.get<std::uint64_t>("weights offset");
  const auto weights_bytes = r.get<std::uint64_t>("weights size");
  if (!r.error().empty()) return bad(r.error());
  if (r.pos() != header_size) {
    return bad("header has " + std::to_string(header_size - r.pos()) +
               " unexpected trailing bytes");
  }

  if (f.word_ngrams > 3 || f.shadow_word_ngrams > 3) return bad("word n-gram order above 3");
  if (f.char_max > 8 || (f.char_max > 0 && (f.char_min < 1 || f.char_min > f.char_max))) {
    return bad("character n-gram lengths " + std::to_string(f.char_min) + ".." +
               std::to_string(f.char_max) + " outside 1..8");
  }
  if ((f.meta & ~kMetaKnownBits) != 0 || (version == 1 && f.meta != 0) ||
      (version == 2 && (f.meta & kMetaRules) != 0) || (version <= 3 && (f.meta & kMetaText) != 0) ||
      (version <= 4 && (f.meta & kMetaAux) != 0)) {
    return bad("unknown meta feature bits " + std::to_string(f.meta));
  }
  if (((f.meta & kMetaAux) != 0) != !aux.empty()) {
    return bad("the auxiliary-model feature bit and the " + std::to_string(aux.size()) +
               " embedded auxiliary models disagree");
  }
  if (f.bucket_bits < 8 || f.bucket_bits > 26) {
    return bad("bucket_bits " + std::to_string(f.bucket_bits) + " outside 8..26");
  }
  if (!(info.temperature >= 1e-3f && info.temperature <= 1e4f)) {
    return bad("temperature outside 0.001..10000");
  }
  for (const float b : info.bias) {
    if (!(std::fabs(b) <= kMaxWeight)) return bad("a bias is not a finite number within +-1e4");
  }
  for (const float c : info.calibration_shift) {
    if (!(std::fabs(c) <= kMaxWeight)) {
      return bad("a calibration shift is not a finite number within +-1e4");
    }
  }
  for (const auto& [key, value] : info.metrics) {
    if (!std::isfinite(value)) return bad("metric " + key + " is not finite");
  }
  const std::size_t rows = std::size_t{1} << f.bucket_bits;
  const std::size_t stride = row_stride_for(info.format, labels);
  if (weights_bytes != rows * stride) {
    return bad("weights size " + std::to_string(weights_bytes) + " does not match " +
               std::to_string(rows) + " buckets x " + std::to_string(stride) + " bytes");
  }
  if (weights_offset < 16 + header_size || weights_offset % 16 != 0 ||
      weights_offset > size - kChecksumBytes ||
      weights_bytes != size - kChecksumBytes - weights_offset) {
    return bad("truncated or mis-sized weights section (file has " + std::to_string(size) +
               " bytes)");
  }
  // Auxiliary models lie in order between the header and the weights, each a model file.
  std::uint64_t aux_from = 16 + static_cast<std::uint64_t>(header_size);
  for (std::size_t i = 0; i < aux.size(); ++i) {
    const AuxSpan& a = aux[i];
    const std::string name = "auxiliary model " + std::to_string(i + 1);
    if (a.offset < aux_from || a.offset > weights_offset || a.size > weights_offset - a.offset) {
      return bad(name + " lies outside the space between the header and the weights");
    }
    aux_from = a.offset + a.size;
    std::string sub_where = where;
    sub_where.append(" (").append(name).append(")");
    auto sub = parse(
        MappedFile::from_bytes(std::string(reinterpret_cast<const char*>(data + a.offset), a.size)),
        sub_where, verify_checksum, false);
    if (!sub) return sub.error();
    model->aux_labels_ += (*sub)->label_count();
    if (model->aux_labels_ > kMaxModelLabels) {
      return bad("the auxiliary models have more than " + std::to_string(kMaxModelLabels) +
                 " labels together");
    }
    model->aux_.push_back(std::move(sub).value());
  }
  model->weights_ = data + weights_offset;
  model->row_stride_ = stride;
  // Weights must be finite, or every prediction would be NaN.
  for (std::size_t row = 0; row < rows; ++row) {
    const unsigned char* p = model->weights_ + row * stride;
    const std::size_t floats = info.format == WeightFormat::kFloat32 ? labels : 1;
    for (std::size_t k = 0; k < floats; ++k) {
      float v = 0;
      std::memcpy(&v, p + 4 * k, 4);
      // Trained weights stay far below the bound; it keeps every sum finite.
      const float bound = info.format == WeightFormat::kFloat32 ? kMaxWeight : kMaxWeight / 127.0f;
      if (!(std::fabs(v) <= bound)) {
        return bad("weight row " + std::to_string(row) + " is not a finite number within bounds");
      }
    }
  }
  model->file_ = std::move(file);
  model->detector_name_ = "model:" + info.name + "@" + info.version;
  return model;
}

std::string resolve_model_path(const std::string& name_or_path, const std::string& models_dir) {
  const bool is_path =
      name_or_path.find('/') != std::string::npos ||
      (name_or_path.size() > 6 && name_or_path.compare(name_or_path.size() - 6, 6, ".model") == 0);
  if (is_path) return name_or_path;
  return models_dir + "/" + name_or_path + ".model";
}

std::vector<std::string> list_model_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    if (path.extension() == ".model") files.push_back(path.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tincay
