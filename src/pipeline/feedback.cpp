// POST /v1/feedback {request_id, outcome, score?}: what the client says about an answer, for the
// outcome learner. Authenticated like the model endpoints (the same virtual key); a request id
// of another key is answered exactly like an unknown one (404), so nothing leaks. Counting is
// idempotent per (request_id, outcome).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "governance/period.hpp"
#include "intel/learner.hpp"
#include "pipeline/feedback.hpp"
#include "pipeline/pipeline.hpp"
#include "protocol/errors.hpp"

namespace sluice::pipeline {
namespace {

core::GatewayError bad(std::string message, std::string param) {
  return {core::ErrorKind::InvalidRequest, std::move(message), std::move(param),
          "invalid_feedback"};
}

/// The caller's key id ("" when auth is off), or the 401 to answer.
std::variant<std::string, core::GatewayError> caller(const http::Request& req,
                                                     governance::Governance* gov) {
  if (!gov || !gov->auth_required()) return std::string();
  std::string decoded;
  const auto secret = presented_key(req, decoded);
  const auto unauthenticated = [](std::string m) {
    return core::GatewayError{core::ErrorKind::Unauthenticated, std::move(m), "",
                              "invalid_api_key"};
  };
  if (secret.empty()) {
    return unauthenticated("feedback needs the sluice virtual key the request was made with");
  }
  auto key = gov->keys().find(secret);
  if (!key) return unauthenticated("unknown sluice key; check for a typo or a rotated key");
  const auto& rec = key->record;
  if (rec.revoked_ms != 0) return unauthenticated(key->label + " was revoked");
  if (rec.expires_ms != 0 && rec.expires_ms <= governance::now_ms()) {
    return unauthenticated(key->label + " has expired");
  }
  return rec.id;
}

struct Parsed {
  std::string request_id;
  intel::Outcome outcome = intel::Outcome::Accepted;
  double weight = 1;
};

std::variant<Parsed, core::GatewayError> parse(std::string_view body) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    return bad(
        "the body must be a JSON object: {\"request_id\": \"req_...\", \"outcome\": "
        "\"accepted\", \"score\": 0.9}",
        "");
  }
  const auto& o = v.as_object();
  for (const auto& kv : o) {
    if (kv.key() != "request_id" && kv.key() != "outcome" && kv.key() != "score") {
      return bad(
          "unknown field '" + std::string(kv.key()) + "' (known: request_id, outcome, score)",
          std::string(kv.key()));
    }
  }
  Parsed p;
  const auto* id = o.if_contains("request_id");
  if (!id || !id->is_string() || id->as_string().empty()) {
    return bad("request_id must be the x-sluice-request-id of the answer", "request_id");
  }
  p.request_id = std::string(id->as_string());
  const auto* out = o.if_contains("outcome");
  const auto outcome =
      out && out->is_string() ? intel::client_outcome(out->as_string()) : std::nullopt;
  if (!outcome) {
    return bad("outcome must be accepted, rejected, reverted, tests_passed or tests_failed",
               "outcome");
  }
  p.outcome = *outcome;
  if (const auto* score = o.if_contains("score"); score && !score->is_null()) {
    const bool number = score->is_double() || score->is_int64() || score->is_uint64();
    const double s = number ? score->to_number<double>() : -1;
    if (!number || !(s >= 0 && s <= 1)) return bad("score must be a number in [0, 1]", "score");
    p.weight = s;
  }
  return p;
}

}  // namespace

std::pair<int, std::string> feedback_reply(const http::Request& req, governance::Governance* gov,
                                           intel::Learner* learner, const std::string& request_id) {
  const auto error = [&request_id](const core::GatewayError& e) {
    return std::pair{e.status(), protocol::error_body(protocol::Family::OpenAI, e, request_id)};
  };
  auto who = caller(req, gov);
  if (auto* e = std::get_if<core::GatewayError>(&who)) return error(*e);
  auto parsed = parse(req.body);
  if (auto* e = std::get_if<core::GatewayError>(&parsed)) return error(*e);
  const auto& p = std::get<Parsed>(parsed);
  const auto not_found = core::GatewayError{core::ErrorKind::NotFound,
                                            "no answered request '" + p.request_id +
                                                "' for this key (feedback names the "
                                                "x-sluice-request-id of a successful answer)",
                                            "request_id", "request_not_found"};
  if (!learner) return error(not_found);
  const auto r = learner->feedback(p.request_id, std::get<std::string>(who), p.outcome, p.weight);
  if (r.applied == intel::Learner::Applied::NotFound) return error(not_found);
  boost::json::object o;
  o["request_id"] = p.request_id;
  o["outcome"] = intel::outcome_name(p.outcome);
  o["counted"] = r.applied == intel::Learner::Applied::Counted;
  o["intent"] = r.intent;
  o["model"] = r.model;
  o["success"] = intel::is_success(p.outcome);
  return {200, boost::json::serialize(o)};
}

}  // namespace sluice::pipeline
