// Synthetic Vietnamese-like text for the dedup and claims benchmarks: syllables built from
// onsets and rhymes, drawn with a skewed (Zipf-like) distribution from a seeded generator.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace tincay::bench {

class SyllableText {
 public:
  explicit SyllableText(unsigned seed) : rng_(seed) {
    static const char* const kOnsets[] = {"b", "c", "ch", "d",  "đ",  "g",  "h",  "kh",
                                          "l", "m", "n",  "ng", "nh", "ph", "qu", "r",
                                          "s", "t", "th", "tr", "v",  "x"};
    static const char* const kRhymes[] = {
        "a", "à",   "á", "ả", "ạ", "an",  "ang", "anh", "ao", "ay",   "ăn", "âm", "ân", "e", "ê",
        "i", "iên", "o", "ô", "ơ", "ong", "ông", "u",   "ư",  "ương", "uy", "ời", "ết", "ọc"};
    for (const char* o : kOnsets) {
      for (const char* r : kRhymes) syllables_.push_back(std::string(o) + r);
    }
  }
  // A skewed draw: low indices are frequent, like function words.
  const std::string& syllable() {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    const auto i =
        static_cast<std::size_t>(std::pow(u, 2.5) * static_cast<double>(syllables_.size()));
    return syllables_[std::min(i, syllables_.size() - 1)];
  }
  std::string sentence(std::size_t words) {
    std::string s;
    for (std::size_t i = 0; i < words; ++i) {
      if (i > 0) s.push_back(' ');
      s += syllable();
    }
    return s;
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
  std::vector<std::string> syllables_;
};

}  // namespace tincay::bench
