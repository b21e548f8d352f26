// ir::Request -> Anthropic Messages request body. Anthropic is strict about shapes other wires
// allow (max_tokens required, thinking constraints, non-empty text blocks, tool ids), so this
// file adapts the IR to what the API accepts and reports in req.dropped what it cannot express.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <deque>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::anthropic {
namespace {

using Kind = ir::Part::Kind;

bool base64_decode(std::string_view in, std::string& out) {
  static constexpr auto kTable = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    constexpr std::string_view a =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < a.size(); ++i)
      t[static_cast<unsigned char>(a[i])] = static_cast<signed char>(i);
    return t;
  }();
  out.clear();
  out.reserve(in.size() / 4 * 3);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const auto v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

/// Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; other wires' ids are mapped onto that, and
/// missing ids (some Gemini calls) get generated ones that their results pick up in order.
class ToolIds {
 public:
  std::string call(std::string_view id) {
    if (!id.empty()) return sanitize(id);
    auto gen = "toolu_sluice_" + std::to_string(next_++);
    pending_.push_back(gen);
    return gen;
  }
  std::string result(std::string_view id) {
    if (!id.empty()) return sanitize(id);
    if (pending_.empty()) return "toolu_sluice_" + std::to_string(next_++);
    auto gen = std::move(pending_.front());
    pending_.pop_front();
    return gen;
  }

 private:
  static std::string sanitize(std::string_view id) {
    std::string s(id);
    for (auto& c : s) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      if (!ok) c = '_';
    }
    return s;
  }
  std::deque<std::string> pending_;
  int next_ = 0;
};

class Writer {
 public:
  Writer(ir::Request& req, bj::storage_ptr sp) : req_(req), sp_(std::move(sp)) {}

  std::string run() {
    bj::object root(sp_);
    root.emplace("model", req_.model);
    bj::array system(sp_);
    for (const auto& ins : req_.instructions) add_system_text(system, ins.text, ins.cache_control);
    auto messages = build_messages(system);
    const bool forced = !req_.tools.empty() && req_.tool_choice &&
                        (req_.tool_choice->mode == ir::ToolChoice::Mode::Required ||
                         req_.tool_choice->mode == ir::ToolChoice::Mode::Named);

    // Thinking: Anthropic wants a budget below max_tokens, no forced tool use, and the thinking
    // block that opened the current tool-use turn sent back.
    std::optional<std::int64_t> budget = req_.thinking_budget;
    if (!budget && req_.reasoning_effort) budget = effort_to_budget(*req_.reasoning_effort);
    if (budget && (*budget <= 0 || req_.thinking_disabled)) budget.reset();
    // An assistant prefill (last turn is the assistant's) rules out thinking and JSON outputs.
    prefill_ =
        !messages.empty() && messages.back().get_object().at("role").get_string() == "assistant";
    if (budget && (forced || prefill_ || !tool_turn_has_thinking(messages))) {
      budget.reset();
      req_.dropped.emplace_back("thinking");
    }
    auto max_tokens = req_.max_output_tokens.value_or(kDefaultMaxTokens + budget.value_or(0));
    if (budget) {
      *budget = std::max(*budget, kMinThinkingBudget);
      if (*budget >= max_tokens) *budget = std::max(kMinThinkingBudget, max_tokens / 2);
      if (*budget >= max_tokens) {
        budget.reset();
        req_.dropped.emplace_back("thinking");
      }
    }
    if (max_tokens < 1) max_tokens = 1;

    if (!system.empty()) root.emplace("system", std::move(system));
    root.emplace("messages", std::move(messages));
    root.emplace("max_tokens", max_tokens);
    if (budget) {
      root.emplace("thinking", bj::object({{"type", "enabled"}, {"budget_tokens", *budget}}, sp_));
    } else if (req_.thinking_disabled) {
      root.emplace("thinking", bj::object({{"type", "disabled"}}, sp_));
    }
    sampling(root, budget.has_value());
    tools(root);
    output_format(root);
    if (!req_.user.empty()) root.emplace("metadata", bj::object({{"user_id", req_.user}}, sp_));
    if (!req_.metadata.empty() && req_.metadata != "{}") req_.dropped.emplace_back("metadata");
    if (req_.seed) req_.dropped.emplace_back("seed");
    if (req_.stream) root.emplace("stream", true);
    return bj::serialize(root);
  }

 private:
  void add_system_text(bj::array& system, std::string_view text,
                       const std::optional<ir::CacheControl>& cc) {
    if (text.empty()) return;
    auto& o = system.emplace_back(bj::object(sp_)).get_object();
    o.emplace("type", "text");
    o.emplace("text", text);
    if (cc) o.emplace("cache_control", cache_control_json(*cc, sp_));
  }

  bj::value source(const ir::Part& p) {
    bj::object s(sp_);
    if (!p.data.empty()) {
      s.emplace("type", "base64");
      s.emplace("media_type", p.media_type);
      s.emplace("data", p.data);
    } else if (!p.url.empty()) {
      s.emplace("type", "url");
      s.emplace("url", p.url);
    } else if (!p.file_id.empty()) {
      // Provider file ids do not travel between providers, and Anthropic's own need the
      // files-api beta, which a translated request does not carry.
      req_.dropped.emplace_back("file_id");
      return nullptr;
    } else {
      return nullptr;
    }
    return s;
  }

  /// One content block for `p`, or null when Anthropic cannot take it (reported or quiet).
  bj::value block(const ir::Part& p) {
    bj::object b(sp_);
    switch (p.kind) {
      case Kind::Text:
        if (p.text.empty()) return nullptr;  // Anthropic rejects empty text blocks
        b.emplace("type", "text");
        b.emplace("text", p.text);
        break;
      case Kind::Image: {
        if (!p.data.empty() && p.media_type != "image/jpeg" && p.media_type != "image/png" &&
            p.media_type != "image/gif" && p.media_type != "image/webp") {
          req_.dropped.push_back("image." + p.media_type);  // the only formats Anthropic reads
          return nullptr;
        }
        auto s = source(p);
        if (s.is_null()) return nullptr;
        b.emplace("type", "image");
        b.emplace("source", std::move(s));
        break;
      }
      case Kind::Document: {
        bj::value s;
        std::string text;
        if (!p.data.empty() && p.media_type.starts_with("text/") && base64_decode(p.data, text)) {
          s = bj::object({{"type", "text"}, {"media_type", "text/plain"}, {"data", text}}, sp_);
        } else if (!p.data.empty() && p.media_type != "application/pdf") {
          req_.dropped.push_back("document." + p.media_type);
          return nullptr;
        } else {
          s = source(p);
        }
        if (s.is_null()) return nullptr;
        b.emplace("type", "document");
        b.emplace("source", std::move(s));
        if (!p.filename.empty()) b.emplace("title", p.filename);
        break;
      }
      case Kind::ToolCall: {
        b.emplace("type", "tool_use");
        b.emplace("id", ids_.call(p.id));
        b.emplace("name", p.name);
        auto input = parse_json(
            p.arguments.empty() ? std::string_view("{}") : std::string_view(p.arguments), sp_);
        if (!input || !input->is_object()) {
          req_.dropped.emplace_back("tool_call.arguments");  // not a JSON object: sent as {}
          input = bj::object(sp_);
        }
        b.emplace("input", std::move(*input));
        has_tool_blocks_ = true;
        tool_names_.push_back(&p.name);
        break;
      }
      case Kind::ToolResult:
        b.emplace("type", "tool_result");
        b.emplace("tool_use_id", ids_.result(p.id));
        tool_result_content(b, p);
        if (p.is_error) b.emplace("is_error", true);
        has_tool_blocks_ = true;
        break;
      case Kind::Reasoning:
        // Only Anthropic-signed thinking can go back; anything else would be rejected.
        if (!is_anthropic_signature(p.signature)) return nullptr;
        b.emplace("type", "thinking");
        b.emplace("thinking", p.text);
        b.emplace("signature", p.signature);
        break;
      case Kind::RedactedReasoning:
        if (!is_anthropic_signature(p.data)) return nullptr;
        b.emplace("type", "redacted_thinking");
        b.emplace("data", p.data);
        break;
    }
    if (p.cache_control && p.kind != Kind::Reasoning && p.kind != Kind::RedactedReasoning) {
      b.emplace("cache_control", cache_control_json(*p.cache_control, sp_));
    }
    return b;
  }

  void tool_result_content(bj::object& b, const ir::Part& p) {
    if (p.content.size() == 1 && p.content[0].kind == Kind::Text && !p.content[0].cache_control) {
      if (!p.content[0].text.empty()) b.emplace("content", p.content[0].text);
      return;
    }
    bj::array content(sp_);
    for (const auto& c : p.content) {
      if (c.kind != Kind::Text && c.kind != Kind::Image && c.kind != Kind::Document) continue;
      auto v = block(c);
      if (!v.is_null()) content.push_back(std::move(v));
    }
    if (!content.empty()) b.emplace("content", std::move(content));
  }

  /// Messages in Anthropic's shape. Leading system/developer turns join the system prompt;
  /// later ones become user text (Anthropic has no mid-conversation system role without a
  /// beta). Consecutive turns of one role merge; turns left empty disappear.
  bj::array build_messages(bj::array& system) {
    bj::array out(sp_);
    out.reserve(req_.messages.size());
    std::string_view last_role;
    bool leading = true;
    for (const auto& m : req_.messages) {
      const bool sys = m.role == ir::Role::System || m.role == ir::Role::Developer;
      if (sys && leading) {
        for (const auto& p : m.parts) {
          if (p.kind == Kind::Text) add_system_text(system, p.text, p.cache_control);
        }
        continue;
      }
      leading = false;
      const std::string_view role = m.role == ir::Role::Assistant ? "assistant" : "user";
      bj::array blocks(sp_);
      for (const auto& p : m.parts) {
        if (sys && p.kind != Kind::Text) continue;
        auto b = block(p);
        if (!b.is_null()) blocks.push_back(std::move(b));
      }
      if (blocks.empty()) continue;
      if (role == last_role) {
        auto& prev = out.back().get_object()["content"].get_array();
        for (auto& b : blocks) prev.push_back(std::move(b));
        continue;
      }
      auto& msg = out.emplace_back(bj::object(sp_)).get_object();
      msg.emplace("role", role);
      msg.emplace("content", std::move(blocks));
      last_role = role;
    }
    for (auto& m : out) {
      // Tool results lead their user turn, right after the calls they answer.
      auto& o = m.get_object();
      if (o.at("role").get_string() != "user") continue;
      auto& blocks = o.at("content").get_array();
      std::stable_partition(blocks.begin(), blocks.end(), [](const bj::value& b) {
        return b.get_object().at("type").get_string() == "tool_result";
      });
    }
    trim_prefill(out);
    return out;
  }

  /// Anthropic rejects a final assistant (prefill) text that ends in whitespace.
  static void trim_prefill(bj::array& msgs) {
    if (msgs.empty()) return;
    auto& last = msgs.back().get_object();
    if (last["role"].get_string() != "assistant") return;
    auto& blocks = last["content"].get_array();
    auto& b = blocks.back().get_object();
    if (b["type"].get_string() != "text") return;
    auto& text = b["text"].get_string();
    std::string_view t = text;
    while (!t.empty() &&
           (t.back() == ' ' || t.back() == '\n' || t.back() == '\t' || t.back() == '\r'))
      t.remove_suffix(1);
    if (t.size() == text.size()) return;
    if (t.empty()) {
      blocks.pop_back();
      if (blocks.empty()) msgs.pop_back();
      return;
    }
    text.resize(t.size());
  }

  /// With thinking on, the assistant turn whose tool calls the last user turn answers must start
  /// with its thinking block.
  static bool tool_turn_has_thinking(const bj::array& msgs) {
    if (msgs.size() < 2) return true;
    const auto& last = msgs.back().get_object();
    if (last.at("role").get_string() != "user") return true;
    bool answers_tools = false;
    for (const auto& b : last.at("content").get_array()) {
      if (b.get_object().at("type").get_string() == "tool_result") answers_tools = true;
    }
    if (!answers_tools) return true;
    const auto& prev = msgs[msgs.size() - 2].get_object();
    const auto& first = prev.at("content").get_array().front().get_object().at("type").get_string();
    return first == "thinking" || first == "redacted_thinking";
  }

  void sampling(bj::object& root, bool thinking) {
    // Anthropic's temperature range is 0..1 (OpenAI's is 0..2); thinking allows only the
    // defaults, and newer models refuse temperature together with top_p.
    if (req_.temperature) {
      if (thinking && *req_.temperature != 1.0) {
        req_.dropped.emplace_back("temperature");
      } else {
        root.emplace("temperature", std::clamp(*req_.temperature, 0.0, 1.0));
      }
    }
    if (req_.top_p) {
      if ((thinking && *req_.top_p < 0.95) || root.contains("temperature")) {
        req_.dropped.emplace_back("top_p");
      } else {
        root.emplace("top_p", *req_.top_p);
      }
    }
    if (req_.top_k) {
      if (thinking) {
        req_.dropped.emplace_back("top_k");
      } else {
        root.emplace("top_k", *req_.top_k);
      }
    }
    if (!req_.stop.empty()) {
      bj::array stops(sp_);
      for (const auto& s : req_.stop) {
        // Anthropic refuses stop sequences made only of whitespace.
        if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
          req_.dropped.emplace_back("stop");
          continue;
        }
        stops.emplace_back(s);
      }
      if (!stops.empty()) root.emplace("stop_sequences", std::move(stops));
    }
  }

  void tools(bj::object& root) {
    bj::array tools(sp_);
    for (const auto& t : req_.tools) {
      auto& o = tools.emplace_back(bj::object(sp_)).get_object();
      o.emplace("name", t.name);
      if (!t.description.empty()) o.emplace("description", t.description);
      auto schema = parse_json(
          t.parameters.empty() ? std::string_view("{}") : std::string_view(t.parameters), sp_);
      if (!schema || !schema->is_object()) schema = bj::object(sp_);
      auto& so = schema->get_object();
      if (!so.contains("type")) so.emplace("type", "object");  // Anthropic requires type: object
      o.emplace("input_schema", std::move(*schema));
      if (t.strict) o.emplace("strict", true);
      if (t.cache_control) o.emplace("cache_control", cache_control_json(*t.cache_control, sp_));
    }
    auto choice = req_.tool_choice;
    if (tools.empty() && has_tool_blocks_) {
      // Anthropic refuses tool_use/tool_result blocks without tool definitions: declare the
      // tools the history used, and forbid new calls.
      std::vector<std::string_view> seen;
      for (const auto* name : tool_names_) {
        if (std::find(seen.begin(), seen.end(), *name) != seen.end()) continue;
        seen.emplace_back(*name);
        auto& o = tools.emplace_back(bj::object(sp_)).get_object();
        o.emplace("name", *name);
        o.emplace("input_schema", bj::object({{"type", "object"}}, sp_));
      }
      if (!tools.empty()) choice = ir::ToolChoice{ir::ToolChoice::Mode::None, {}, {}};
    }
    if (tools.empty()) {
      if (choice && choice->parallel_calls) req_.dropped.emplace_back("parallel_tool_calls");
      return;
    }
    root.emplace("tools", std::move(tools));
    if (!choice) return;
    bj::object tc(sp_);
    switch (choice->mode) {
      case ir::ToolChoice::Mode::Auto:
        tc.emplace("type", "auto");
        break;
      case ir::ToolChoice::Mode::None:
        tc.emplace("type", "none");
        break;
      case ir::ToolChoice::Mode::Required:
        tc.emplace("type", "any");
        break;
      case ir::ToolChoice::Mode::Named:
        tc.emplace("type", "tool");
        tc.emplace("name", choice->name);
        break;
    }
    if (choice->parallel_calls && !*choice->parallel_calls &&
        choice->mode != ir::ToolChoice::Mode::None) {
      tc.emplace("disable_parallel_tool_use", true);
    }
    root.emplace("tool_choice", std::move(tc));
  }

  void output_format(bj::object& root) {
    if (!req_.response_format) return;
    const auto& rf = *req_.response_format;
    if (rf.kind == ir::ResponseFormat::Kind::Text) return;
    if (rf.kind == ir::ResponseFormat::Kind::JsonObject || prefill_) {
      req_.dropped.emplace_back("response_format");  // no schemaless JSON mode; none with prefill
      return;
    }
    auto schema =
        parse_json(rf.schema.empty() ? std::string_view("{}") : std::string_view(rf.schema), sp_);
    if (!schema || !schema->is_object()) {
      req_.dropped.emplace_back("response_format");
      return;
    }
    bj::object config(sp_);
    auto& format = config.emplace("format", bj::object(sp_)).first->value().get_object();
    format.emplace("type", "json_schema");
    format.emplace("schema", std::move(*schema));
    root.emplace("output_config", std::move(config));
  }

  ir::Request& req_;
  bj::storage_ptr sp_;
  ToolIds ids_;
  bool has_tool_blocks_ = false;
  bool prefill_ = false;
  std::vector<const std::string*> tool_names_;
};

}  // namespace

std::string serialize_request(ir::Request& req) {
  std::array<unsigned char, 16384> buf;
  bj::monotonic_resource mr(buf.data(), buf.size());
  return Writer(req, &mr).run();
}

std::string upstream_path(const ir::Request&) {
  return "/v1/messages";
}

}  // namespace sluice::protocol::anthropic
