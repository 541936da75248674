#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace cs {

class DatasetSource;

// Consecutive samples of a dataset, ready to wrap as a model input.
struct Batch {
    std::vector<float> data;        // shape[0] samples, channel-first, contiguous
    std::vector<int64_t> shape;     // [n, ...sampleShape]
    std::vector<int64_t> labels;    // n entries; -1 when the dataset is unlabelled
    int64_t index = 0;              // batch number, from 0
    int64_t firstSample = 0;        // dataset index of data's first sample
};

// Decodes batches on its own thread while the caller runs the model, keeping at most
// `queueDepth` finished batches so memory stays bounded. Batch k always holds samples
// [k * batchSize, ...) in order; the last batch may be partial. `source` must outlive the
// prefetcher. next() is for one consumer thread; cancel() may be called from any thread.
class BatchPrefetcher {
public:
    // numBatches = -1 reads the whole dataset. Throws CalibError for batchSize < 1.
    BatchPrefetcher(const DatasetSource& source, int64_t batchSize, int64_t numBatches = -1, int queueDepth = 2);
    ~BatchPrefetcher();                 // cancels and joins the thread
    BatchPrefetcher(const BatchPrefetcher&) = delete;
    BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

    // The next batch in order; nullopt after the last one or once cancelled. An exception
    // thrown while decoding (a file gone since opening, say) is rethrown here, once, after
    // the batches decoded before it.
    std::optional<Batch> next();
    // Stops decoding; next() returns nullopt from now on without waiting for the thread.
    void cancel();

    int64_t batchCount() const { return m_batchCount; }  // batches this prefetcher yields in total

private:
    void run();
    // nullopt when cancelled mid-batch.
    std::optional<Batch> decode(int64_t batchIndex) const;

    const DatasetSource& m_source;
    const int64_t m_batchSize;
    const int64_t m_batchCount;
    const size_t m_queueDepth;

    std::mutex m_mutex;                 // guards everything below except m_thread
    std::condition_variable m_changed;  // queue, done or cancelled changed
    std::deque<Batch> m_queue;
    std::exception_ptr m_error;
    bool m_done = false;
    bool m_cancelled = false;
    std::atomic<bool> m_stop{false};    // m_cancelled, readable mid-batch without the lock

    std::thread m_thread;               // last: started once the members above exist
};

} // namespace cs
