// The [rcu] section: which flavour (a row of models/rcu/flavors.hpp's table) and its tunables.
#pragma once
#include <cstdint>
#include <string>

#include "models/rcu/flavors.hpp"
#include "sim/base/plugin.hpp"
#include "sim/base/spec.hpp"

namespace rcusim {

struct RcuConfig {
  std::string flavor = "classic";
  std::int64_t blimit = 10;      // kernel/rcuclassic.c module parameters
  std::int64_t qhimark = 10000;
  std::int64_t qlowmark = 100;
  template <class V> void visit(V& v) {
    static const std::string doc = doc_of(rcu_flavors(), "the RCU implementation");
    v("flavor", flavor, Spec{.choices = names_of(rcu_flavors()), .doc = doc});
    v("blimit", blimit, Spec{1, 1e9, {}, "callbacks invoked per rcu_do_batch() call"});
    v("qhimark", qhimark, Spec{1, 1e9, {}, "qlen above which call_rcu() forces quiescent states"});
    v("qlowmark", qlowmark, Spec{0, 1e9, {}, "qlen at which blimit is restored"});
  }
};

}  // namespace rcusim
