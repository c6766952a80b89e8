// Fuzzes the stream message parser (post_from_message): it must never crash, and a post it
// accepts must survive a round trip through post_to_message unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tincay/stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto post = tincay::post_from_message(input);
  if (!post) return 0;
  if (post->id.empty()) std::abort();
  auto again = tincay::post_from_message(tincay::post_to_message(*post));
  if (!again || again->id != post->id || again->text != post->text ||
      again->metadata_json != post->metadata_json || again->created_unix != post->created_unix ||
      again->author_key != post->author_key || again->line != post->line) {
    std::abort();
  }
  return 0;
}
