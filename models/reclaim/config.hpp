// The [reclaim] section: which kfree_rcu() generation runs (a row of models/reclaim/
// generation.hpp's table), and fault injection for the page allocations of the batching ones.
#pragma once
#include <string>

#include "models/reclaim/generation.hpp"
#include "sim/base/plugin.hpp"
#include "sim/base/spec.hpp"

namespace rcusim {

struct ReclaimConfig {
  std::string kfree_rcu = "rfc-2008";
  double fail_page_alloc = 0.0;
  template <class V>
  void visit(V& v) {
    static const std::string doc = doc_of(kfree_rcu_generations(), "kfree_rcu() as of");
    v("kfree_rcu", kfree_rcu, Spec{.choices = names_of(kfree_rcu_generations()), .doc = doc});
    v("fail_page_alloc", fail_page_alloc,
      Spec{0,
           1,
           {},
           "probability that a page kfree_rcu() asks the page allocator for is refused "
           "(fault injection, as fail_page_alloc): the object goes on the rcu_head list"});
  }
  const KfreeRcuGeneration& generation() const {
    return *find_ops(kfree_rcu_generations(), kfree_rcu);
  }
};

}  // namespace rcusim
