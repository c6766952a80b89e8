// tincay/core/thread_pool.h — a fixed pool of worker threads for data-parallel batches.
//
// The pipeline processes posts in batches; parallel_for() splits a batch across the pool and
// returns when every item is done. Per-item work must not throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tincay {

class ThreadPool {
 public:
  // threads == 0 means std::thread::hardware_concurrency() (at least 1). The calling thread also
  // works, so `threads` workers means threads - 1 extra OS threads.
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size() + 1; }

  // Calls fn(worker, i) for every i in [0, n); `worker` in [0, size()) identifies the thread so
  // callers can keep per-thread scratch. Blocks until all calls have returned.
  void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn);

 private:
  void run_worker(std::size_t worker);
  void work_on_current(std::size_t worker);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  const std::function<void(std::size_t, std::size_t)>* job_ = nullptr;
  std::size_t job_size_ = 0;
  std::size_t next_ = 0;
  std::size_t active_ = 0;
  std::size_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace tincay
