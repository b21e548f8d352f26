#include "policy/sample.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "policy/tz_config.hpp"
#include "protocol/codec.hpp"
#include "protocol/json_util.hpp"

namespace sluice::policy {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

constexpr std::string_view kKnown[] = {
    "wire",   "body",    "model",    "key",  "user",   "team",     "project", "role", "route",
    "region", "headers", "metadata", "time", "budget", "findings", "intent",  "risk", "tools"};

std::optional<Endpoint> endpoint_of(std::string_view wire) {
  if (wire == "openai_chat") return Endpoint::ChatCompletions;
  if (wire == "openai_responses") return Endpoint::Responses;
  if (wire == "anthropic") return Endpoint::Messages;
  if (wire == "gemini") return Endpoint::GenerateContent;
  return std::nullopt;
}

/// A body's wire from its shape: contents -> Gemini, input/instructions -> Responses, a
/// top-level system -> Anthropic, else Chat (whose system prompt is a message).
Endpoint guess(const bj::object& body) {
  if (body.contains("contents")) return Endpoint::GenerateContent;
  if (body.contains("input") || body.contains("instructions")) return Endpoint::Responses;
  if (body.contains("system") || body.contains("anthropic_version")) return Endpoint::Messages;
  return Endpoint::ChatCompletions;
}

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, v);
  if (ec != std::errc() || p != s.data() + pos + n) return std::nullopt;
  return v;
}

void append_line(std::string& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) out += '\n';
  out += text;
}

void append_parts(std::string& out, const std::vector<ir::Part>& parts) {
  for (const auto& p : parts) {
    if (p.kind == ir::Part::Kind::Text) append_line(out, p.text);
    if (p.kind == ir::Part::Kind::ToolResult) append_parts(out, p.content);
    if (p.kind == ir::Part::Kind::ToolCall) append_line(out, p.arguments);
  }
}

std::string text_of(const bj::value& v) {
  return v.is_string() ? std::string(v.get_string()) : bj::serialize(v);
}

}  // namespace

PromptText prompt_text(const ir::Request& req) {
  PromptText out;
  for (const auto& i : req.instructions) append_line(out.prompt, i.text);
  for (const auto& m : req.messages) append_parts(out.prompt, m.parts);
  for (auto it = req.messages.rbegin(); it != req.messages.rend(); ++it) {
    if (it->role != ir::Role::User) continue;
    std::string text;
    for (const auto& p : it->parts) {
      if (p.kind == ir::Part::Kind::Text) append_line(text, p.text);
    }
    if (!text.empty()) {
      out.latest = std::move(text);
      break;
    }
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM[:SS][.fff](Z|+HH:MM|-HH:MM)
  const auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const auto h = digits(s, 11, 2), mi = digits(s, 14, 2);
  if (!y || !mo || !d || !h || !mi || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':') {
    return std::nullopt;
  }
  std::size_t pos = 16;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    const auto v = digits(s, pos + 1, 2);
    if (!v) return std::nullopt;
    sec = *v;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om || s[pos + 3] != ':') return std::nullopt;
    offset = (s[pos] == '-' ? -1 : 1) * (*oh * 3600 + *om * 60);
    pos += 6;
  } else {
    return std::nullopt;  // a time without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  const date::year_month_day ymd{date::year(*y), date::month(static_cast<unsigned>(*mo)),
                                 date::day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || *h > 23 || *mi > 59 || sec > 60) return std::nullopt;
  const auto t = date::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) +
                 std::chrono::seconds(sec) - std::chrono::seconds(offset);
  return std::chrono::system_clock::time_point(t);
}

RequestFacts SampleRequest::facts() {
  tool_views_.assign(tools.begin(), tools.end());
  finding_views_.assign(findings.begin(), findings.end());
  meta_views_.clear();
  for (const auto& [k, v] : metadata) meta_views_.push_back({k, v});
  RequestFacts f;
  f.key_id = key_id;
  f.user = user;
  f.team = team;
  f.project = project;
  f.role = role;
  f.model = model;
  f.route = route;
  f.endpoint = endpoint;
  f.prompt = prompt;
  f.latest = latest;
  f.tools = tool_views_;
  f.headers = headers;
  f.metadata = meta_views_;
  f.now = now;
  f.budget = budget;
  f.region = region;
  f.findings = finding_views_;
  if (intent) f.intent = *intent;
  f.risk = risk;
  return f;
}

std::variant<SampleRequest, std::string> parse_sample(std::string_view text,
                                                      std::string_view wire) {
  boost::system::error_code ec;
  auto doc = bj::parse(bj::string_view(text.data(), text.size()), ec);
  if (ec || !doc.is_object()) return std::string("the request file is not a JSON object");
  const auto& file = doc.get_object();
  SampleRequest s;
  const bj::object* facts = nullptr;
  const bj::value* body = &doc;
  if (const auto* b = file.if_contains("body")) {
    for (const auto& kv : file) {
      if (std::find(std::begin(kKnown), std::end(kKnown), kv.key()) == std::end(kKnown)) {
        return "unknown field '" + std::string(kv.key()) + "' in the request file";
      }
    }
    facts = &file;
    body = b;
  }
  if (!body->is_object()) return std::string("body must be a JSON object");
  const auto& bo = body->get_object();
  s.body = bj::serialize(*body);
  using protocol::json::string_field;
  std::string w(wire);
  if (w.empty() && facts) w = string_field(*facts, "wire");
  if (w.empty()) {
    s.endpoint = guess(bo);
    s.wire_guessed = true;
  } else if (auto e = endpoint_of(w)) {
    s.endpoint = *e;
  } else {
    return "wire '" + w + "' is not openai_chat, openai_responses, anthropic or gemini";
  }
  s.model = string_field(bo, "model");
  if (const auto* m = bo.if_contains("metadata"); m && m->is_object()) {
    for (const auto& kv : m->get_object()) {
      if (kv.value().is_string()) s.metadata.emplace_back(kv.key(), kv.value().get_string());
    }
  }
  if (facts) {
    if (auto m = string_field(*facts, "model"); !m.empty()) s.model = m;
    s.key_id = string_field(*facts, "key");
    s.user = string_field(*facts, "user");
    s.team = string_field(*facts, "team");
    s.project = string_field(*facts, "project");
    s.role = string_field(*facts, "role");
    s.route = string_field(*facts, "route");
    s.region = string_field(*facts, "region");
    if (const auto* h = protocol::json::object_field(*facts, "headers")) {
      for (const auto& kv : *h) {
        std::string name(kv.key());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
        s.headers.push_back({std::move(name), text_of(kv.value())});
      }
    }
    if (const auto* m = protocol::json::object_field(*facts, "metadata")) {
      for (const auto& kv : *m) s.metadata.emplace_back(kv.key(), text_of(kv.value()));
    }
    if (const auto* t = facts->if_contains("time")) {
      const auto when = t->is_string() ? parse_timestamp(t->get_string()) : std::nullopt;
      if (!when) return std::string("time must be a timestamp such as 2026-11-23T10:00:00Z");
      s.now = *when;
    }
    if (auto b = string_field(*facts, "budget"); !b.empty()) {
      if (b == "ok") {
        s.budget = BudgetState::Ok;
      } else if (b == "warned") {
        s.budget = BudgetState::Warned;
      } else if (b == "exhausted") {
        s.budget = BudgetState::Exhausted;
      } else {
        return "budget '" + b + "' is not ok, warned or exhausted";
      }
    }
    if (const auto* f = protocol::json::array_field(*facts, "findings")) {
      for (const auto& v : *f) s.findings.push_back(text_of(v));
    }
    if (facts->contains("intent")) s.intent = string_field(*facts, "intent");
    s.risk = protocol::json::number_field(*facts, "risk");
  }
  const auto* codec = protocol::codec_for(s.endpoint);
  protocol::RequestContext ctx{s.endpoint, s.model, false};
  auto parsed = codec->parse_request(s.body, ctx);
  if (auto* e = std::get_if<core::GatewayError>(&parsed)) {
    return "the body is not a valid " + std::string(protocol::wire_name(s.endpoint)) +
           " request: " + e->message;
  }
  const auto& req = std::get<ir::Request>(parsed);
  auto pt = prompt_text(req);
  s.prompt = std::move(pt.prompt);
  s.latest = std::move(pt.latest);
  for (const auto& t : req.tools) s.tools.push_back(t.name);
  if (facts) {
    if (const auto* t = protocol::json::array_field(*facts, "tools")) {
      for (const auto& v : *t) s.tools.push_back(text_of(v));
    }
  }
  return s;
}

}  // namespace sluice::policy
