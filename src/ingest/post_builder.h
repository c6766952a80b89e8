// Shared by the JSONL and CSV readers: validates the known fields of a record and builds a Post.
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/ingest.h"

namespace tincay {

// The known fields of one record, as views into the record (or into `owned`).
struct PostFields {
  std::string_view id, platform, author, created_at, parent_id, url, lang, text;
  bool has_text = false;
  std::deque<std::string> owned;  // storage for values that had to be converted (stable addresses)

  // The field named `key`, or nullptr for an unknown field (kept as metadata). Asking for "text"
  // marks the text as present.
  std::string_view* slot(std::string_view key);
};

// Validates created_at and pseudonymizes the author. The error message is the rejection reason.
Result<Post> build_post(const PostFields& fields, std::string metadata_json,
                        const Pseudonymizer& pseudonymizer);

// "p-" + the first 32 hex digits of SHA-256(platform "\n" text): stable across runs and machines.
std::string derive_post_id(std::string_view platform, std::string_view text);

}  // namespace tincay
