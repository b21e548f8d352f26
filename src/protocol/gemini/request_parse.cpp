// Gemini generateContent request (client side) -> IR. Every malformed field is a 400 that names
// it ("contents[2].parts[0].functionCall.name: required"); nothing throws.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <optional>

#include "protocol/gemini/parse_util.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::gemini {
namespace {

using parse::at;
using parse::bad;
using parse::drop_once;
using parse::Err;
using parse::str;

ir::Part media_part(std::string_view mime) {
  ir::Part p;
  p.kind = mime.starts_with("image/") ? ir::Part::Kind::Image : ir::Part::Kind::Document;
  p.media_type = std::string(mime);
  return p;
}

/// inlineData / fileData -> an Image or Document part. `where()` names the field; paths are
/// only built for errors.
template <class Where>
Err parse_media(const bj::value& v, bool inline_data, const Where& where,
                std::vector<ir::Part>& out) {
  if (!v.is_object()) {
    return bad(where() + ": must be an object");
  }
  const auto& o = v.get_object();
  const auto mime = str(get(o, "mimeType", "mime_type"));
  if (inline_data) {
    const auto* data = get(o, "data");
    if (!data || !data->is_string()) {
      return bad(where() + ".data: required");
    }
    if (mime.empty()) {
      return bad(where() + ".mimeType: required");
    }
    auto p = media_part(mime);
    p.data = std::string(data->get_string());
    out.push_back(std::move(p));
  } else {
    const auto uri = str(get(o, "fileUri", "file_uri"));
    if (uri.empty()) {
      return bad(where() + ".fileUri: required");
    }
    auto p = media_part(mime);
    p.url = std::string(uri);
    out.push_back(std::move(p));
  }
  return std::nullopt;
}

struct PendingCall {
  std::string_view name;
  std::string id;
  bool answered = false;
};

class RequestParser {
 public:
  explicit RequestParser(ir::Request& req) : req_(req) {}

  Err contents(const bj::value* v) {
    if (!v) {
      return bad("contents: required");
    }
    if (!v->is_array()) {
      return bad("contents: must be an array");
    }
    const auto& arr = v->get_array();
    req_.messages.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (auto e = content(arr[i], i)) {
        return e;
      }
    }
    return std::nullopt;
  }

 private:
  Err content(const bj::value& v, std::size_t i) {
    if (!v.is_object()) {
      return bad(at("contents", i) + ": must be an object");
    }
    const auto& o = v.get_object();
    ir::Message msg;
    const auto* role_v = get(o, "role");
    const auto role = str(role_v);
    if (role_v && !role_v->is_null() && !role_v->is_string()) {
      return bad(at("contents", i) + ".role: must be a string");
    }
    if (role.empty() || role == "user" || role == "function" || role == "tool") {
      msg.role = ir::Role::User;
    } else if (role == "model" || role == "assistant") {
      msg.role = ir::Role::Assistant;
    } else if (role == "system") {
      msg.role = ir::Role::System;
    } else {
      return bad(at("contents", i) + ".role: unknown role '" + std::string(role) + "'");
    }
    const auto* parts = get(o, "parts");
    if (!parts || !parts->is_array()) {
      return bad(at("contents", i) + ".parts: must be an array");
    }
    const auto& arr = parts->get_array();
    msg.parts.reserve(arr.size());
    reasoning_open_ = false;
    for (std::size_t j = 0; j < arr.size(); ++j) {
      if (auto e = part(arr[j], i, j, msg)) {
        return e;
      }
    }
    if (!msg.parts.empty()) {
      req_.messages.push_back(std::move(msg));
    }
    return std::nullopt;
  }

  std::string where(std::size_t i, std::size_t j) const {
    return at(at("contents", i) + ".parts", j);
  }

  Err part(const bj::value& v, std::size_t i, std::size_t j, ir::Message& msg) {
    if (!v.is_object()) {
      return bad(where(i, j) + ": must be an object");
    }
    const auto& p = v.get_object();
    const auto* sig_v = get(p, "thoughtSignature", "thought_signature");
    if (sig_v && !sig_v->is_string()) {
      return bad(where(i, j) + ".thoughtSignature: must be a string");
    }
    const auto sig = str(sig_v);
    const auto thought = json::bool_field(p, "thought").value_or(false);
    auto& out = msg.parts;

    if (const auto* text = get(p, "text")) {
      if (!text->is_string()) {
        return bad(where(i, j) + ".text: must be a string");
      }
      if (thought) {
        // Consecutive thought parts (a streamed thought, then its signature) are one block.
        if (reasoning_open_ && !out.empty() && out.back().kind == ir::Part::Kind::Reasoning &&
            !sig.starts_with(kRedactedSig)) {
          out.back().text.append(text->get_string());
          if (!sig.empty()) {
            apply_sig(out, sig);
          }
        } else if (!sig.empty()) {
          append_client_sig(out, sig, std::string(text->get_string()));
        } else {
          ir::Part r;
          r.kind = ir::Part::Kind::Reasoning;
          r.text = std::string(text->get_string());
          out.push_back(std::move(r));
        }
        reasoning_open_ = sig.empty() && out.back().kind == ir::Part::Kind::Reasoning;
        return std::nullopt;
      }
      reasoning_open_ = false;
      if (!sig.empty()) {
        append_client_sig(out, sig, {});
      }
      if (!text->get_string().empty()) {
        ir::Part t;
        t.text = std::string(text->get_string());
        out.push_back(std::move(t));
      }
      return std::nullopt;
    }
    reasoning_open_ = false;
    if (!sig.empty()) {
      append_client_sig(out, sig, {});
    }

    if (const auto* d = get(p, "inlineData", "inline_data")) {
      return parse_media(
          *d, true, [&] { return where(i, j) + ".inlineData"; }, out);
    }
    if (const auto* d = get(p, "fileData", "file_data")) {
      return parse_media(
          *d, false, [&] { return where(i, j) + ".fileData"; }, out);
    }
    if (const auto* fc = get(p, "functionCall", "function_call")) {
      return function_call(
          *fc, [&] { return where(i, j) + ".functionCall"; }, out);
    }
    if (const auto* fr = get(p, "functionResponse", "function_response")) {
      return function_response(
          *fr, [&] { return where(i, j) + ".functionResponse"; }, out);
    }
    if (get(p, "executableCode", "executable_code") ||
        get(p, "codeExecutionResult", "code_execution_result")) {
      drop_once(req_, "code_execution_parts");
      return std::nullopt;
    }
    if (!sig.empty()) {
      return std::nullopt;  // a signature-only part
    }
    return bad(where(i, j) + ": unknown part type");
  }

  static void apply_sig(std::vector<ir::Part>& out, std::string_view sig) {
    std::vector<ir::Part> tmp;
    append_client_sig(tmp, sig, std::move(out.back().text));
    out.back() = std::move(tmp.back());
  }

  /// functionCall and functionResponse share a shape: an object with a required name and an
  /// optional object payload (`args` or `response`).
  template <class Where>
  Err named_payload(const bj::value& v, const Where& w, std::string_view key,
                    std::string_view& name, const bj::value*& payload) {
    if (!v.is_object()) {
      return bad(w() + ": must be an object");
    }
    const auto& o = v.get_object();
    name = str(get(o, "name"));
    if (name.empty()) {
      return bad(w() + ".name: required");
    }
    payload = get(o, key);
    if (payload && !payload->is_object() && !payload->is_null()) {
      return bad(w() + "." + std::string(key) + ": must be an object");
    }
    return std::nullopt;
  }

  template <class Where>
  Err function_call(const bj::value& v, const Where& w, std::vector<ir::Part>& out) {
    std::string_view name;
    const bj::value* args = nullptr;
    if (auto err = named_payload(v, w, "args", name, args)) return err;
    const auto& o = v.get_object();
    ir::Part call;
    call.kind = ir::Part::Kind::ToolCall;
    call.name = std::string(name);
    const auto id = str(get(o, "id"));
    call.id = id.empty() ? synth_call_id({}, call_index_++, name) : std::string(id);
    call.arguments = json::to_text(args, "{}");
    calls_.push_back({name, call.id, false});
    out.push_back(std::move(call));
    return std::nullopt;
  }

  /// The call a response answers: its own id if it has one, else the oldest unanswered call of
  /// the same name (Gemini pairs them by name and order).
  std::string match_call(std::string_view id, std::string_view name) {
    if (!id.empty()) {
      for (auto& c : calls_) {
        if (c.id == id) {
          c.answered = true;
        }
      }
      return std::string(id);
    }
    for (auto& c : calls_) {
      if (!c.answered && c.name == name) {
        c.answered = true;
        return c.id;
      }
    }
    return synth_call_id({}, call_index_++, name);
  }

  template <class Where>
  Err function_response(const bj::value& v, const Where& w, std::vector<ir::Part>& out) {
    std::string_view name;
    const bj::value* response = nullptr;
    if (auto err = named_payload(v, w, "response", name, response)) return err;
    const auto& o = v.get_object();
    ir::Part res;
    res.kind = ir::Part::Kind::ToolResult;
    res.name = std::string(name);
    res.id = match_call(str(get(o, "id")), name);
    ir::Part text;
    // The documented convention is {"output": ...} or {"error": ...}; anything else is the
    // result itself.
    const bj::value* inner = nullptr;
    if (response && response->is_object() && response->get_object().size() == 1) {
      const auto& ro = response->get_object();
      if ((inner = get(ro, "output")) == nullptr && (inner = get(ro, "error")) != nullptr) {
        res.is_error = true;
      }
    }
    if (inner) {
      text.text = inner->is_string() ? std::string(inner->get_string()) : bj::serialize(*inner);
    } else {
      text.text = json::to_text(response, "{}");
    }
    res.content.push_back(std::move(text));
    if (const auto* parts = get(o, "parts")) {
      if (!parts->is_array()) {
        return bad(w() + ".parts: must be an array");
      }
      const auto& arr = parts->get_array();
      for (std::size_t k = 0; k < arr.size(); ++k) {
        if (!arr[k].is_object()) {
          return bad(at(w() + ".parts", k) + ": must be an object");
        }
        const auto& po = arr[k].get_object();
        if (const auto* d = get(po, "inlineData", "inline_data")) {
          if (auto e = parse_media(
                  *d, true, [&] { return at(w() + ".parts", k) + ".inlineData"; }, res.content)) {
            return e;
          }
        } else if (const auto* f = get(po, "fileData", "file_data")) {
          if (auto e = parse_media(
                  *f, false, [&] { return at(w() + ".parts", k) + ".fileData"; }, res.content)) {
            return e;
          }
        } else {
          return bad(at(w() + ".parts", k) + ": unknown part type");
        }
      }
    }
    out.push_back(std::move(res));
    return std::nullopt;
  }

  ir::Request& req_;
  std::vector<PendingCall> calls_;
  std::size_t call_index_ = 0;
  bool reasoning_open_ = false;
};

}  // namespace

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body,
                                                            const RequestContext& ctx) {
  // The DOM lives only while the IR is built: bump-allocate it, starting on the stack.
  alignas(16) unsigned char buf[16384];
  bj::monotonic_resource mr(buf, sizeof buf);
  unsigned char stack[1024];
  bj::parser p(&mr, {}, stack, sizeof stack);
  boost::system::error_code ec;
  p.write(body, ec);
  if (ec) {
    return bad("request body: invalid JSON (" + ec.message() + ")");
  }
  auto root = p.release();
  if (!root.is_object()) {
    return bad("request body: must be a JSON object");
  }
  const auto& o = root.get_object();

  ir::Request req;
  req.model = ctx.model_from_path;
  req.stream = ctx.stream_from_path || ctx.endpoint == Endpoint::StreamGenerate;
  req.stream_usage = req.stream;  // Gemini streams always carry usageMetadata

  RequestParser parser(req);
  if (auto e = parser.contents(get(o, "contents"))) {
    return *e;
  }
  if (auto e = parse::options(o, req)) {
    return *e;
  }
  return req;
}

}  // namespace sluice::protocol::gemini
