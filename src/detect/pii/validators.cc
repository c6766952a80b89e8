#include "src/detect/pii/validators.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace tincay::pii {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int num(std::string_view s) {
  int v = 0;
  for (const char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool is_vn_mobile(std::string_view d) {
  if (!all_digits(d)) return false;
  std::string_view rest;
  if (d.size() == 10 && d[0] == '0') {
    rest = d.substr(1);
  } else if (d.size() == 11 && d.substr(0, 2) == "84") {
    rest = d.substr(2);
  } else {
    return false;
  }
  // Two-digit network codes after the trunk 0 (policy.md 3.2 table; 052/055/087 unverified but
  // assigned, accepted as the reference's tested pattern does).
  static constexpr std::string_view kPrefixes[] = {
      "32", "33", "34", "35", "36", "37", "38", "39", "52", "55", "56", "58",
      "59", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86",
      "87", "88", "89", "90", "91", "92", "93", "94", "96", "97", "98", "99"};
  const std::string_view p = rest.substr(0, 2);
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                     [&](std::string_view k) { return p == k; });
}

bool is_cccd(std::string_view d, int current_year) {
  if (d.size() != 12 || !all_digits(d)) return false;
  // Province codes of Thông tư 07/2016/TT-BCA Phụ lục I (63 provinces before the 2025 merger;
  // numbers issued before then keep their code for life).
  static constexpr std::array<int, 63> kProvinces = {
      1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
      34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
      67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};
  const int province = num(d.substr(0, 3));
  if (!std::binary_search(kProvinces.begin(), kProvinces.end(), province)) return false;
  const int g = d[3] - '0';
  if (g > 3) return false;  // 2100s and later cannot be born yet
  const int year = 1900 + 100 * (g / 2) + num(d.substr(4, 2));
  return year <= current_year;
}

bool luhn_valid(std::string_view d) {
  if (!all_digits(d)) return false;
  int sum = 0;
  bool twice = false;
  for (std::size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (twice) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool is_card_number(std::string_view d) {
  if (d.size() < 13 || d.size() > 19 || !luhn_valid(d)) return false;
  const int p2 = num(d.substr(0, 2));
  const int p4 = num(d.substr(0, 4));
  const bool visa = d[0] == '4' && (d.size() == 13 || d.size() == 16 || d.size() == 19);
  const bool master = ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && d.size() == 16;
  const bool amex = (p2 == 34 || p2 == 37) && d.size() == 15;
  const bool jcb = p4 >= 3528 && p4 <= 3589 && d.size() >= 16;
  const bool unionpay = p2 == 62 && d.size() >= 16;
  const bool napas = p4 == 9704 && (d.size() == 16 || d.size() == 19);
  return visa || master || amex || jcb || unionpay || napas;
}

bool is_tax_code(std::string_view d) {
  if (!all_digits(d) || (d.size() != 10 && d.size() != 13)) return false;
  static constexpr std::array<int, 9> kWeights = {31, 29, 23, 19, 17, 13, 7, 5, 3};
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) sum += (d[i] - '0') * kWeights[i];
  const int check = 10 - sum % 11;
  if (check == 10 || check == 11) return false;  // remainder 0 (or 11) gives no valid number
  return d[9] - '0' == check;
}

bool is_plate_locality(int code) { return code >= 11 && code <= 99; }

}  // namespace tincay::pii
