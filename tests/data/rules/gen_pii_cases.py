#!/usr/bin/env python3
"""Writes pii_cases.tsv: the generated personal-data test set (issue 4).

Every number is random (seeded, so the file is reproducible) and only shaped like a real
identifier; sentences are templates written for this project. Each line:
    type <TAB> value <TAB> text
with type one of phone, national_id, bank_account, card_number, tax_code, email, license_plate,
or "none" for hard negatives (prices, dates, hotlines, order codes, invalid numbers, ...).
Run: python3 tests/data/rules/gen_pii_cases.py > tests/data/rules/pii_cases.tsv
"""
import random

rng = random.Random(20261120)
PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "59", "70", "76", "77",
            "78", "79", "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "92", "93",
            "94", "96", "97", "98", "99"]
PROVINCES = [1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
             35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
             68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96]
BANKS = ["Vietcombank", "VCB", "BIDV", "Agribank", "Techcombank", "MB Bank", "ACB", "VPBank",
         "TPBank", "Sacombank", "VietinBank"]
NAMES = ["lan", "minh.tran", "hoangnam92", "thu_ha", "quang.le", "ngoc.anh", "tuan1990", "mai.pt"]
DOMAINS = ["gmail.com", "yahoo.com", "example.vn", "outlook.com", "example.com.vn"]
SERIES = ["A", "B", "C", "D", "E", "F", "G", "H", "K", "L", "M", "N", "P", "S", "T", "U", "V",
          "X", "Y", "Z", "LD", "KT"]
DIGIT_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

def digits(n):
    return "".join(rng.choice("0123456789") for _ in range(n))

def phone():
    return "0" + rng.choice(PREFIXES) + digits(7)

def phone_forms(p):
    a, b, c = p[:4], p[4:7], p[7:]
    return [
        (p, p), (f"{a} {b} {c}", p), (f"{a}.{b}.{c}", p), (f"{a}-{b}-{c}", p),
        (f"{p[:3]} {p[3:6]} {p[6:]}", p), (f"+84 {p[1:4]} {p[4:7]} {p[7:]}", "84" + p[1:]),
        (f"84{p[1:]}", "84" + p[1:]), (" ".join(p), p),
        (" ".join(DIGIT_WORDS[int(d)] for d in p), p),
    ]

def cccd():
    prov = rng.choice(PROVINCES)
    g = rng.choice("0123")
    yy = rng.randint(0, 99) if g in "01" else rng.randint(0, 20)
    return f"{prov:03d}{g}{yy:02d}{digits(6)}"

def luhn_complete(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        v = int(ch)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return body + str((10 - total % 10) % 10)

def card():
    prefix = rng.choice(["4", "51", "52", "55", "9704", "3530", "62"])
    length = 19 if prefix == "9704" and rng.random() < 0.3 else 16
    return luhn_complete(prefix + digits(length - len(prefix) - 1))

def tax():
    weights = [31, 29, 23, 19, 17, 13, 7, 5, 3]
    while True:
        body = f"{rng.randint(1, 96):02d}" + digits(7)
        r = sum(int(d) * w for d, w in zip(body, weights)) % 11
        check = 10 - r
        if 0 <= check <= 9:
            return body + str(check)

def plate():
    code = rng.randint(11, 99)
    s = rng.choice(SERIES)
    n = digits(5)
    forms = [f"{code}{s}-{n[:3]}.{n[3:]}", f"{code}{s}-{n}", f"{code}{s} {n[:3]}.{n[3:]}",
             f"{code}{s}{n}", f"{code}-{s[0]}{rng.randint(1, 9)} {n[:3]}.{n[3:]}",
             f"{code}{s[0]}{rng.randint(1, 9)}-{n}", f"{code}{s}-{n[:4]}"]
    return rng.choice(forms)

PHONE_T = ["Liên hệ {} để xem nhà", "sđt: {}", "bóc phốt con này, số nó là {}", "gọi mình nha {}",
           "Ai biết chủ số {} không?", "{} - anh Tuấn", "đt {} (zalo)", "Số {} nhắn tin làm phiền suốt"]
ID_T = ["CCCD của nó: {}", "số căn cước {} tên Nguyễn Văn A", "lộ cccd {} trên nhóm", "{} là số định danh"]
CMND_T = ["số CMND: {}", "cmnd {} cấp năm 2010", "chứng minh nhân dân số {}", "CMT {} của ông ấy"]
BANK_T = ["STK {} {}", "số tài khoản {} ngân hàng {}", "CK vào tk {} ({})", "chủ TK Trần B, STK {} - {}"]
CARD_T = ["thẻ {} hết hạn 09/28", "số thẻ: {}", "ai nhặt được thẻ {} không", "card {} cvv kèm theo"]
TAX_T = ["MST {}", "mã số thuế: {}", "Công ty TNHH ABC, MST: {}", "mã số thuế cá nhân {}"]
MAIL_T = ["mail: {}", "gửi cv về {}", "email của nó {} nè", "liên hệ {} để biết thêm"]
PLATE_T = ["xe biển {} đỗ sai chỗ", "biển số {} vượt đèn đỏ", "ai quen chủ xe {} không", "{} tông người bỏ chạy"]

NEG = [
    lambda: f"Giá chỉ {rng.randint(1, 999)}.{digits(3)}.000đ",
    lambda: f"giá {rng.randint(100, 999)}k, ship {rng.randint(10, 50)}k",
    lambda: f"Lương {rng.randint(5, 30)} triệu/tháng",
    lambda: f"Tổng {rng.randint(1, 99)}.{digits(3)}.{digits(3)} đồng",
    lambda: f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1990, 2026)} lúc {rng.randint(0, 23)}:{rng.randint(10, 59)}",
    lambda: f"{rng.randint(2000, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    lambda: f"Hotline 1900 {digits(4)} hoặc 1800 {digits(4)}",
    lambda: f"Tổng đài 1900{digits(4)}",
    lambda: f"Mã đơn hàng {digits(12)}",
    lambda: f"mã vận đơn: {digits(10)}",
    lambda: f"Mã giao dịch {digits(9)}",
    lambda: f"Năm {rng.randint(1990, 2026)} có {rng.randint(100000, 99999999)} lượt xem",
    lambda: f"Video đạt {rng.randint(1, 999)}.{digits(3)}.{digits(3)} view",
    lambda: f"lúc {rng.randint(1, 12)}h {rng.randint(1000, 9999)} người",
    lambda: f"Số {digits(9)}",
    lambda: "095" + digits(7),
    lambda: f"01{digits(9)}",
    lambda: f"{rng.choice(['003', '005', '099', '100', '250'])}{rng.choice('0123')}{digits(8)}",
    lambda: f"Mã sản phẩm {digits(16)}",
    lambda: f"iPhone 15 Pro Max {rng.choice(['256GB', '512GB'])} giá {rng.randint(20, 40)}tr",
    lambda: f"Size {rng.randint(35, 44)} còn {rng.randint(1, 20)} đôi",
    lambda: f"điểm {rng.randint(5, 10)}.{rng.randint(0, 9)} môn toán",
    lambda: f"phòng {rng.randint(100, 999)} tầng {rng.randint(1, 30)}",
    lambda: f"ship về quận {rng.randint(1, 12)} mất {rng.randint(20, 60)}k",
    lambda: f"tỷ số {rng.randint(0, 5)}-{rng.randint(0, 5)} phút {rng.randint(1, 90)}",
    lambda: f"cân nặng {rng.randint(40, 90)}kg cao {rng.randint(150, 190)}cm",
    lambda: f"Đơn {rng.randint(10, 99)}A ở phòng {rng.randint(100, 999)}",
    lambda: f"bán {rng.randint(1000, 9999)} cái áo",
    lambda: f"@{rng.choice(NAMES)} ơi vào đây",
    lambda: f"email@ ở đâu vậy",
]

rows = []
def add(kind, value, text):
    rows.append((kind, value, text.replace("\t", " ")))

for _ in range(40):
    p = phone()
    for form, value in phone_forms(p):
        add("phone", value, rng.choice(PHONE_T).format(form))
for _ in range(120):
    c = cccd()
    add("national_id", c, rng.choice(ID_T).format(c))
for _ in range(60):
    c = digits(9)
    add("national_id", c, rng.choice(CMND_T).format(c))
for _ in range(100):
    acc = digits(rng.choice([9, 10, 12, 13, 14, 15]))
    t = rng.choice(BANK_T)
    add("bank_account", acc, t.format(acc, rng.choice(BANKS)))
for _ in range(80):
    c = card()
    shown = " ".join(c[i:i + 4] for i in range(0, len(c), 4)) if rng.random() < 0.5 else c
    add("card_number", c, rng.choice(CARD_T).format(shown))
for _ in range(60):
    t = tax()
    shown = t if rng.random() < 0.7 else t + "-" + f"{rng.randint(1, 20):03d}"
    add("tax_code", shown.replace("-", ""), rng.choice(TAX_T).format(shown))
for _ in range(60):
    m = rng.choice(NAMES) + "@" + rng.choice(DOMAINS)
    add("email", m, rng.choice(MAIL_T).format(m))
for _ in range(80):
    p = plate()
    add("license_plate", p, rng.choice(PLATE_T).format(p))
for _ in range(420):
    add("none", "", rng.choice(NEG)())

rng.shuffle(rows)
print("# type\tvalue\ttext (generated by gen_pii_cases.py; numbers are random, not real)")
for r in rows:
    print("\t".join(r))
