#include "src/cli/batch_writer.h"

namespace tincay::cli {

BatchWriter::BatchWriter(std::FILE* out, Store* store, std::size_t max_pending)
    : out_(out), store_(store), max_pending_(max_pending), thread_([this] { run(); }) {}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status BatchWriter::submit(std::unique_ptr<ScannedBatch> batch) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < max_pending_ || !error_; });
  if (!error_) return error_;
  queue_.push_back(std::move(batch));
  cv_.notify_all();
  return ok_status();
}

Status BatchWriter::finish() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !error_; });
  return error_;
}

void BatchWriter::run() {
  std::vector<StoredScan> stored;
  for (;;) {
    std::unique_ptr<ScannedBatch> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left
      batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    cv_.notify_all();  // room in the queue
    stored.clear();
    for (std::size_t i = 0; i < batch->posts.size(); ++i) {
      std::string& line = batch->lines[i];
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), out_);
      line.pop_back();
      stored.push_back(StoredScan{&batch->posts[i], &batch->decisions[i], line,
                                  batch->trends.empty() ? nullptr : &batch->trends[i]});
    }
    Status status;
    if (store_ != nullptr) status = store_->put_scans(stored);
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy_ = false;
      if (!status && error_) {
        error_ = status;
        queue_.clear();
      }
    }
    cv_.notify_all();
  }
}

}  // namespace tincay::cli
