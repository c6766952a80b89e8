// Checks for Vietnamese identifier formats (reference: policy.md section 3.2), kept apart from the
// scanner so each rule is tested on its own. Inputs are ASCII digit strings without separators.
#pragma once

#include <string_view>

namespace tincay::pii {

// 10 digits "0" + carrier prefix + 7 digits (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile,
// iTel/Reddi), or 11 digits "84" + the same 9.
bool is_vn_mobile(std::string_view digits);

// 12-digit CCCD / personal ID: PPP province code in the 2016 table, G century/sex digit 0-3, and
// a birth year (from G and YY) not after `current_year`.
bool is_cccd(std::string_view digits, int current_year);

// Payment card: 13-19 digits, a known issuer prefix (Visa, Mastercard, JCB, Amex, UnionPay,
// NAPAS 9704) and a valid Luhn check digit.
bool is_card_number(std::string_view digits);
bool luhn_valid(std::string_view digits);

// Tax code (mã số thuế): 10 digits whose 10th is the check digit (weights 31,29,23,19,17,13,7,5,3
// mod 11), optionally followed by a 3-digit branch suffix (13 digits in all).
bool is_tax_code(std::string_view digits);

// Licence-plate locality code 11-99.
bool is_plate_locality(int code);

}  // namespace tincay::pii
