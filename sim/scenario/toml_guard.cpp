#include "sim/scenario/toml_guard.hpp"

#include <fmt/format.h>

namespace rcusim {

// A lexical pass: strings and comments are skipped; dots are counted since the last character
// that ends a key or value (= , { } [ ] or a newline), so "a.b.c" counts 2 and a float 1.
std::string toml_guard(std::string_view text) {
  if (text.size() > kMaxScenarioBytes)
    return fmt::format("{} bytes: scenario text is limited to {} MiB", text.size(),
                       kMaxScenarioBytes >> 20);
  std::size_t line = 1;
  int dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      const std::string_view close = multi ? text.substr(i, 3) : text.substr(i, 1);
      std::size_t j = i + close.size();
      for (; j < text.size(); ++j) {
        if (c == '"' && text[j] == '\\') {
          ++j;
          continue;
        }
        if (!multi && text[j] == '\n') break;  // unterminated: toml++ reports it
        if (text.substr(j, close.size()) == close) break;
      }
      for (std::size_t k = i; k < j && k < text.size(); ++k) line += text[k] == '\n';
      if (j >= text.size()) break;
      i = text[j] == '\n' ? j - 1 : j + close.size() - 1;
    } else if (c == '.') {
      if (++dots > kMaxKeyDepth)
        return fmt::format("line {}: a dotted key deeper than {} levels", line, kMaxKeyDepth);
    } else if (c == '=' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']') {
      dots = 0;
    }
  }
  return {};
}

}  // namespace rcusim
