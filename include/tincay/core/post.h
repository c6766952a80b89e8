// tincay/core/post.h — a post or comment as it leaves ingest.
//
// By the time a Post exists it has been validated (text is valid UTF-8, created_at parsed) and its
// author pseudonymized: the raw author string is never stored in a Post.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tincay {

struct Post {
  std::string id;  // as given, or derived from platform + text (id_derived is then set)
  bool id_derived = false;
  std::string platform;    // "" when the source did not say
  std::string author_key;  // hex HMAC-SHA256(secret, platform ":" author); "" when no author
  std::string created_at;  // RFC 3339 as given; "" when absent
  std::optional<std::int64_t> created_unix;  // seconds since the epoch, from created_at
  std::string parent_id;
  std::string url;
  std::string lang;
  std::string text;           // the original text, valid UTF-8 (may contain NUL)
  std::string metadata_json;  // unknown input fields as one JSON object; "{}" when none

  std::string source;    // where the record came from, for messages ("posts.jsonl")
  std::size_t line = 0;  // 1-based line of the record's first line in `source`
};

}  // namespace tincay
