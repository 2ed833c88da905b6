// End-of-run audit: a callback still queued when the run ends whose func word points into an
// unloaded module's text is an oops waiting to happen. Reporting it makes "unload with trivial
// callbacks pending and no barrier" caught every time, however long the run lasts.
#pragma once
#include "sim/base/units.hpp"

namespace rcusim {

class Kernel;
void audit_pending_callbacks(Kernel& k, Cycles end);

}  // namespace rcusim
