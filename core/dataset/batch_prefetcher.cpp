#include "core/dataset/batch_prefetcher.h"

#include "core/dataset/dataset_source.h"

#include "core/dataset/data_error_p.h"

#include <algorithm>

namespace cs {
namespace {

int64_t countBatches(int64_t samples, int64_t batchSize, int64_t numBatches)
{
    if (batchSize < 1)
        throw CalibError("batch size must be at least 1, not " + std::to_string(batchSize));
    if (numBatches < -1)
        throw CalibError("number of batches must be -1 (all) or at least 0, not " + std::to_string(numBatches));
    const int64_t all = (samples + batchSize - 1) / batchSize;
    return numBatches < 0 ? all : std::min(all, numBatches);
}

} // namespace

BatchPrefetcher::BatchPrefetcher(const DatasetSource& source, int64_t batchSize, int64_t numBatches, int queueDepth)
    : m_source(source)
    , m_batchSize(batchSize)
    , m_batchCount(countBatches(source.size(), batchSize, numBatches))
    , m_queueDepth(size_t(std::max(queueDepth, 1)))
    , m_thread([this] { run(); })
{
}

BatchPrefetcher::~BatchPrefetcher()
{
    cancel();
    m_thread.join();
}

void BatchPrefetcher::cancel()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_cancelled = true;
        m_stop = true;
        m_queue.clear(); // frees the decoded batches now, not at destruction
    }
    m_changed.notify_all();
}

std::optional<Batch> BatchPrefetcher::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_cancelled || m_done || !m_queue.empty(); });
    if (m_cancelled)
        return std::nullopt;
    if (!m_queue.empty()) {
        Batch batch = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        m_changed.notify_all();
        return batch;
    }
    if (m_error) {
        const std::exception_ptr error = m_error;
        m_error = nullptr;
        std::rethrow_exception(error);
    }
    return std::nullopt;
}

std::optional<Batch> BatchPrefetcher::decode(int64_t batchIndex) const
{
    const std::vector<int64_t> sampleShape = m_source.sampleShape();
    const int64_t numel = m_source.sampleNumel();
    Batch batch;
    batch.index = batchIndex;
    batch.firstSample = batchIndex * m_batchSize;
    const int64_t n = std::min(m_batchSize, m_source.size() - batch.firstSample);
    batch.shape.push_back(n);
    batch.shape.insert(batch.shape.end(), sampleShape.begin(), sampleShape.end());
    batch.data.resize(size_t(n * numel));
    batch.labels.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        // A batch of large images takes a while; cancel() should not wait for all of it.
        if (m_stop)
            return std::nullopt;
        m_source.readSample(batch.firstSample + i, batch.data.data() + i * numel);
        batch.labels[size_t(i)] = m_source.label(batch.firstSample + i);
    }
    return batch;
}

void BatchPrefetcher::run()
{
    try {
        for (int64_t b = 0; b < m_batchCount; ++b) {
            {
                // Wait for room before decoding, so at most m_queueDepth batches exist plus
                // the one the consumer holds.
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [this] { return m_cancelled || m_queue.size() < m_queueDepth; });
                if (m_cancelled)
                    break;
            }
            std::optional<Batch> batch = decode(b);
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (m_cancelled || !batch)
                    break;
                m_queue.push_back(std::move(*batch));
            }
            m_changed.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_error = std::current_exception();
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done = true;
    }
    m_changed.notify_all();
}

} // namespace cs
