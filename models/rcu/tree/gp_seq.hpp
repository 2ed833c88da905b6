// Grace-period sequence numbers of Tree RCU: kernel/rcu/rcu.h (rcu_seq_*), include/linux/rcupdate.h
// (ULONG_CMP_GE/LT) and the initial value of kernel/rcu/tree.c (rcu_state.gp_seq), Linux v6.6.
// unsigned long is std::uint64_t (x86-64); the arithmetic wraps exactly as the kernel's does.
#pragma once
#include <cstdint>

namespace rcusim::tree {

inline constexpr int RCU_SEQ_CTR_SHIFT = 2;
inline constexpr std::uint64_t RCU_SEQ_STATE_MASK = (1UL << RCU_SEQ_CTR_SHIFT) - 1;
inline constexpr std::uint64_t kUlongMax = ~std::uint64_t{0};

// Starts 300 grace periods before the wrap, so wrap bugs show early (tree.c: .gp_seq).
inline constexpr std::uint64_t kRcuGpSeqInit = (std::uint64_t{0} - 300) << RCU_SEQ_CTR_SHIFT;

constexpr bool ULONG_CMP_GE(std::uint64_t a, std::uint64_t b) { return kUlongMax / 2 >= a - b; }
constexpr bool ULONG_CMP_LT(std::uint64_t a, std::uint64_t b) { return kUlongMax / 2 < a - b; }

// The value as the tracepoints print it (%ld): kRcuGpSeqInit prints as -1200.
constexpr std::int64_t gp_seq_signed(std::uint64_t s) { return static_cast<std::int64_t>(s); }

constexpr std::uint64_t rcu_seq_ctr(std::uint64_t s) { return s >> RCU_SEQ_CTR_SHIFT; }
constexpr int rcu_seq_state(std::uint64_t s) { return static_cast<int>(s & RCU_SEQ_STATE_MASK); }

// The kernel WARNs (WARN_ON_ONCE) where these return false; the value is updated regardless.
constexpr bool rcu_seq_set_state(std::uint64_t& sp, int newstate) {
  const auto st = static_cast<std::uint64_t>(newstate);
  sp = (sp & ~RCU_SEQ_STATE_MASK) + st;
  return (st & ~RCU_SEQ_STATE_MASK) == 0;
}
constexpr bool rcu_seq_start(std::uint64_t& sp) {
  sp = sp + 1;
  return rcu_seq_state(sp) == 1;
}
constexpr std::uint64_t rcu_seq_endval(std::uint64_t s) { return (s | RCU_SEQ_STATE_MASK) + 1; }
constexpr bool rcu_seq_end(std::uint64_t& sp) {
  const bool in_progress = rcu_seq_state(sp) != 0;
  sp = rcu_seq_endval(sp);
  return in_progress;
}

// The earliest value that means a full grace period has elapsed since now.
constexpr std::uint64_t rcu_seq_snap(std::uint64_t s) {
  return (s + 2 * RCU_SEQ_STATE_MASK + 1) & ~RCU_SEQ_STATE_MASK;
}
constexpr std::uint64_t rcu_seq_current(std::uint64_t s) { return s; }
// Has the grace period that snapshot `s` waits for started (sp) / fully elapsed (rcu_seq_done)?
constexpr bool rcu_seq_started(std::uint64_t sp, std::uint64_t s) {
  return ULONG_CMP_LT((s - 1) & ~RCU_SEQ_STATE_MASK, sp);
}
constexpr bool rcu_seq_done(std::uint64_t sp, std::uint64_t s) { return ULONG_CMP_GE(sp, s); }
// The same without the ULONG_MAX / 2 guard band: a snapshot far in the past also counts as done
// (v6.6; later kernels widen the window to 3 * RCU_SEQ_STATE_MASK + 1).
constexpr bool rcu_seq_done_exact(std::uint64_t sp, std::uint64_t s) {
  return ULONG_CMP_GE(sp, s) || ULONG_CMP_LT(sp, s - (2 * RCU_SEQ_STATE_MASK + 1));
}
// Has a grace period completed / started since `old` was read?
constexpr bool rcu_seq_completed_gp(std::uint64_t old, std::uint64_t now) {
  return ULONG_CMP_LT(old, now & ~RCU_SEQ_STATE_MASK);
}
constexpr bool rcu_seq_new_gp(std::uint64_t old, std::uint64_t now) {
  return ULONG_CMP_LT((old + RCU_SEQ_STATE_MASK) & ~RCU_SEQ_STATE_MASK, now);
}

// Roughly how many full grace periods elapsed between old and now.
constexpr std::uint64_t rcu_seq_diff(std::uint64_t now, std::uint64_t old) {
  if (old == now) return 0;
  const std::uint64_t partial =
      ((now & RCU_SEQ_STATE_MASK) != 0 || (old & RCU_SEQ_STATE_MASK) != 0) ? 1 : 0;
  const std::uint64_t rnd_diff =
      (now & ~RCU_SEQ_STATE_MASK) - ((old + RCU_SEQ_STATE_MASK) & ~RCU_SEQ_STATE_MASK) + partial;
  if (ULONG_CMP_GE(RCU_SEQ_STATE_MASK, rnd_diff)) return 1;  // surely no grace period elapsed
  return ((rnd_diff - RCU_SEQ_STATE_MASK - 1) >> RCU_SEQ_CTR_SHIFT) + 2;
}

}  // namespace rcusim::tree
