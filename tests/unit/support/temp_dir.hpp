#pragma once
// A fresh directory per test, removed afterwards, for tests that need real files (SQLite
// databases, key files).

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

namespace sluice::test_support {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-test-" + std::to_string(std::random_device{}()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string db_path() const { return (dir_ / "sluice.db").string(); }

  std::filesystem::path dir_;
};

}  // namespace sluice::test_support
