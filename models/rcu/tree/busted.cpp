// A deliberately broken Tree RCU, the tree's counterpart of models/rcu/busted.cpp: when a quiescent
// state empties a leaf, rcu_report_qs_rnp() clears the whole of each parent's qsmask instead of
// the leaf's bit, so the first leaf to finish ends the grace period while sibling leaves still
// wait for CPUs. Readers on those CPUs must catch it (it takes two leaves: rcu_fanout_leaf below
// the CPU count).
#include "models/rcu/tree/tree.hpp"

namespace rcusim {

namespace {
class BustedTreeRcu final : public tree::TreeRcu {
 public:
  using TreeRcu::TreeRcu;
  std::string_view name() const override { return "busted-tree"; }

 protected:
  void clear_qs(tree::rcu_node& rnp, std::uint64_t mask) override {
    if (rnp.level == rsp_.geo.rcu_num_lvls - 1)
      rnp.qsmask &= ~mask;
    else
      rnp.qsmask = 0;  // the bug: siblings' bits go too
  }
};
}  // namespace

std::unique_ptr<RcuFlavor> make_busted_tree(Kernel& k, const RcuConfig& cfg) {
  return std::make_unique<BustedTreeRcu>(k, cfg);
}

}  // namespace rcusim
