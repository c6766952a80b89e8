#include <string>
#include <vector>

#include "tincay/ingest.h"

namespace tincay {

bool split_csv_record(std::string_view record, std::vector<std::string>& fields) {
  fields.clear();
  fields.emplace_back();
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    switch (state) {
      case State::kFieldStart:
      case State::kUnquoted:
        if (c == ',') {
          fields.emplace_back();
          state = State::kFieldStart;
        } else if (c == '"' && state == State::kFieldStart) {
          state = State::kQuoted;
        } else {
          // A quote inside an unquoted field is kept literally, as most exporters expect.
          fields.back().push_back(c);
          state = State::kUnquoted;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            fields.back().push_back('"');
            ++i;
          } else {
            state = State::kAfterQuote;
          }
        } else {
          fields.back().push_back(c);
        }
        break;
      case State::kAfterQuote:
        if (c == ',') {
          fields.emplace_back();
          state = State::kFieldStart;
        } else {
          // Text after a closing quote ("a"b): keep it rather than lose it.
          fields.back().push_back(c);
          state = State::kUnquoted;
        }
        break;
    }
  }
  return state != State::kQuoted;
}

}  // namespace tincay
