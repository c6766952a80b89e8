// tincay/stream.h — posts on a NATS JetStream stream, between `tincay publish` and the
// `tincay worker`s (docs/scaling.md). Publish puts each ingested (already pseudonymized) post on
// PREFIX.<platform>; workers share one durable pull consumer, acknowledge a message only after its
// post is stored, and move a message that keeps failing to the dead-letter subject with its reason.
// The NATS client library (cnats) stays inside src/stream/.
//
// Thread safety: a StreamPublisher or StreamConsumer is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/post.h"
#include "tincay/core/result.h"

namespace tincay {

struct StreamOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string stream = "TINCAY_POSTS";  // created when missing, subjects PREFIX.>
  std::string subject_prefix = "tincay.posts";
  std::string dead_stream = "TINCAY_DEAD";  // keeps dead letters, subjects DEAD_PREFIX.>
  std::string dead_prefix = "tincay.dead";
  std::string consumer = "tincay-workers";  // the durable pull consumer all workers share
  // A message whose processing fails on its max_deliver-th delivery (or that arrives more often
  // than that, e.g. because it crashed every worker that took it) goes to the dead-letter subject.
  int max_deliver = 5;
  std::int64_t ack_wait_ms = 30000;      // unacknowledged this long: redelivered to another worker
  std::int64_t max_ack_pending = 20000;  // messages out to all workers and not yet acknowledged
  std::int64_t connect_timeout_ms = 5000;
};

// The subject of a platform's posts: PREFIX.<platform>, with characters NATS does not allow in a
// subject token ('.', '*', '>', whitespace, non-ASCII) replaced by '_'; "unknown" when empty.
std::string platform_subject(std::string_view prefix, std::string_view platform);

// The message body of a post: one JSON object with every Post field (author_key, never a raw
// author). post_from_message reads it back; errors name the field at fault.
std::string post_to_message(const Post& post);
Result<Post> post_from_message(std::string_view body);

// post_from_message for many messages: keeps the JSON parser's buffers from one message to the
// next. One per thread.
class PostMessageParser {
 public:
  PostMessageParser();
  ~PostMessageParser();
  PostMessageParser(const PostMessageParser&) = delete;
  PostMessageParser& operator=(const PostMessageParser&) = delete;
  Result<Post> parse(std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class StreamPublisher {
 public:
  // Connects and creates the stream and the dead-letter stream when missing. kUnavailable when
  // the server cannot be reached; kInternal naming JetStream's reason otherwise.
  static Result<std::unique_ptr<StreamPublisher>> connect(const StreamOptions& options);
  virtual ~StreamPublisher() = default;
  // Queues one message (asynchronous; at most a bounded number wait for their acknowledgement).
  // `msg_id` becomes Nats-Msg-Id: JetStream drops a second copy within its duplicate window, so
  // publishing a file twice in a row stores each post once on the stream.
  virtual Status publish(const std::string& subject, std::string_view body,
                         const std::string& msg_id) = 0;
  // Waits until every queued message is acknowledged by the stream. Fails naming how many were
  // not (they may be published again: their ids make that harmless).
  virtual Status flush() = 0;
  // Messages acknowledged as duplicates so far (already on the stream).
  virtual std::int64_t duplicates() const = 0;
};

// One message handed to a worker.
struct Delivery {
  std::string subject;
  std::string body;
  std::uint64_t deliveries = 0;  // 1 on the first delivery
  std::uint64_t stream_seq = 0;
  std::string dead_reason;       // the Tincay-Reason header, on a dead letter; "" otherwise
  std::shared_ptr<void> handle;  // the client library's message, for ack/nak
};

class StreamConsumer {
 public:
  // Connects, creates the streams and the durable consumer when missing and binds to it.
  static Result<std::unique_ptr<StreamConsumer>> connect(const StreamOptions& options);
  virtual ~StreamConsumer() = default;
  // Up to `max` messages, waiting at most `timeout_ms`; empty when none came. kUnavailable
  // while the server is unreachable (the client keeps reconnecting).
  virtual Result<std::vector<Delivery>> fetch(int max, std::int64_t timeout_ms) = 0;
  // Done: the stream will not deliver it again.
  virtual Status ack(const Delivery& d) = 0;
  // Failed: deliver it again after `delay_ms`.
  virtual Status nak(const Delivery& d, std::int64_t delay_ms) = 0;
  // Still working on it: restarts its acknowledgement timer.
  virtual Status in_progress(const Delivery& d) = 0;
  // Publishes the message to DEAD_PREFIX.<rest of its subject> with headers Tincay-Reason,
  // Tincay-Deliveries, Tincay-Subject and Tincay-Stream-Seq, waits for the dead-letter stream to
  // store it, then acknowledges the original so it no longer blocks anyone.
  virtual Status dead_letter(const Delivery& d, std::string_view reason) = 0;
  // Sends the acknowledgements still buffered to the server.
  virtual Status flush() = 0;
  const StreamOptions& options() const { return options_; }

 protected:
  explicit StreamConsumer(StreamOptions options) : options_(std::move(options)) {}

 private:
  StreamOptions options_;
};

}  // namespace tincay
