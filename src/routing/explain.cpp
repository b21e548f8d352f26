#include "routing/explain.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "protocol/events.hpp"

namespace sluice::routing {
namespace {

namespace json = boost::json;

json::value ms_or_null(double ms) {
  return ms < 0 ? json::value(nullptr) : json::value(std::round(ms * 10) / 10);
}

json::value catalog_json(const core::ModelInfo* m) {
  if (!m) return nullptr;
  json::object o;
  o["id"] = m->id;
  o["input_per_mtok"] = m->input;
  o["output_per_mtok"] = m->output;
  o["context"] = m->context;
  o["max_output"] = m->max_output;
  o["capabilities"] = core::capability_names(m->caps);
  o["tier"] = m->tier;
  o["source"] = m->origin == "catalog" ? m->source : m->origin;
  return o;
}

json::object health_json(const HealthView& h) {
  json::object o;
  o["circuit"] = to_string(h.circuit);
  o["requests"] = h.requests;
  o["error_rate"] = std::round(h.error_rate * 1000) / 1000;
  o["throttled"] = h.throttled;
  o["consecutive_failures"] = h.consecutive_failures;
  o["ttfb_ms"] = ms_or_null(h.ttfb_ms);
  o["total_ms"] = ms_or_null(h.total_ms);
  o["in_flight"] = h.in_flight;
  o["available_in_ms"] =
      h.available_in
          ? json::value(
                std::chrono::duration_cast<std::chrono::milliseconds>(*h.available_in).count())
          : json::value(nullptr);
  return o;
}

json::object candidate_json(const Scored& s, const core::ScoreWeights* weights, std::size_t rank) {
  const Target& t = *s.target;
  json::object o;
  o["rank"] = rank;
  o["target"] = t.label();
  o["provider"] = t.provider->config.name;
  o["account"] = t.account_config().name;
  o["model"] = t.model;
  o["wire"] = protocol::to_string(t.provider->config.type);
  o["eligible"] = s.excluded == Exclusion::None;
  o["excluded"] =
      s.excluded == Exclusion::None ? json::value(nullptr) : json::value(to_string(s.excluded));
  o["estimated_cost_usd"] = s.cost_usd < 0 ? json::value(nullptr) : json::value(s.cost_usd);
  o["health"] = health_json(s.health);
  o["catalog"] = catalog_json(t.info);
  if (weights) {
    json::object scores;
    for (std::size_t p = 0; p < kPolicyCount; ++p) {
      const double w = policy_weight(*weights, p);
      json::object one;
      one["score"] = std::round(s.score[p] * 1000) / 1000;
      one["weight"] = w;
      one["contribution"] = std::round(w * s.score[p] * 1000) / 1000;
      scores[policy_name(p)] = std::move(one);
    }
    o["scores"] = std::move(scores);
    o["total"] = std::round(s.total * 1000) / 1000;
  }
  return o;
}

std::string why_first(const core::RouteConfig& rc, const Plan& plan) {
  if (plan.eligible == 0) return "no candidate is eligible";
  const Scored& s = plan.order.front();
  switch (rc.strategy) {
    case core::Strategy::Fallback:
      return "first eligible target in the route's order";
    case core::Strategy::Weighted:
      return "drawn at random in proportion to weight (each request draws again)";
    case core::Strategy::RoundRobin:
      return "next in turn (each request moves the turn on)";
    case core::Strategy::LeastLatency:
      return s.health.ttfb_ms < 0
                 ? "not measured yet (unmeasured targets are tried first)"
                 : fmt::format("lowest time to first byte ({:.1f} ms)", s.health.ttfb_ms);
    case core::Strategy::Cheapest:
      return s.cost_usd < 0 ? "no eligible target has a known price; route order"
                            : fmt::format("lowest estimated cost (${:.6f})", s.cost_usd);
    case core::Strategy::Scored:
      return fmt::format("highest total score ({:.3f})", s.total);
  }
  return "";
}

}  // namespace

RequestTraits traits_for(std::string_view prompt, std::uint8_t needs, std::uint64_t max_output) {
  ir::Request req;
  ir::Message m;
  m.role = ir::Role::User;
  ir::Part part;
  part.text = std::string(prompt);
  m.parts.push_back(std::move(part));
  req.messages.push_back(std::move(m));
  RequestTraits t;
  t.needs = needs;
  t.prompt_tokens =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, protocol::estimate_input_tokens(req)));
  t.max_output = max_output;
  return t;
}

json::object explain(const providers::Snapshot& snap, const ExplainQuery& q) {
  json::object out;
  out["model"] = q.model;
  json::object request;
  request["wire"] = protocol::to_string(q.wire);
  request["needs"] = core::capability_names(q.traits.needs);
  request["prompt_tokens"] = q.traits.prompt_tokens;
  request["max_output"] = q.traits.max_output;
  out["request"] = std::move(request);

  auto r = providers::resolve_model(snap, q.wire, q.model);
  if (auto* err = std::get_if<core::GatewayError>(&r)) {
    out["error"] = err->message;
    return out;
  }
  const auto& res = std::get<providers::Resolution>(r);
  out["resolved_via"] = res.via;
  json::array candidates;
  const auto& cfg = snap.config.routing;
  if (res.route) {
    const auto& rc = *res.route->config;
    PlanOptions opts;
    opts.advance = false;  // explaining must not move the round-robin turn
    const Plan plan = plan_route(*res.route, q.traits, cfg, opts);
    out["route"] = rc.name;
    out["strategy"] = core::to_string(rc.strategy);
    out["max_attempts"] = plan.max_attempts;
    out["deadline_ms"] = plan.deadline.count();
    out["retry_on_content_filter"] = plan.retry_on_content_filter;
    for (std::size_t i = 0; i < plan.order.size(); ++i) {
      const bool eligible = plan.order[i].excluded == Exclusion::None;
      candidates.push_back(candidate_json(plan.order[i], &rc.weights, eligible ? i + 1 : 0));
    }
    out["chosen"] =
        plan.eligible ? json::value(plan.order.front().target->label()) : json::value(nullptr);
    out["why"] = why_first(rc, plan);
    if (rc.strategy == core::Strategy::Weighted) {
      double total = 0;
      for (const auto& t : res.route->targets) total += t.weight / t.provider->accounts.size();
      json::object shares;
      for (const auto& t : res.route->targets) {
        shares[t.label()] =
            std::round(t.weight / t.provider->accounts.size() / total * 1000) / 1000;
      }
      out["weighted_shares"] = std::move(shares);
    }
  } else {
    // A plain name: its provider's accounts, one attempt each, never excluded.
    const auto* p = res.provider;
    const auto targets = direct_targets(snap, *p, res.model, /*advance=*/false);
    const std::uint64_t outn = q.traits.max_output ? q.traits.max_output : kAssumedOutputTokens;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      Scored s;
      s.target = &targets[i];
      s.health = targets[i].health->view(Clock::now(), cfg.health);
      if (targets[i].info) {
        s.cost_usd = providers::estimate_cost_usd(*targets[i].info, q.traits.prompt_tokens, outn);
      }
      candidates.push_back(candidate_json(s, nullptr, i + 1));
    }
    out["route"] = nullptr;
    out["strategy"] = "direct";
    out["max_attempts"] = p->accounts.size();
    out["chosen"] = p->config.name + "/" + res.model;
    out["why"] = "'" + q.model + "' is not a route; resolved via " + res.via +
                 (p->accounts.size() > 1 ? "; accounts take turns" : "");
  }
  out["candidates"] = std::move(candidates);
  return out;
}

std::string explain_text(const json::object& e) {
  std::string out;
  const auto str = [](const json::value* v) -> std::string {
    if (!v || v->is_null()) return "-";
    if (v->is_string()) return std::string(v->as_string());
    return json::serialize(*v);
  };
  out += fmt::format("model     {}\n", str(e.if_contains("model")));
  if (const auto* err = e.if_contains("error")) {
    out += fmt::format("error     {}\n", str(err));
    return out;
  }
  const auto& req = e.at("request").as_object();
  out += fmt::format("request   {} wire, needs {}, ~{} prompt tokens, max output {}\n",
                     str(req.if_contains("wire")),
                     req.at("needs").as_string().empty() ? std::string("nothing special")
                                                         : str(req.if_contains("needs")),
                     str(req.if_contains("prompt_tokens")),
                     req.at("max_output").to_number<std::int64_t>()
                         ? str(req.if_contains("max_output"))
                         : std::string("not set"));
  out += fmt::format("resolved  via {}", str(e.if_contains("resolved_via")));
  if (!e.at("route").is_null()) {
    out += fmt::format(" -> route '{}' ({}; up to {} attempts within {} ms)",
                       str(e.if_contains("route")), str(e.if_contains("strategy")),
                       str(e.if_contains("max_attempts")), str(e.if_contains("deadline_ms")));
  }
  out += "\n\n";
  const bool scored = !e.at("candidates").as_array().empty() &&
                      e.at("candidates").as_array().front().as_object().contains("scores");
  out += fmt::format("{:<4} {:<34} {:<10} {:>8} {:>10} {:>11}", "rank", "target", "circuit", "err",
                     "ttfb ms", "est. $");
  if (scored) {
    for (std::size_t p = 0; p < kPolicyCount; ++p) {
      static constexpr std::string_view kShort[kPolicyCount] = {
          "cost", "health", "speed", "capab", "fits", "budget", "ratelim", "fair"};
      out += fmt::format(" {:>7}", kShort[p]);
    }
    out += fmt::format(" {:>7}", "total");
  }
  out += "\n";
  for (const auto& cv : e.at("candidates").as_array()) {
    const auto& c = cv.as_object();
    const auto& h = c.at("health").as_object();
    const auto rank = c.at("rank").to_number<std::int64_t>();
    const auto& cost = c.at("estimated_cost_usd");
    out += fmt::format(
        "{:<4} {:<34} {:<10} {:>8} {:>10} {:>11}", rank ? std::to_string(rank) : "-",
        str(c.if_contains("target")), str(h.if_contains("circuit")),
        fmt::format("{:.0f}%", h.at("error_rate").to_number<double>() * 100),
        str(h.if_contains("ttfb_ms")),
        cost.is_null() ? std::string("?") : fmt::format("{:.6f}", cost.to_number<double>()));
    if (const auto* scores = c.if_contains("scores")) {
      for (std::size_t p = 0; p < kPolicyCount; ++p) {
        const auto& one = scores->as_object().at(policy_name(p)).as_object();
        out += fmt::format(" {:>7.2f}", one.at("contribution").to_number<double>());
      }
      out += fmt::format(" {:>7.3f}", c.at("total").to_number<double>());
    }
    if (!c.at("excluded").is_null()) out += "  excluded: " + str(c.if_contains("excluded"));
    if (c.at("catalog").is_null()) out += "  (not in the catalog: price and limits unknown)";
    out += "\n";
  }
  out += fmt::format("\nchosen    {}\nwhy       {}\n", str(e.if_contains("chosen")),
                     str(e.if_contains("why")));
  if (const auto* shares = e.if_contains("weighted_shares")) {
    out += "shares    " + json::serialize(*shares) + "\n";
  }
  if (scored) {
    out +=
        "\nScores are weight x policy score (each policy scores 0..1). Health and latency "
        "reflect this process's own observations.\n";
  }
  return out;
}

json::object health_report(const providers::Snapshot& snap) {
  json::object out;
  json::array targets;
  const auto now = Clock::now();
  for (const auto* t : snap.health->all()) {
    // Records exist for every listed model; report the ones that have seen traffic or state.
    const auto view = t->view(now, snap.config.routing.health);
    if (view.requests == 0 && view.ttfb_ms < 0 && view.circuit == Circuit::Closed &&
        !view.available_in) {
      continue;
    }
    json::object o = health_json(view);
    o["target"] = t->key();
    targets.push_back(std::move(o));
  }
  out["targets"] = std::move(targets);
  return out;
}

}  // namespace sluice::routing
