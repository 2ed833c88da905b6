#include "models/memory/flat.hpp"

// Everything is inline in flat.hpp: Cpu calls the model tens of times per simulated object.
