// Latency histogram with bounded memory: exact below 128, then 64 sub-buckets per power of two
// (relative error under 1/64), so a run reclaiming 100 million objects keeps constant memory.
// Percentiles report the upper edge of the bucket, clipped to the exact maximum.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <limits>

namespace rcusim {

class Histogram {
 public:
  void add(std::int64_t v) {
    if (v < 0) v = 0;
    ++buckets_[index(static_cast<std::uint64_t>(v))];
    ++count_;
    sum_ += v;
    if (v > max_) max_ = v;
    if (v < min_) min_ = v;
  }
  std::uint64_t count() const { return count_; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // Smallest bucket edge with at least q of the samples at or below it.
  std::int64_t quantile(double q) const {
    if (!count_) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_));
    if (rank < 1) rank = 1;
    if (rank > count_) rank = count_;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) {
        const std::int64_t edge = upper(i);
        return edge < max_ ? edge : max_;
      }
    }
    return max_;
  }

 private:
  static constexpr int kSub = 6;  // 64 sub-buckets
  static constexpr std::size_t kBuckets = 128 + (64 - 7) * 64;
  static std::size_t index(std::uint64_t v) {
    if (v < 128) return static_cast<std::size_t>(v);
    const int msb = 63 - std::countl_zero(v);  // >= 7
    const auto sub = static_cast<std::size_t>((v >> (msb - kSub)) & 63);
    return 128 + static_cast<std::size_t>(msb - 7) * 64 + sub;
  }
  static std::int64_t upper(std::size_t i) {
    if (i < 128) return static_cast<std::int64_t>(i);
    const std::size_t msb = (i - 128) / 64 + 7, sub = (i - 128) % 64;
    const std::uint64_t lo = (1ULL << msb) + (static_cast<std::uint64_t>(sub) << (msb - kSub));
    return static_cast<std::int64_t>(lo + (1ULL << (msb - kSub)) - 1);
  }
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
};

}  // namespace rcusim
