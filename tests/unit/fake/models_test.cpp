// Model lists and embeddings.

#include "fake/wire.hpp"

#include <gtest/gtest.h>

#include "wire_test_util.hpp"

namespace sluice::fake {
namespace {

using namespace wire_test;

TEST(FakeWireModels, EveryListHasTheWholeCatalogue) {
  EXPECT_EQ(parse_object(openai_model_list()).at("data").as_array().size(), 7u);
  auto anthropic_list = parse_object(anthropic_model_list());
  EXPECT_EQ(anthropic_list.at("data").as_array().size(), 7u);
  EXPECT_EQ(anthropic_list.at("has_more"), false);
  EXPECT_EQ(anthropic_list.at("first_id"), "gpt-fake");
  EXPECT_EQ(anthropic_list.at("data").at(3).at("id"), "claude-fake-sonnet");
  auto gemini_list = parse_object(gemini_model_list());
  EXPECT_EQ(gemini_list.at("models").at(5).at("name"), "models/gemini-fake-pro");
}

TEST(FakeWireEmbeddings, FloatAndBase64) {
  auto floats = openai_embeddings(
      parse_object(R"({"model":"text-embedding-fake","input":["a","b"],"dimensions":4})"));
  ASSERT_TRUE(floats);
  auto doc = parse_object(*floats);
  ASSERT_EQ(doc.at("data").as_array().size(), 2u);
  EXPECT_EQ(doc.at("data").at(1).at("index"), 1);
  EXPECT_EQ(doc.at("data").at(0).at("embedding").as_array().size(), 4u);

  auto b64 = openai_embeddings(
      parse_object(R"({"model":"text-embedding-fake","input":"a","encoding_format":"base64"})"));
  ASSERT_TRUE(b64);
  EXPECT_EQ(parse_object(*b64).at("data").at(0).at("embedding").as_string().size(), 44u);  // 32 B

  EXPECT_FALSE(openai_embeddings(parse_object(R"({"model":"text-embedding-fake"})")));
  EXPECT_EQ(openai_embeddings(parse_object(R"({"model":"missing-e","input":"x"})")).error().status,
            404);
}

}  // namespace
}  // namespace sluice::fake
