// [[module]] tables of scripted scenarios: a module and the RCU callbacks in its text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "sim/base/spec.hpp"

namespace rcusim {

// A module's RCU callback, for scripted scenarios ([[module]] callbacks = [...]).
struct CallbackConfig {
  std::string name;
  std::string kind = "trivial_kfree";
  Size struct_size{64};  // the struct it frees; its rcu_head is at the end
  Size size{96};         // text size
  std::int64_t work = 300;
  template <class V>
  void visit(V& v) {
    v("name", name, Spec{.doc = "function name"});
    v("kind", kind,
      Spec{.choices = {"trivial_kfree", "trivial_cache_free", "nontrivial", "double_free",
                       "invalid_free", "wrong_cache_free", "write_after_free"},
           .doc = "what the callback does: container_of + kfree, + kmem_cache_free, "
                  "or real work then kfree; or one of four bugs a module's callback "
                  "can have (the heap's BUG checks catch each)"});
    v("struct_size", struct_size,
      Spec{24, 1 << 20, {}, "size of the struct it frees (rcu_head at its end)"});
    v("size", size, Spec{16, 1 << 20, {}, "text size of the function"});
    v("work", work, Spec{0, 1e9, {}, "cycles of work for a nontrivial callback"});
  }
};

struct ModuleConfig {
  std::string name;
  std::vector<CallbackConfig> callbacks;
  template <class V>
  void visit(V& v) {
    v("name", name, Spec{.doc = "module name"});
    v.array("callbacks", callbacks);
  }
};

}  // namespace rcusim
