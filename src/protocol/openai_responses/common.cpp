// Helpers shared by the Responses request, response and stream code (see internal.hpp).
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

#include "protocol/json_util.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

// The description begins with this text in every custom tool's schema; is_custom_tool() keys on
// the serialised prefix, which custom_tool_parameters() alone produces.
constexpr std::string_view kCustomDescription = "Free-form input for this tool, as one string.";
constexpr std::string_view kCustomPrefix =
    R"({"type":"object","properties":{"input":{"type":"string","description":"Free-form input for this tool, as one string.)";

constexpr std::string_view kSignaturePrefix = "sluice.sig:";
constexpr std::string_view kRedactedPrefix = "sluice.redacted:";

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr unsigned kReplacement = 0xFFFD;

/// A Boost.JSON SAX handler that accepts everything: basic_parser then only validates.
struct NullHandler {
  using ec_t = boost::system::error_code;
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t, ec_t&) { return true; }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t, ec_t&) { return true; }
  bool on_key_part(bj::string_view, std::size_t, ec_t&) { return true; }
  bool on_key(bj::string_view, std::size_t, ec_t&) { return true; }
  bool on_string_part(bj::string_view, std::size_t, ec_t&) { return true; }
  bool on_string(bj::string_view, std::size_t, ec_t&) { return true; }
  bool on_number_part(bj::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t, bj::string_view, ec_t&) { return true; }
  bool on_uint64(std::uint64_t, bj::string_view, ec_t&) { return true; }
  bool on_double(double, bj::string_view, ec_t&) { return true; }
  bool on_bool(bool, ec_t&) { return true; }
  bool on_null(ec_t&) { return true; }
  bool on_comment_part(bj::string_view, ec_t&) { return true; }
  bool on_comment(bj::string_view, ec_t&) { return true; }
};

}  // namespace

bool valid_json(std::string_view text) {
  bj::basic_parser<NullHandler> p(bj::parse_options{});
  boost::system::error_code ec;
  auto n = p.write_some(false, text.data(), text.size(), ec);
  return !ec && n == text.size();
}

JsonWriter& JsonWriter::integer(std::int64_t n) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::number(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  if (!valid_json(json_text)) return string(json_text);
  separate();
  out_ += json_text;
  return *this;
}

// --- custom tools ---------------------------------------------------------------------------

std::string custom_tool_parameters(std::string_view syntax, std::string_view definition) {
  std::string description(kCustomDescription);
  if (!definition.empty()) {
    description += " It must match this ";
    description += syntax.empty() ? std::string_view("grammar") : syntax;
    description += " grammar:\n";
    description += definition;
  }
  std::string out = R"({"type":"object","properties":{"input":{"type":"string","description":)";
  append_json_string(out, description);
  out += R"(}},"required":["input"],"additionalProperties":false})";
  return out;
}

bool is_custom_tool(const ir::Tool& tool) { return tool.parameters.starts_with(kCustomPrefix); }

std::vector<std::string> custom_tool_names(const ir::Request* client_request) {
  std::vector<std::string> names;
  if (client_request == nullptr) return names;
  for (const auto& t : client_request->tools) {
    if (is_custom_tool(t)) names.push_back(t.name);
  }
  return names;
}

std::string custom_arguments(std::string_view input) {
  std::string out = R"({"input":)";
  append_json_string(out, input);
  out += '}';
  return out;
}

std::string custom_input(std::string_view arguments) {
  boost::system::error_code ec;
  auto v = bj::parse(arguments, ec);
  if (!ec && v.is_object()) {
    if (const auto* in = json::field(v.get_object(), "input"); in && in->is_string()) {
      return std::string(in->get_string());
    }
  }
  return std::string(arguments);
}

void CustomInputExtractor::unicode_done(std::string& out) {
  unsigned cp = 0;
  std::from_chars(hex_.data(), hex_.data() + hex_.size(), cp, 16);
  hex_.clear();
  state_ = State::Value;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (high_surrogate_ != 0) append_utf8(out, kReplacement);
    high_surrogate_ = cp;
    return;
  }
  if (cp >= 0xDC00 && cp <= 0xDFFF) {
    if (high_surrogate_ == 0) {
      append_utf8(out, kReplacement);
    } else {
      append_utf8(out, 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (cp - 0xDC00));
    }
    high_surrogate_ = 0;
    return;
  }
  if (high_surrogate_ != 0) append_utf8(out, kReplacement);
  high_surrogate_ = 0;
  append_utf8(out, cp);
}

void CustomInputExtractor::feed(std::string_view fragment, std::string& out) {
  for (char c : fragment) {
    switch (state_) {
      case State::Seek:
        if (in_string_) {
          if (string_escape_) {
            string_escape_ = false;
            key_ += c;
          } else if (c == '\\') {
            string_escape_ = true;
          } else if (c == '"') {
            in_string_ = false;
            if (depth_ == 1 && !expect_value_) key_is_input_ = key_ == "input";
          } else if (key_.size() < 16) {
            key_ += c;
          }
          break;
        }
        if (c == '"') {
          if (depth_ == 1 && expect_value_ && key_is_input_) {
            state_ = State::Value;
          } else {
            in_string_ = true;
            key_.clear();
          }
        } else if (c == '{' || c == '[') {
          ++depth_;
        } else if (c == '}' || c == ']') {
          --depth_;
        } else if (c == ':' && depth_ == 1) {
          expect_value_ = true;
        } else if (c == ',' && depth_ == 1) {
          expect_value_ = false;
          key_is_input_ = false;
        }
        break;
      case State::Value:
        if (c == '\\') {
          state_ = State::Escape;
          break;
        }
        if (high_surrogate_ != 0) {
          append_utf8(out, kReplacement);
          high_surrogate_ = 0;
        }
        if (c == '"') {
          state_ = State::Done;
        } else {
          out += c;
        }
        break;
      case State::Escape: {
        if (c == 'u') {
          state_ = State::Unicode;
          break;
        }
        if (high_surrogate_ != 0) {
          append_utf8(out, kReplacement);
          high_surrogate_ = 0;
        }
        state_ = State::Value;
        switch (c) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          default: out += c; break;  // \" \\ \/
        }
        break;
      }
      case State::Unicode:
        hex_ += c;
        if (hex_.size() == 4) unicode_done(out);
        break;
      case State::Done:
        return;
    }
  }
}

// --- reasoning envelope ---------------------------------------------------------------------

std::string envelope_signature(std::string_view signature) {
  std::string out(kSignaturePrefix);
  out += signature;
  return out;
}

std::string envelope_redacted(std::string_view data) {
  std::string out(kRedactedPrefix);
  out += data;
  return out;
}

Unwrapped unwrap_encrypted(std::string_view encrypted) {
  Unwrapped u;
  if (encrypted.starts_with(kSignaturePrefix)) {
    u.signature = encrypted.substr(kSignaturePrefix.size());
  } else if (encrypted.starts_with(kRedactedPrefix)) {
    u.redacted = encrypted.substr(kRedactedPrefix.size());
  } else {
    u.redacted = encrypted;
  }
  return u;
}

// --- ids, usage, items ----------------------------------------------------------------------

std::string response_id(std::string_view ir_id, const EncodeOptions& opt) {
  if (ir_id.starts_with("resp_")) return std::string(ir_id);
  if (std::string_view(opt.id).starts_with("resp_")) return opt.id;
  return "resp_" + opt.id;
}

std::string item_id(std::string_view prefix, const EncodeOptions& opt, std::size_t output_index) {
  std::string_view base = opt.id;
  if (base.starts_with("resp_")) base.remove_prefix(5);
  std::string out(prefix);
  out += '_';
  out += base;
  out += '_';
  out += std::to_string(output_index);
  return out;
}

bj::object usage_json(const ir::Usage& u) {
  return bj::object{{"input_tokens", u.input},
                    {"input_tokens_details", {{"cached_tokens", u.cache_read}}},
                    {"output_tokens", u.output},
                    {"output_tokens_details", {{"reasoning_tokens", u.reasoning}}},
                    {"total_tokens", u.input + u.output}};
}

ir::Usage usage_from(const bj::object& usage) {
  ir::Usage u;
  u.input = json::count_field(usage, "input_tokens").value_or(0);
  u.output = json::count_field(usage, "output_tokens").value_or(0);
  if (const auto* d = json::object_field(usage, "input_tokens_details")) {
    u.cache_read = json::count_field(*d, "cached_tokens").value_or(0);
  }
  if (const auto* d = json::object_field(usage, "output_tokens_details")) {
    u.reasoning = json::count_field(*d, "reasoning_tokens").value_or(0);
  }
  return u;
}

bj::object message_item(std::string_view id, std::string_view text, std::string_view status) {
  bj::object part{{"type", "output_text"}, {"annotations", bj::array{}}, {"logprobs", bj::array{}}, {"text", text}};
  return bj::object{{"id", id},
                    {"type", "message"},
                    {"status", status},
                    {"content", bj::array{std::move(part)}},
                    {"role", "assistant"}};
}

bj::object function_call_item(std::string_view id, std::string_view call_id, std::string_view name,
                              std::string_view arguments, std::string_view status) {
  return bj::object{{"id", id},         {"type", "function_call"}, {"status", status},
                    {"arguments", arguments}, {"call_id", call_id},    {"name", name}};
}

bj::object custom_call_item(std::string_view id, std::string_view call_id, std::string_view name,
                            std::string_view input) {
  return bj::object{{"id", id}, {"type", "custom_tool_call"}, {"call_id", call_id}, {"name", name}, {"input", input}};
}

bj::object reasoning_item(std::string_view id, std::string_view summary, bool has_summary,
                          std::string_view encrypted) {
  bj::array parts;
  if (has_summary) parts.push_back(bj::object{{"type", "summary_text"}, {"text", summary}});
  bj::object item{{"id", id}, {"type", "reasoning"}, {"summary", std::move(parts)}};
  if (!encrypted.empty()) item["encrypted_content"] = encrypted;
  return item;
}

bj::object response_object(std::string_view id, std::int64_t created, std::string_view model,
                           std::string_view status, bj::array output, const ir::Usage* usage,
                           std::string_view incomplete_reason, const bj::value& error) {
  bj::object r{{"id", id}, {"object", "response"}, {"created_at", created}, {"status", status}};
  r["error"] = error;
  r["incomplete_details"] =
      incomplete_reason.empty() ? bj::value(nullptr) : bj::value(bj::object{{"reason", incomplete_reason}});
  r["model"] = model;
  r["output"] = std::move(output);
  r["usage"] = usage ? bj::value(usage_json(*usage)) : bj::value(nullptr);
  return r;
}

core::GatewayError invalid(std::string_view path, std::string_view what) {
  std::string msg(path);
  msg += ": ";
  msg += what;
  return {core::ErrorKind::InvalidRequest, std::move(msg), std::string(path), ""};
}

}  // namespace sluice::protocol::openai_responses
