// The [reclaim] section: how kfree_rcu() encodes its offset (a row of models/reclaim/encoding.hpp's
// table).
#pragma once
#include <string>

#include "models/reclaim/encoding.hpp"
#include "sim/base/plugin.hpp"
#include "sim/base/spec.hpp"

namespace rcusim {

struct ReclaimConfig {
  std::string encoding = "rfc";
  template <class V> void visit(V& v) {
    static const std::string doc =
        doc_of(kfree_rcu_encodings(), "kfree_rcu()'s offset in rcu_head.func");
    v("encoding", encoding, Spec{.choices = names_of(kfree_rcu_encodings()), .doc = doc});
  }
  Encoding encoding_id() const { return find_ops(kfree_rcu_encodings(), encoding)->encoding; }
};

}  // namespace rcusim
