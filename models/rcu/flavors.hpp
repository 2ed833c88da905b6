// The RCU flavours, one row each (the plug-in table of sim/base/plugin.hpp). Adding a flavour is
// one folder or file under models/rcu/ and one row in flavors.cpp; the engine only calls make().
#pragma once
#include <memory>
#include <span>
#include <string_view>

namespace rcusim {

class Kernel;
class RcuFlavor;
struct RcuConfig;

struct RcuFlavorOps {
  std::string_view name;
  std::string_view doc;
  std::unique_ptr<RcuFlavor> (*make)(Kernel& k, const RcuConfig& cfg);
};

std::span<const RcuFlavorOps> rcu_flavors();

}  // namespace rcusim
