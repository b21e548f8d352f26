#include "governance/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace sluice::governance {
namespace {

namespace fs = std::filesystem;

// EnvLookup is a plain function pointer, so the fake environment is a global.
std::optional<std::string> g_master_key_env;
std::optional<std::string> fake_env(const char* name) {
  if (std::string_view(name) == "SLUICE_MASTER_KEY") return g_master_key_env;
  return std::nullopt;
}
std::optional<std::string> empty_env(const char*) {
  return std::nullopt;
}

constexpr std::string_view kHexKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

MasterKey counting_key() {
  MasterKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<unsigned char>(i);
  return k;
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("sluice-cred-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content, fs::perms mode) const {
    const auto p = path_ / name;
    std::ofstream(p) << content;
    fs::permissions(p, mode, fs::perm_options::replace);
    return p.string();
  }

 private:
  fs::path path_;
};

TEST(Credentials, SealAndUnsealRoundTrip) {
  const auto key = counting_key();
  const auto sealed = seal(key, "sk-ant-secret-value", "anthropic");
  EXPECT_EQ(sealed.substr(0, 3), "v1.");
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  EXPECT_EQ(unseal(key, sealed, "anthropic"), "sk-ant-secret-value");
  EXPECT_EQ(unseal(key, seal(key, "", "x"), "x"), "");
}

TEST(Credentials, UnsealRefusesAnythingAltered) {
  const auto key = counting_key();
  const auto sealed = seal(key, "sk-ant-secret-value", "anthropic");
  EXPECT_FALSE(unseal(key, sealed, "openai").has_value()) << "context is authenticated";
  auto other = key;
  other.bytes[0] ^= 1;
  EXPECT_FALSE(unseal(other, sealed, "anthropic").has_value()) << "wrong key";
  // Flip the top bit of every base64 digit (low bits of the last one may be padding): each
  // change must be caught by the tag.
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 3; i < sealed.size(); ++i) {
    if (sealed[i] == '=') continue;
    auto bad = sealed;
    bad[i] = kAlphabet[kAlphabet.find(sealed[i]) ^ 32];
    EXPECT_FALSE(unseal(key, bad, "anthropic").has_value()) << "position " << i;
  }
  EXPECT_FALSE(unseal(key, "v2." + sealed.substr(3), "anthropic").has_value());
  EXPECT_FALSE(unseal(key, "v1.", "anthropic").has_value());
  EXPECT_FALSE(unseal(key, "v1.AAAA", "anthropic").has_value()) << "too short";
  EXPECT_FALSE(unseal(key, "v1.!!!!", "anthropic").has_value()) << "not base64";
  EXPECT_FALSE(unseal(key, sealed.substr(0, sealed.size() - 4), "anthropic").has_value());
}

TEST(Credentials, SealingTwiceGivesDifferentTexts) {
  const auto key = counting_key();
  EXPECT_NE(seal(key, "same", "p"), seal(key, "same", "p"));
}

TEST(Credentials, MasterKeyFromTheEnvironmentInHexOrBase64) {
  g_master_key_env = std::string(kHexKey);
  auto r = load_master_key("", fake_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<MasterKey>(r).bytes, counting_key().bytes);

  // The same 32 bytes in standard base64, and URL-safe without padding.
  g_master_key_env = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  r = load_master_key("/nonexistent/ignored", fake_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(r));
  EXPECT_EQ(std::get<MasterKey>(r).bytes, counting_key().bytes);
  g_master_key_env = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  r = load_master_key("", fake_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(r));
  EXPECT_EQ(std::get<MasterKey>(r).bytes, counting_key().bytes);

  for (const char* bad : {"abc", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
                          "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}) {
    g_master_key_env = bad;
    r = load_master_key("", fake_env);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
    EXPECT_EQ(std::get<std::string>(r),
              "SLUICE_MASTER_KEY must be 64 hex digits or base64 of 32 bytes");
  }
  g_master_key_env.reset();
}

TEST(Credentials, MasterKeyFromAnOwnerOnlyFile) {
  TempDir dir;
  const auto path = dir.write("master.key", "  " + std::string(kHexKey) + "\n", fs::perms(0600));
  auto r = load_master_key(path, empty_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<MasterKey>(r).bytes, counting_key().bytes);

  const auto open = dir.write("open.key", std::string(kHexKey), fs::perms(0644));
  r = load_master_key(open, empty_env);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  const auto& err = std::get<std::string>(r);
  EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
  EXPECT_NE(err.find(open), std::string::npos) << err;
  EXPECT_EQ(err.find(kHexKey), std::string::npos) << "never the key itself";

  const auto junk = dir.write("junk.key", "not a key", fs::perms(0600));
  r = load_master_key(junk, empty_env);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r).find("not a key"), std::string::npos);
}

TEST(Credentials, MissingKeyFileAndNoFileExplainTheFix) {
  TempDir dir;
  const auto missing = (dir.path() / "none.key").string();
  auto r = load_master_key(missing, empty_env);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find(missing), std::string::npos);
  EXPECT_NE(std::get<std::string>(r).find("sluice providers add"), std::string::npos);
  r = load_master_key("", empty_env);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("SLUICE_MASTER_KEY"), std::string::npos);
}

TEST(Credentials, CreatedKeyFileIsOwnerOnlyLoadsBackAndIsNeverOverwritten) {
  TempDir dir;
  const auto path = (dir.path() / "sub" / "dir" / "master.key").string();
  auto created = create_master_key_file(path);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(created)) << std::get<std::string>(created);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_master_key(path, empty_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(loaded));
  EXPECT_EQ(std::get<MasterKey>(loaded).bytes, std::get<MasterKey>(created).bytes);

  auto again = create_master_key_file(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(again));
  EXPECT_NE(std::get<std::string>(again).find("already exists"), std::string::npos);
  loaded = load_master_key(path, empty_env);
  ASSERT_TRUE(std::holds_alternative<MasterKey>(loaded));
  EXPECT_EQ(std::get<MasterKey>(loaded).bytes, std::get<MasterKey>(created).bytes);
}

}  // namespace
}  // namespace sluice::governance
