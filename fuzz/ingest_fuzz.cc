// Fuzzes the record parsers: the first byte picks JSONL line parsing, CSV record splitting, or a
// whole CSV stream through the reader; any crash, leak or sanitizer report is a bug.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tincay/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const tincay::Pseudonymizer pseudonymizer("fuzz-secret-0123456789");
  switch (data[0] % 3) {
    case 0: {
      tincay::JsonRecordParser parser(pseudonymizer);
      (void)parser.parse(input, "fuzz", 1);
      break;
    }
    case 1: {
      std::vector<std::string> fields;
      (void)tincay::split_csv_record(input, fields);
      break;
    }
    default: {
      std::string copy(input);
      std::FILE* stream = fmemopen(copy.data(), copy.size(), "rb");
      if (stream == nullptr) return 0;
      tincay::IngestOptions options;
      options.max_record_bytes = 4096;
      for (const auto format : {tincay::InputFormat::kCsv, tincay::InputFormat::kJsonl}) {
        std::rewind(stream);
        auto reader = tincay::make_reader(stream, "fuzz", format, options, pseudonymizer);
        if (!reader) continue;
        while ((*reader)->next()) {
        }
      }
      std::fclose(stream);
    }
  }
  return 0;
}
