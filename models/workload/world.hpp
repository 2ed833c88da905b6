// Boot-time construction of the object types, their callback functions in module text, and the
// RCU-protected table, from the scenario's [objects] and [table] sections.
#pragma once
#include "models/workload/config.hpp"
#include "models/workload/objects.hpp"
#include "sim/base/rng.hpp"

namespace rcusim {

class Kernel;
void build_world(Kernel& k, ObjectWorld& w, const ObjectsConfig& o, const TableConfig& table,
                 Rng& rng);

}  // namespace rcusim
