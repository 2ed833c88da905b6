// Plug-in families in the spirit of rcutorture's torture_ops[]: each family (RCU flavours,
// memory models, kfree_rcu encodings, ...) is one table of rows {name, doc, factory}. The
// scenario key's choices, its documentation in `rcusim keys` and the factory all read the same
// table, so a name cannot be accepted by one and unknown to another.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rcusim {

// Every row's name, in table order (a key's Spec::choices).
template <class Ops>
std::vector<std::string_view> names_of(std::span<const Ops> table) {
  std::vector<std::string_view> out;
  for (const Ops& o : table) out.push_back(o.name);
  return out;
}

// "<intro>: name = doc; name = doc", for a key's documentation.
template <class Ops>
std::string doc_of(std::span<const Ops> table, std::string_view intro) {
  std::string out(intro);
  const char* sep = ": ";
  for (const Ops& o : table) {
    out.append(sep).append(o.name).append(" = ").append(o.doc);
    sep = "; ";
  }
  return out;
}

// The row named `name`, or nullptr (the scenario reader has already refused unknown names).
template <class Ops>
const Ops* find_ops(std::span<const Ops> table, std::string_view name) {
  for (const Ops& o : table)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace rcusim
