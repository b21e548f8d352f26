#include "protocol/json_probe.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdint>

namespace sluice::protocol {
namespace {

using boost::system::error_code;
using sv = boost::json::string_view;

struct ProbeHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::string_view input;
  JsonProbe* out = nullptr;
  int depth = 0;
  bool first = true;
  std::string key;  // current top-level key
  bool key_split = false;
  std::string str;  // accumulating top-level string value
  bool str_split = false;
  std::string inner_key;  // current key inside the top-level generationConfig object

  bool top() const { return depth == 1; }

  void begin_value() {
    if (first) {
      first = false;
    }
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (first) out->is_object = true;
    begin_value();
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_array_begin(error_code&) {
    begin_value();
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_key_part(sv s, std::size_t, error_code&) {
    if (top()) {
      if (!key_split) key.clear();
      key.append(s.data(), s.size());
      key_split = true;
    }
    return true;
  }
  bool on_key(sv s, std::size_t, error_code&) {
    if (depth == 2 && key == "generationConfig") inner_key.assign(s.data(), s.size());
    if (top()) {
      if (!key_split) key.clear();
      key.append(s.data(), s.size());
      key_split = false;
    }
    return true;
  }
  bool on_string_part(sv s, std::size_t, error_code&) {
    if (top() && key == "model") {
      str.append(s.data(), s.size());
      str_split = true;
    }
    return true;
  }
  bool on_string(sv s, std::size_t, error_code&) {
    begin_value();
    if (top() && key == "model") {
      str.append(s.data(), s.size());
      out->model = std::move(str);
      str.clear();
      // An unescaped value arrives as a view into the input itself; its quotes sit just outside.
      const char* base = input.data();
      if (!str_split && s.data() > base && s.data() + s.size() < base + input.size()) {
        out->model_begin = static_cast<std::size_t>(s.data() - base) - 1;
        out->model_end = out->model_begin + s.size() + 2;
        if (input[out->model_begin] != '"' || input[out->model_end - 1] != '"') {
          out->model_begin = out->model_end = 0;
        }
      }
      str_split = false;
    }
    return true;
  }
  bool on_number_part(sv, error_code&) { return true; }
  void output_cap(std::int64_t v) {
    const bool named = (top() && (key == "max_tokens" || key == "max_completion_tokens" ||
                                  key == "max_output_tokens")) ||
                       (depth == 2 && key == "generationConfig" && inner_key == "maxOutputTokens");
    if (named) out->max_output = v;
  }
  bool on_int64(std::int64_t v, sv, error_code&) {
    begin_value();
    output_cap(v);
    return true;
  }
  bool on_uint64(std::uint64_t v, sv, error_code&) {
    begin_value();
    output_cap(static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX)));
    return true;
  }
  bool on_double(double, sv, error_code&) {
    begin_value();
    return true;
  }
  bool on_bool(bool b, error_code&) {
    begin_value();
    if (top() && key == "stream") out->stream = b;
    return true;
  }
  bool on_null(error_code&) {
    begin_value();
    return true;
  }
  bool on_comment_part(sv, error_code&) { return true; }
  bool on_comment(sv, error_code&) { return true; }
};

std::string position(std::string_view body, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (byte " +
         std::to_string(offset) + ")";
}

}  // namespace

JsonProbe probe_json(std::string_view body) {
  JsonProbe out;
  if (body.empty()) {
    out.error = "the request body is empty; a JSON object is required";
    return out;
  }
  boost::json::basic_parser<ProbeHandler> p(boost::json::parse_options{});
  p.handler().input = body;
  p.handler().out = &out;
  error_code ec;
  std::size_t n = p.write_some(false, body.data(), body.size(), ec);
  if (ec) {
    out.error = ec.message() + " at " + position(body, n);
    out.model.reset();
    return out;
  }
  out.valid = true;
  if (!out.is_object) out.error = "the request body must be a JSON object";
  return out;
}

std::string json_quote(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

std::string rewrite_model(std::string_view body, const JsonProbe& probe, std::string_view model) {
  if (probe.model_end > probe.model_begin) {
    std::string out;
    auto quoted = json_quote(model);
    out.reserve(body.size() + quoted.size());
    out.append(body.substr(0, probe.model_begin));
    out.append(quoted);
    out.append(body.substr(probe.model_end));
    return out;
  }
  auto v = boost::json::parse(body);
  v.as_object()["model"] = model;
  return boost::json::serialize(v);
}

}  // namespace sluice::protocol
