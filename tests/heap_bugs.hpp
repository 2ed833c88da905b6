// Collects the BUG reports a heap makes, for tests that drive the heap without a run.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "models/heap/heap.hpp"

struct HeapBugs {
  std::vector<std::string> msgs;
  void attach(rcusim::Heap& h) {
    h.set_bug_sink([this](const std::string&, const std::string& m) { msgs.push_back(m); });
  }
  bool any(const std::string& what) const {
    return std::any_of(msgs.begin(), msgs.end(),
                       [&](const std::string& m) { return m.find(what) != std::string::npos; });
  }
};
