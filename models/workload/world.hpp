// Boot-time construction of the object types, their callback functions in module text, and the
// RCU-protected table, from the scenario's [objects] and [table] sections.
#pragma once
#include "sim/base/rng.hpp"

namespace rcusim {

class Kernel;
void build_world(Kernel& k, Rng& rng);

}  // namespace rcusim
