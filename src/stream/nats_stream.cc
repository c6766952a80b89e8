// StreamPublisher and StreamConsumer over cnats (libnats) JetStream: async publishes with
// message ids, one durable pull consumer with explicit acks, and a dead-letter stream.
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include <nats/nats.h>

#include "tincay/stream.h"

namespace tincay {
namespace {

Error nats_error(ErrorCode code, const std::string& what, natsStatus s,
                 jsErrCode js_code = static_cast<jsErrCode>(0)) {
  std::string text = what + ": " + natsStatus_GetText(s);
  if (static_cast<int>(js_code) != 0)
    text += " (JetStream error " + std::to_string(static_cast<int>(js_code)) + ")";
  return make_error(code, std::move(text));
}

// Connection-level failures: the caller may retry once the server is back.
ErrorCode code_for(natsStatus s) {
  switch (s) {
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_TIMEOUT:
    case NATS_NO_RESPONDERS:
      return ErrorCode::kUnavailable;
    default:
      return ErrorCode::kInternal;
  }
}

struct NatsDeleter {
  void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
  void operator()(jsCtx* j) const { jsCtx_Destroy(j); }
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};

// The connection and JetStream context shared by publisher and consumer.
class Session {
 public:
  Status open(const StreamOptions& o, jsOptions* js_options) {
    natsOptions* raw_opts = nullptr;
    if (natsStatus s = natsOptions_Create(&raw_opts); s != NATS_OK) {
      return nats_error(ErrorCode::kInternal, "NATS options", s);
    }
    std::unique_ptr<natsOptions, NatsDeleter> opts(raw_opts);
    natsOptions_SetURL(opts.get(), o.url.c_str());
    natsOptions_SetTimeout(opts.get(), o.connect_timeout_ms);
    // Keep reconnecting for as long as the process runs: a NATS restart is an outage, not the end.
    natsOptions_SetAllowReconnect(opts.get(), true);
    natsOptions_SetMaxReconnect(opts.get(), -1);
    natsOptions_SetReconnectWait(opts.get(), 250);
    natsConnection* conn = nullptr;
    if (natsStatus s = natsConnection_Connect(&conn, opts.get()); s != NATS_OK) {
      return make_error(ErrorCode::kUnavailable,
                        std::string("cannot connect to NATS: ") + natsStatus_GetText(s), o.url);
    }
    conn_.reset(conn);
    jsCtx* js = nullptr;
    if (natsStatus s = natsConnection_JetStream(&js, conn_.get(), js_options); s != NATS_OK) {
      return nats_error(ErrorCode::kInternal, "JetStream context", s);
    }
    js_.reset(js);
    TINCAY_TRY(ensure_stream(o.stream, o.subject_prefix + ".>"));
    return ensure_stream(o.dead_stream, o.dead_prefix + ".>");
  }

  natsConnection* conn() const { return conn_.get(); }
  jsCtx* js() const { return js_.get(); }

 private:
  // Creates the stream when missing; an existing one is used as it is (an operator may have
  // tuned its limits or replicas).
  Status ensure_stream(const std::string& name, const std::string& subjects) {
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js_.get(), name.c_str(), nullptr, &code);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(info);
      return ok_status();
    }
    if (s != NATS_NOT_FOUND && code != JSStreamNotFoundErr) {
      return nats_error(code_for(s), "stream " + name, s, code);
    }
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name.c_str();
    const char* subject_list[] = {subjects.c_str()};
    cfg.Subjects = subject_list;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    // Work queue: a message is removed once acknowledged, so the stream holds only what is
    // still to do. (The dead-letter stream uses it too; an operator drains it by hand.)
    cfg.Retention = js_WorkQueuePolicy;
    s = js_AddStream(&info, js_.get(), &cfg, nullptr, &code);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(info);
      return ok_status();
    }
    if (code == JSStreamNameExistErr) return ok_status();  // created by a peer meanwhile
    return nats_error(code_for(s), "create stream " + name, s, code);
  }

  std::unique_ptr<natsConnection, NatsDeleter> conn_;
  std::unique_ptr<jsCtx, NatsDeleter> js_;
};

class NatsPublisher final : public StreamPublisher {
 public:
  Status open(const StreamOptions& o) {
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.PublishAsync.MaxPending = 4096;
    // With that many unacknowledged, a publish waits for room (a busy server is not an error).
    js_options.PublishAsync.StallWait = 60000;
    js_options.PublishAsync.AckHandler = &NatsPublisher::on_ack;
    js_options.PublishAsync.AckHandlerClosure = this;
    return session_.open(o, &js_options);
  }

  Status publish(const std::string& subject, std::string_view body,
                 const std::string& msg_id) override {
    natsMsg* msg = nullptr;
    natsStatus s =
        natsMsg_Create(&msg, subject.c_str(), nullptr, body.data(), static_cast<int>(body.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Nats-Msg-Id", msg_id.c_str());
    if (s == NATS_OK) s = js_PublishMsgAsync(session_.js(), &msg, nullptr);
    natsMsg_Destroy(msg);  // no effect when the library took it
    if (s != NATS_OK) return nats_error(code_for(s), "publish to " + subject, s);
    return ok_status();
  }

  Status flush() override {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 60000;
    const natsStatus s = js_PublishAsyncComplete(session_.js(), &po);
    if (s != NATS_OK)
      return nats_error(code_for(s), "waiting for the stream's acknowledgements", s);
    const std::int64_t failed = failed_.load();
    if (failed > 0) {
      return make_error(ErrorCode::kUnavailable,
                        std::to_string(failed) +
                            " message(s) were not stored by the stream (publish again: message "
                            "ids make repeats harmless); last reason: " +
                            last_error());
    }
    return ok_status();
  }

  std::int64_t duplicates() const override { return duplicates_.load(); }

 private:
  static void on_ack(jsCtx* /*js*/, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto* self = static_cast<NatsPublisher*>(closure);
    if (pa != nullptr && pa->Duplicate) self->duplicates_.fetch_add(1);
    if (pae != nullptr) {
      self->failed_.fetch_add(1);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->last_error_ = pae->ErrText != nullptr ? pae->ErrText : natsStatus_GetText(pae->Err);
    }
    natsMsg_Destroy(msg);
  }

  std::string last_error() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_error_;
  }

  Session session_;
  std::atomic<std::int64_t> duplicates_{0};
  std::atomic<std::int64_t> failed_{0};
  std::mutex mu_;
  std::string last_error_;
};

natsMsg* msg_of(const Delivery& d) { return static_cast<natsMsg*>(d.handle.get()); }

class NatsConsumer final : public StreamConsumer {
 public:
  explicit NatsConsumer(StreamOptions o) : StreamConsumer(std::move(o)) {}

  Status open() {
    const StreamOptions& o = options();
    TINCAY_TRY(session_.open(o, nullptr));
    // The durable consumer is created here, explicitly, so it outlives every worker (a consumer
    // created by a subscribe call would go away with its last subscriber).
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = o.consumer.c_str();
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = o.ack_wait_ms * 1000000;  // nanoseconds
    cc.MaxDeliver = -1;  // dead letters are decided here, with a reason, never dropped silently
    cc.MaxAckPending = o.max_ack_pending;
    jsConsumerInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetConsumerInfo(&info, session_.js(), o.stream.c_str(), o.consumer.c_str(),
                                      nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSConsumerNotFoundErr) {
      s = js_AddConsumer(&info, session_.js(), o.stream.c_str(), &cc, nullptr, &code);
    }
    if (s != NATS_OK) return nats_error(code_for(s), "consumer " + o.consumer, s, code);
    jsConsumerInfo_Destroy(info);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = o.stream.c_str();
    so.Consumer = o.consumer.c_str();
    natsSubscription* sub = nullptr;
    s = js_PullSubscribe(&sub, session_.js(), (o.subject_prefix + ".>").c_str(), o.consumer.c_str(),
                         nullptr, &so, &code);
    if (s != NATS_OK) return nats_error(code_for(s), "subscribe to " + o.consumer, s, code);
    sub_.reset(sub);
    return ok_status();
  }

  Result<std::vector<Delivery>> fetch(int max, std::int64_t timeout_ms) override {
    natsMsgList list{};
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s = natsSubscription_Fetch(&list, sub_.get(), max, timeout_ms, &code);
    std::vector<Delivery> out;
    if (s == NATS_TIMEOUT && list.Count == 0) return out;
    if (s != NATS_OK && s != NATS_TIMEOUT) {
      natsMsgList_Destroy(&list);
      return nats_error(code_for(s), "fetch", s, code);
    }
    out.reserve(static_cast<std::size_t>(list.Count));
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* m = list.Msgs[i];
      list.Msgs[i] = nullptr;  // ours now
      Delivery d;
      d.handle =
          std::shared_ptr<void>(m, [](void* p) { natsMsg_Destroy(static_cast<natsMsg*>(p)); });
      d.subject = natsMsg_GetSubject(m);
      d.body.assign(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)));
      const char* reason = nullptr;
      if (natsMsgHeader_Get(m, "Tincay-Reason", &reason) == NATS_OK && reason != nullptr) {
        d.dead_reason = reason;
      }
      jsMsgMetaData* meta = nullptr;
      if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
        d.deliveries = meta->NumDelivered;
        d.stream_seq = meta->Sequence.Stream;
        jsMsgMetaData_Destroy(meta);
      }
      out.push_back(std::move(d));
    }
    natsMsgList_Destroy(&list);
    return out;
  }

  Status ack(const Delivery& d) override { return check(natsMsg_Ack(msg_of(d), nullptr), "ack"); }
  Status nak(const Delivery& d, std::int64_t delay_ms) override {
    return check(natsMsg_NakWithDelay(msg_of(d), delay_ms, nullptr), "nak");
  }
  Status in_progress(const Delivery& d) override {
    return check(natsMsg_InProgress(msg_of(d), nullptr), "in-progress");
  }

  Status dead_letter(const Delivery& d, std::string_view reason) override {
    const StreamOptions& o = options();
    std::string rest = d.subject;
    if (rest.rfind(o.subject_prefix + ".", 0) == 0) rest = rest.substr(o.subject_prefix.size() + 1);
    const std::string subject = o.dead_prefix + "." + (rest.empty() ? "unknown" : rest);
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, d.body.data(),
                                  static_cast<int>(d.body.size()));
    // Header values are one line: newlines in a reason would end the header early.
    std::string one_line(reason);
    for (char& c : one_line) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    const std::string deliveries = std::to_string(d.deliveries);
    const std::string seq = std::to_string(d.stream_seq);
    const std::string id = o.stream + ":" + seq;
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Tincay-Reason", one_line.c_str());
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Tincay-Deliveries", deliveries.c_str());
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Tincay-Subject", d.subject.c_str());
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Tincay-Stream-Seq", seq.c_str());
    // A retried dead-lettering (crash between publish and ack) is dropped as a duplicate.
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Nats-Msg-Id", id.c_str());
    jsPubAck* pa = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    if (s == NATS_OK) s = js_PublishMsg(&pa, session_.js(), msg, nullptr, &code);
    jsPubAck_Destroy(pa);
    natsMsg_Destroy(msg);
    if (s != NATS_OK) return nats_error(code_for(s), "dead-letter to " + subject, s, code);
    return check(natsMsg_AckSync(msg_of(d), nullptr, &code), "ack dead letter");
  }

  Status flush() override {
    return check(natsConnection_FlushTimeout(session_.conn(), 10000), "flush acknowledgements");
  }

 private:
  static Status check(natsStatus s, const char* what) {
    if (s == NATS_OK) return ok_status();
    return nats_error(code_for(s), what, s);
  }

  Session session_;
  std::unique_ptr<natsSubscription, NatsDeleter> sub_;
};

}  // namespace

Result<std::unique_ptr<StreamPublisher>> StreamPublisher::connect(const StreamOptions& options) {
  auto p = std::make_unique<NatsPublisher>();
  TINCAY_TRY(p->open(options));
  return std::unique_ptr<StreamPublisher>(std::move(p));
}

Result<std::unique_ptr<StreamConsumer>> StreamConsumer::connect(const StreamOptions& options) {
  auto c = std::make_unique<NatsConsumer>(options);
  TINCAY_TRY(c->open());
  return std::unique_ptr<StreamConsumer>(std::move(c));
}

}  // namespace tincay
