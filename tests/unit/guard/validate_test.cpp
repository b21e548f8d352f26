#include <gtest/gtest.h>

#include "guard/validate.hpp"

namespace sluice::guard {
namespace {

TEST(GuardValidate, Luhn) {
  for (const char* ok : {"4111111111111111", "5555555555554444", "378282246310005", "0"}) {
    EXPECT_TRUE(luhn_ok(ok)) << ok;
  }
  for (const char* bad : {"4111111111111112", "5555555555554445", "1", ""}) {
    EXPECT_FALSE(luhn_ok(bad)) << bad;
  }
}

TEST(GuardValidate, CardSchemes) {
  for (const char* ok : {"4111111111111111", "4222222222222", "5105105105105100",
                         "2223000048400011", "378282246310005", "6011111111111117",
                         "3530111333300000", "30569309025904", "6200000000000005"}) {
    EXPECT_TRUE(card_scheme_ok(ok)) << ok;
  }
  // Right prefix, wrong length; no scheme at all.
  for (const char* bad : {"411111111111111", "37828224631000", "1234567812345670",
                          "9111111111111111", "41111111111111111"}) {
    EXPECT_FALSE(card_scheme_ok(bad)) << bad;
  }
}

TEST(GuardValidate, Iban) {
  EXPECT_EQ(iban_length("DE"), 22U);
  EXPECT_EQ(iban_length("NO"), 15U);
  EXPECT_EQ(iban_length("US"), 0U);
  for (const char* ok : {"DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300",
                         "FR1420041010050500013M02606", "CH9300762011623852957"}) {
    EXPECT_TRUE(iban_checksum_ok(ok)) << ok;
  }
  for (const char* bad : {"DE89370400440532013001", "GB82WEST12345698765433", "DE8", "DE89 3704"}) {
    EXPECT_FALSE(iban_checksum_ok(bad)) << bad;
  }
}

TEST(GuardValidate, SsnRanges) {
  EXPECT_TRUE(ssn_ok("123-45-6789"));
  EXPECT_TRUE(ssn_ok("899-99-9999"));
  for (const char* bad : {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567",
                          "123-45-0000", "123456789", "123-456-789"}) {
    EXPECT_FALSE(ssn_ok(bad)) << bad;
  }
}

TEST(GuardValidate, Ipv4Hosts) {
  for (const char* ok : {"203.0.113.42", "10.1.2.3", "192.168.1.20", "223.255.255.254"}) {
    EXPECT_TRUE(ipv4_host_ok(ok)) << ok;
  }
  for (const char* bad :
       {"127.0.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "10.0.0.0", "1.0.0.0",
        "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 "}) {
    EXPECT_FALSE(ipv4_host_ok(bad)) << bad;
  }
}

TEST(GuardValidate, Entropy) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("0123456789abcdef"), 4.0);
  EXPECT_LT(shannon_entropy("changeme"), 3.0);
  EXPECT_GT(shannon_entropy("Zx9-Lq2!vR7#mK4p"), 3.5);
}

TEST(GuardValidate, AlnumClasses) {
  EXPECT_EQ(alnum_classes("spinner-rotating"), 1);
  EXPECT_EQ(alnum_classes("abcDEF"), 2);
  EXPECT_EQ(alnum_classes("aB3"), 3);
  EXPECT_EQ(alnum_classes("--__"), 0);
}

}  // namespace
}  // namespace sluice::guard
