// The scenario's [[module]] tables: each module's callbacks placed in its text, then loaded, as
// insmod would before the scripts run.
#pragma once
#include <vector>

#include "models/module/config.hpp"

namespace rcusim {

class Kernel;
void load_modules(Kernel& k, const std::vector<ModuleConfig>& modules);

}  // namespace rcusim
