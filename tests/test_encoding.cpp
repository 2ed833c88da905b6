// kfree_rcu()'s offset encodings at their boundaries.
#include <doctest/doctest.h>

#include "models/reclaim/encoding.hpp"

using namespace rcusim;

TEST_CASE("encoding rfc: offset / sizeof(void *) and at most 4095 words") {
  auto ok = encode_kfree_offset(Encoding::rfc, 4095 * 8);
  REQUIRE(ok.word);
  CHECK(*ok.word == 4095);
  CHECK(decode_kfree_offset(Encoding::rfc, 4095) == 4095u * 8);
  auto bug = encode_kfree_offset(Encoding::rfc, 4096 * 8);
  CHECK_FALSE(bug.word);
  CHECK(bug.bug.find("KFREE_RCU_MAX_OFFSET") != std::string::npos);
  CHECK_FALSE(decode_kfree_offset(Encoding::rfc, 4096));  // a "function"
  CHECK(*encode_kfree_offset(Encoding::rfc, 0).word == 0);
  CHECK(*encode_kfree_offset(Encoding::rfc, 24).word == 3);
}

TEST_CASE("encoding merged: a byte offset below 4096") {
  auto ok = encode_kfree_offset(Encoding::merged, 4095);
  REQUIRE(ok.word);
  CHECK(*ok.word == 4095);
  CHECK(decode_kfree_offset(Encoding::merged, 4095) == 4095u);
  CHECK_FALSE(encode_kfree_offset(Encoding::merged, 4096).word);
  CHECK_FALSE(decode_kfree_offset(Encoding::merged, 4096));
}

TEST_CASE("encoding: function addresses never decode as offsets") {
  for (auto e : {Encoding::rfc, Encoding::merged}) {
    CHECK_FALSE(decode_kfree_offset(e, 0xffffffffa0000000ULL));
    CHECK_FALSE(decode_kfree_offset(e, 0xffffffff80200000ULL));
  }
}

TEST_CASE("encoding: the two versions disagree in between") {
  // 4095 bytes is an offset in both; 4096 bytes is a function in merged, 512 words in rfc.
  CHECK(decode_kfree_offset(Encoding::rfc, 512) == 4096u);
  CHECK_FALSE(decode_kfree_offset(Encoding::merged, 5000));
  CHECK(decode_kfree_offset(Encoding::rfc, 4000) == 32000u);
}
