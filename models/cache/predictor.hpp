// Indirect-branch prediction as a per-CPU last-target table: direct mapped on the call-site
// address, each entry remembering the site and the target it jumped to last. A call predicts
// correctly when its site's entry holds the same site and target; a first use, a changed target
// or an entry taken over by another site mispredicts. This is the behaviour that makes a batch of
// callbacks with one shared func (kfree_rcu) cheap and a batch of mixed funcs expensive.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

class IndirectPredictor {
 public:
  explicit IndirectPredictor(std::uint32_t entries);  // a power of two
  // True when `target` was predicted; the entry learns `target` either way.
  bool predict(Addr site, Addr target);

 private:
  struct Entry {
    Addr site = ~Addr{0};  // no call site: the first use of any site mispredicts
    Addr target = 0;
  };
  std::vector<Entry> table_;
  std::uint64_t mask_;
};

}  // namespace rcusim
