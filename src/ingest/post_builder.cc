#include "src/ingest/post_builder.h"

#include "tincay/core/crypto.h"
#include "tincay/core/time.h"

namespace tincay {

std::string_view* PostFields::slot(std::string_view key) {
  if (key == "text") {
    has_text = true;
    return &text;
  }
  if (key == "id") return &id;
  if (key == "platform") return &platform;
  if (key == "author") return &author;
  if (key == "created_at") return &created_at;
  if (key == "parent_id") return &parent_id;
  if (key == "url") return &url;
  if (key == "lang") return &lang;
  return nullptr;
}

std::string derive_post_id(std::string_view platform, std::string_view text) {
  std::string material;
  material.reserve(platform.size() + 1 + text.size());
  material.append(platform).append("\n").append(text);
  return "p-" + sha256_hex(material).substr(0, 32);
}

Result<Post> build_post(const PostFields& f, std::string metadata_json,
                        const Pseudonymizer& pseudonymizer) {
  Post post;
  if (!f.created_at.empty()) {
    const auto t = parse_rfc3339(f.created_at);
    if (!t) {
      return make_error(ErrorCode::kInvalidInput,
                        "created_at \"" + std::string(f.created_at.substr(0, 64)) +
                            "\" is not an RFC 3339 date-time (e.g. 2026-10-14T08:31:00+07:00)");
    }
    post.created_unix = *t;
    post.created_at = std::string(f.created_at);
  }
  post.platform = std::string(f.platform);
  post.text = std::string(f.text);
  if (f.id.empty()) {
    post.id = derive_post_id(post.platform, post.text);
    post.id_derived = true;
  } else {
    post.id = std::string(f.id);
  }
  post.author_key = pseudonymizer.author_key(f.platform, f.author);
  post.parent_id = std::string(f.parent_id);
  post.url = std::string(f.url);
  post.lang = std::string(f.lang);
  post.metadata_json = std::move(metadata_json);
  return post;
}

}  // namespace tincay
