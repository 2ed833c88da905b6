// The [heap] section: the simulated direct map the slab allocator serves.
#pragma once
#include "sim/base/spec.hpp"

namespace rcusim {

struct HeapConfig {
  Size size{1ULL << 30};
  bool poison = true;
  template <class V>
  void visit(V& v) {
    v("size", size, Spec{1 << 20, 1ULL << 40, {}, "simulated direct-map heap"});
    v("poison", poison,
      Spec{.doc = "poison freed objects (slub_debug=P) so use-after-free reads show"});
  }
};

}  // namespace rcusim
