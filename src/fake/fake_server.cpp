#include "fake/fake_server.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <optional>

#include "core/log.hpp"
#include "fake/json_util.hpp"
#include "fake/pacing.hpp"
#include "fake/routes.hpp"
#include "fake/wire.hpp"

namespace sluice::fake {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string_view json_parse_message(Wire wire) {
  switch (wire) {
    case Wire::Anthropic:
      return "There was an error parsing the body of your request: it is not valid JSON.";
    case Wire::Gemini:
      return "Invalid JSON payload received. Unexpected token.";
    case Wire::OpenAI:
      break;
  }
  return "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
         "using your HTTP library correctly. The OpenAI API expects a JSON payload.)";
}

/// The API key the request carries, in any of the providers' places.
std::string_view presented_key(const http::Request& req) {
  if (const auto* auth = http::find_header(req.headers, "authorization")) {
    std::string_view v = *auth;
    if (v.size() > 7 && (v.starts_with("Bearer ") || v.starts_with("bearer "))) {
      return v.substr(7);
    }
  }
  for (std::string_view name : {"x-api-key", "x-goog-api-key"}) {
    if (const auto* key = http::find_header(req.headers, name)) {
      return *key;
    }
  }
  std::string_view q = req.query();
  for (std::size_t at = 0; at < q.size();) {
    auto end = std::min(q.find('&', at), q.size());
    auto param = q.substr(at, end - at);
    if (param.starts_with("key=")) {
      return param.substr(4);
    }
    at = end + 1;
  }
  return {};
}

bool has_query_param(std::string_view query, std::string_view param) {
  for (std::size_t at = 0; at < query.size();) {
    auto end = std::min(query.find('&', at), query.size());
    if (query.substr(at, end - at) == param) {
      return true;
    }
    at = end + 1;
  }
  return false;
}

/// Counts a request in flight for /_fake/stats, however its coroutine ends.
class ActiveGuard {
 public:
  explicit ActiveGuard(std::atomic<std::int64_t>& n) : n_(n) {
    n_.fetch_add(1, std::memory_order_relaxed);
  }
  ~ActiveGuard() { n_.fetch_sub(1, std::memory_order_relaxed); }
  ActiveGuard(const ActiveGuard&) = delete;
  ActiveGuard& operator=(const ActiveGuard&) = delete;

 private:
  std::atomic<std::int64_t>& n_;
};

}  // namespace

struct FakeUpstream::Planned {
  Wire wire = Wire::OpenAI;
  int status = 200;
  http::Headers headers;
  std::string body;
  std::optional<StreamPlan> sse;
  Faults faults;
  std::string model;           // of a generated answer
  std::optional<Usage> usage;  // of a generated answer, for /_fake/stats
};

FakeUpstream::FakeUpstream(FakeOptions options) : options_(std::move(options)) {}

FakeUpstream::Planned FakeUpstream::plan(const http::Request& req, const Target& target) const {
  Planned p;
  p.wire = target.wire;

  std::string request_id = "req_";
  {
    auto n = request_counter_.fetch_add(1, std::memory_order_relaxed);
    append_hex(request_id, static_cast<std::uint64_t>(std::time(nullptr)), 8);
    append_hex(request_id, n * 0x9e3779b97f4a7c15ULL, 16);  // unique (odd multiplier), not 000...
  }
  p.headers.reserve(6);
  p.headers.push_back({"content-type", "application/json"});
  if (p.wire == Wire::OpenAI) {
    p.headers.push_back({"x-request-id", request_id});
  } else if (p.wire == Wire::Anthropic) {
    p.headers.push_back({"request-id", request_id});
  }
  auto fail = [&](const ApiError& e) {
    p.status = e.status;
    p.body = error_body(p.wire, e, request_id);
  };

  if (target.route == Route::Root) {
    fail({404, "Not found", {}, {}});
    return p;
  }
  if (target.route == Route::NotFound) {
    fail({404, "Invalid URL (" + req.method + " " + std::string(req.path()) + ")", {}, {}});
    return p;
  }
  if (!target.method_ok) {
    if (target.route == Route::Responses && req.method == "GET") {
      // Codex probes a WebSocket on GET /v1/responses; 426 makes it fall back to SSE at once.
      fail({426, "WebSocket is not supported by fake-upstream; use POST with SSE.", {}, {}});
      return p;
    }
    p.headers.push_back({"allow", std::string(target.method)});
    fail({405, "Method " + req.method + " is not allowed on " + std::string(req.path()), {}, {}});
    return p;
  }
  if (!options_.require_key.empty() && presented_key(req) != options_.require_key) {
    fail({401,
          p.wire == Wire::Anthropic ? "invalid x-api-key"
          : p.wire == Wire::Gemini  ? "API key not valid. Please pass a valid API key."
                                    : "Incorrect API key provided.",
          {},
          {}});
    return p;
  }

  // The body, parsed once into a stack-backed arena (tiny requests never touch the heap).
  unsigned char arena[8192];
  json::monotonic_resource resource(arena, sizeof arena);
  json::parse_options parse_options;
  parse_options.max_depth = 512;
  boost::system::error_code parse_error;
  // Initialised in place: assigning a parsed value to a default `value` would copy it off the
  // arena.
  const json::value doc = target.method == "POST"
                              ? json::parse(req.body, parse_error, &resource, parse_options)
                              : json::value();
  const json::object* body = doc.if_object();
  if (target.method == "POST" && body == nullptr && !parse_error) {
    parse_error = json::make_error_code(json::error::not_object);
  }
  std::string_view model = target.model;
  if (body != nullptr && model.empty()) {
    model = get_string(*body, "model");
  }

  // Faults: the first matching script rule, then the x-fake-* headers field by field.
  if (options_.script) {
    if (auto rule = options_.script->match(req.path(), model)) {
      p.faults = *rule;
    }
  }
  auto header_faults = faults_from_headers(req.headers);
  if (!header_faults) {
    fail({400, header_faults.error().message, {}, {}});
    return p;
  }
  p.faults.merge(*header_faults);
  if (p.faults.error_status()) {
    const int status = *p.faults.status;
    if (p.faults.retry_after) {
      p.headers.push_back({"retry-after", std::to_string(*p.faults.retry_after)});
      p.headers.push_back({"retry-after-ms", std::to_string(*p.faults.retry_after * 1000)});
    }
    if (status == 429 && p.wire == Wire::OpenAI) {
      p.headers.push_back({"x-ratelimit-limit-requests", "10000"});
      p.headers.push_back({"x-ratelimit-remaining-requests", "0"});
    } else if (status == 429 && p.wire == Wire::Anthropic) {
      p.headers.push_back({"anthropic-ratelimit-requests-limit", "4000"});
      p.headers.push_back({"anthropic-ratelimit-requests-remaining", "0"});
    }
    fail({status, fault_message(p.wire, status), {}, {}});
    return p;
  }

  if (target.method == "POST" && parse_error) {
    fail({400, std::string(json_parse_message(p.wire)), {}, {}});
    return p;
  }

  // Everything but the generation endpoints answers a fixed document.
  WireResult<std::string> document = std::string();
  WireResult<Turn> turn = ApiError{};
  bool stream = false;
  switch (target.route) {
    case Route::OpenAIModels:
      document = openai_model_list();
      break;
    case Route::AnthropicModels:
      document = anthropic_model_list();
      break;
    case Route::GeminiModels:
      document = gemini_model_list();
      break;
    case Route::OpenAIModel:
      document = openai_model(target.model);
      break;
    case Route::AnthropicModel:
      document = anthropic_model(target.model);
      break;
    case Route::GeminiModel:
      document = gemini_model(target.model);
      break;
    case Route::Embeddings:
      document = openai_embeddings(*body);
      break;
    case Route::GeminiEmbed:
      document = gemini_embeddings(*body, target.model, false);
      break;
    case Route::GeminiBatchEmbed:
      document = gemini_embeddings(*body, target.model, true);
      break;
    case Route::CountTokens:
      document = anthropic::count_tokens(*body);
      break;
    case Route::GeminiCountTokens:
      document = gemini::count_tokens(*body, target.model);
      break;
    case Route::ChatCompletions:
      turn = openai_chat::parse(*body);
      stream = get_bool(*body, "stream");
      break;
    case Route::Responses:
      turn = openai_responses::parse(*body);
      stream = get_bool(*body, "stream");
      break;
    case Route::Messages:
      turn = anthropic::parse(*body);
      stream = get_bool(*body, "stream");
      break;
    case Route::GeminiGenerate:
    case Route::GeminiStream:
      turn = gemini::parse(*body, target.model);
      stream = target.route == Route::GeminiStream && has_query_param(req.query(), "alt=sse");
      break;
    default:
      break;
  }
  const bool generates = target.route == Route::ChatCompletions ||
                         target.route == Route::Responses || target.route == Route::Messages ||
                         target.route == Route::GeminiGenerate ||
                         target.route == Route::GeminiStream;
  if (!generates) {
    if (!document) {
      fail(document.error());
    } else {
      p.body = std::move(*document);
    }
  } else if (!turn) {
    fail(turn.error());
  } else {
    turn->chunks = p.faults.chunks.value_or(kDefaultChunks);
    if (p.faults.reply) {
      turn->reply = *p.faults.reply;
    }
    if (p.faults.tool_call) {
      // The offered tool of that name keeps its schema; any other is called with {} arguments.
      const std::string_view name = *p.faults.tool_call;
      if (!turn->tool || turn->tool->name != name) {
        turn->tool = ToolOffer{name, nullptr, false};
      }
      turn->force_tool = true;
    }
    const Reply reply = make_reply(*turn);
    p.model = std::string(turn->model);
    p.usage = reply.usage;
    const auto created = static_cast<std::int64_t>(std::time(nullptr));
    if (stream) {
      p.headers[0].value = "text/event-stream; charset=utf-8";
      p.headers.push_back({"cache-control", "no-cache"});
      switch (target.route) {
        case Route::ChatCompletions:
          p.sse = openai_chat::render_stream(*turn, reply, created);
          break;
        case Route::Responses:
          p.sse = openai_responses::render_stream(*turn, reply, created);
          break;
        case Route::Messages:
          p.sse = anthropic::render_stream(*turn, reply);
          break;
        default:
          p.sse = gemini::render_stream(*turn, reply);
          break;
      }
    } else {
      switch (target.route) {
        case Route::ChatCompletions:
          p.body = openai_chat::render(*turn, reply, created);
          break;
        case Route::Responses:
          p.body = openai_responses::render(*turn, reply, created);
          break;
        case Route::Messages:
          p.body = anthropic::render(*turn, reply);
          break;
        case Route::GeminiStream:
          p.body = gemini::render_array(*turn, reply);
          break;
        default:
          p.body = gemini::render(*turn, reply);
          break;
      }
    }
  }
  if (p.status == 200 && !p.sse && p.faults.malformed.value_or(false)) {
    p.body.resize(p.body.size() / 2);  // valid start, cut mid-value: not parseable
  }
  return p;
}

asio::awaitable<void> FakeUpstream::handle(http::Request& req, http::ResponseWriter& writer) {
  const Target target = route_of(req);
  if (is_introspection(target.route)) {
    co_await introspect(req, target, writer);
    co_return;
  }
  ActiveGuard active(active_);
  Planned p = plan(req, target);
  std::string log_line;
  if (options_.verbose) {
    log_line = req.method + " " + req.target;
  }
  recorder_.record(req);  // moves the request's parts into the history ring
  recorder_.count_status(p.status);
  if (p.usage && p.status == 200) {
    // Counted as generated, whether or not this wire reports it to the client (a stream
    // without include_usage): tests compare gateway ledgers against it.
    recorder_.count_usage(p.model, p.usage->input, p.usage->cached, p.usage->cache_write,
                          p.usage->output, p.usage->reasoning);
  }
  co_await deliver(p, writer);
  if (options_.verbose) {
    log::info("fake-upstream: {} -> {}{}", log_line, p.status, p.sse ? " (stream)" : "");
  }
}

asio::awaitable<void> FakeUpstream::deliver(Planned& p, http::ResponseWriter& writer) {
  // A statement of its own, not `if (!co_await ...)`: see the GCC note in pacing.cpp.
  const bool alive = co_await pause(writer, p.faults.latency_ms.value_or(0));
  if (!alive) {
    recorder_.requests_abandoned.fetch_add(1, std::memory_order_relaxed);
    writer.reset_connection();
    co_return;
  }
  if (p.sse && p.status == 200) {
    co_await send_stream(*p.sse, p.faults, std::move(p.headers), writer, recorder_);
    co_return;
  }
  if (p.status == 200 && p.faults.reset_after) {
    writer.reset_connection();  // a non-stream reset happens before any byte
    co_return;
  }
  co_await writer.send(p.status, std::move(p.headers), std::move(p.body));
}

asio::awaitable<void> FakeUpstream::introspect(const http::Request& req, const Target& target,
                                               http::ResponseWriter& writer) {
  http::Headers headers{{"content-type", "application/json"}, {"cache-control", "no-store"}};
  if (!target.method_ok) {
    headers.push_back({"allow", std::string(target.method)});
    co_await writer.send(
        405, std::move(headers),
        error_body(Wire::OpenAI, {405, "use " + std::string(target.method), {}, {}}, {}));
    co_return;
  }
  std::string body;
  switch (target.route) {
    case Route::FakeStats:
      body = recorder_.stats_json(active_.load(std::memory_order_relaxed));
      break;
    case Route::FakeRequests: {
      std::size_t n = 1;
      std::string_view q = req.query();
      if (auto at = q.find("n="); at != std::string_view::npos && (at == 0 || q[at - 1] == '&')) {
        auto digits = q.substr(at + 2);
        std::from_chars(digits.data(), digits.data() + digits.size(), n);
      }
      body = recorder_.requests_json(std::clamp<std::size_t>(n, 1, Recorder::kHistory));
      break;
    }
    default:
      recorder_.reset();
      body = R"({"reset":true})";
      break;
  }
  co_await writer.send(200, std::move(headers), std::move(body));
}

http::LocalReply FakeUpstream::local_reply(const http::Request& req, int status,
                                           std::string_view message) const {
  const Wire wire = route_of(req).wire;
  return {{{"content-type", "application/json"}},
          error_body(wire, {status, std::string(message), {}, {}}, "req_local")};
}

}  // namespace sluice::fake
