// decode_rcu_fields(): dispatch on the event name to the decoder of its TP_printk() format.
#include <array>

#include "sim/trace/ftrace_fields.hpp"
#include "sim/trace/ftrace_reader.hpp"

namespace rcusim::ftrace {

std::optional<RcuFields> decode_rcu_fields(std::string_view event, std::string_view fields,
                                           std::string& why) {
  using namespace detail;
  // In RcuFields' order.
  static constexpr std::array<Decoded (*)(Fields&), std::variant_size_v<RcuFields>> decoders = {
      grace_period,
      grace_period_init,
      quiescent_state_report,
      fqs,
      callback,
      kvfree_callback,
      batch_start,
      invoke_callback,
      invoke_kvfree_callback,
      invoke_kfree_bulk_callback,
      batch_end,
      barrier};
  std::optional<std::size_t> i = rcu_event_index(event);
  if (!i) {
    why = fmt::format("'{}' is not an RCU event this reader decodes", scan::shown(event, 64));
    return std::nullopt;
  }
  Fields p(event, fields);
  Decoded d = decoders[*i](p);
  if (!d) why = p.why();
  return d;
}

}  // namespace rcusim::ftrace
