// The set lookups without AVX2 (this file and the set code are compiled with -mno-avx2), checked
// against the same model as the main build's.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "tests/set_assoc_model.hpp"

#ifdef __AVX2__
#error "this test must be compiled without AVX2"
#endif

TEST_CASE("cache: scalar set lookups agree with the LRU model at every shape") {
  rcusim::testing::differential_all_shapes();
}
