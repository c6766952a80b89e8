#include "tincay/core/thread_pool.h"

namespace tincay {

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) threads = std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  workers_.reserve(threads - 1);
  for (std::size_t w = 1; w < threads; ++w) {
    workers_.emplace_back([this, w] { run_worker(w); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::work_on_current(std::size_t worker) {
  std::unique_lock<std::mutex> lock(mu_);
  const auto* job = job_;
  const std::size_t n = job_size_;
  while (next_ < n) {
    const std::size_t i = next_++;
    lock.unlock();
    (*job)(worker, i);
    lock.lock();
  }
}

void ThreadPool::run_worker(std::size_t worker) {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      ++active_;
    }
    work_on_current(worker);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --active_;
    }
    done_cv_.notify_all();
  }
}

void ThreadPool::parallel_for(std::size_t n,
                              const std::function<void(std::size_t, std::size_t)>& fn) {
  if (n == 0) return;
  if (workers_.empty() || n == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_size_ = n;
    next_ = 0;
    ++generation_;
  }
  start_cv_.notify_all();
  work_on_current(0);
  std::unique_lock<std::mutex> lock(mu_);
  // Every item has been claimed; wait for the workers still running one.
  done_cv_.wait(lock, [&] { return active_ == 0; });
  job_ = nullptr;
  job_size_ = 0;
}

}  // namespace tincay
