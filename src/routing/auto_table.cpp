#include "routing/auto_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "routing/health.hpp"

namespace sluice::routing {

bool is_auto_name(std::string_view model) {
  return model == "auto" || model.starts_with("auto:");
}

std::variant<AutoName, std::string> parse_auto_name(std::string_view model) {
  AutoName out;
  if (model == "auto") return out;
  auto rest = model.substr(5);  // after "auto:"
  const auto colon = rest.find(':');
  const auto tier_text = rest.substr(0, colon);
  out.tier = core::auto_tier_from_string(tier_text);
  if (!out.tier) {
    return fmt::format(
        "unknown tier '{}' in model '{}'; use auto, auto:TIER or auto:TIER:DIRECTION with TIER "
        "fast, balanced or frontier and DIRECTION cost, speed or quality",
        tier_text, model);
  }
  if (colon == std::string_view::npos) return out;
  const auto dir_text = rest.substr(colon + 1);
  out.direction = core::auto_direction_from_string(dir_text);
  if (!out.direction) {
    return fmt::format(
        "unknown direction '{}' in model '{}'; DIRECTION is cost, speed or quality "
        "(auto:TIER:DIRECTION)",
        dir_text, model);
  }
  return out;
}

TierChoice choose_tier(const core::AutoConfig& cfg, std::optional<std::size_t> intent,
                       double risk) {
  static constexpr std::string_view kIntents[core::kAutoIntents] = {
      "chat", "trivial_edit", "feature", "refactor", "debug", "test", "high_stakes"};
  if (!intent || *intent >= core::kAutoIntents) {
    return {cfg.default_tier, "no classification: auto.default_tier"};
  }
  TierChoice c{cfg.intents[*intent], fmt::format("intent {}", kIntents[*intent])};
  // Risk only raises: a risky chat question still gets a stronger model, a safe feature keeps
  // its tier.
  if (risk >= cfg.risk_frontier && c.tier != core::AutoTier::Frontier) {
    c = {core::AutoTier::Frontier, fmt::format("risk {:.2f} >= {:.2f}", risk, cfg.risk_frontier)};
  } else if (risk >= cfg.risk_balanced && c.tier == core::AutoTier::Fast) {
    c = {core::AutoTier::Balanced, fmt::format("risk {:.2f} >= {:.2f}", risk, cfg.risk_balanced)};
  }
  return c;
}

std::shared_ptr<const AutoTable> build_auto(const providers::Snapshot& snap) {
  auto table = std::make_shared<AutoTable>();
  const auto& ac = snap.config.autoroute;
  for (std::size_t t = 0; t < core::kAutoTiers; ++t) {
    const auto& tc = ac.tiers[t];
    // (provider, model) pairs in a stable order: providers as configured, their models as listed.
    std::vector<std::pair<const providers::Provider*, std::string>> picked;
    const auto add = [&](const providers::Provider* p, const std::string& m) {
      for (const auto& [pp, mm] : picked) {
        if (pp == p && mm == m) return;
      }
      picked.emplace_back(p, m);
    };
    if (tc.catalog) {
      for (const auto& p : snap.providers) {
        for (const auto& m : p.models) {
          // Embedding models have catalog tiers too but cannot answer a conversation.
          if (m.find("embed") != std::string::npos) continue;
          const auto* info = snap.catalog.find(m);
          if (info && info->tier >= tc.min && info->tier <= tc.max) add(&p, m);
        }
      }
    }
    for (const auto& id : tc.models) {
      const auto slash = id.find('/');
      if (const auto* p = snap.find(std::string_view(id).substr(0, slash))) {
        add(p, id.substr(slash + 1));
      }
    }
    for (std::size_t d = 0; d < core::kAutoDirections; ++d) {
      auto& rc = table->configs_[t][d];
      rc.name = fmt::format("auto:{}:{}", core::to_string(static_cast<core::AutoTier>(t)),
                            core::to_string(static_cast<core::AutoDirection>(d)));
      rc.strategy = core::Strategy::Scored;
      rc.weights = core::auto_weights(ac, static_cast<core::AutoDirection>(d));
      auto route = std::make_unique<Route>();
      route->config = &rc;
      route->positions = picked.size();
      int position = 0;
      for (const auto& [p, model] : picked) {
        for (std::size_t a = 0; a < p->accounts.size(); ++a) {
          Target target;
          target.provider = p;
          target.model = model;
          target.account = a;
          target.position = position;
          target.info = snap.catalog.find(model);
          target.health = &snap.health->get(p->config.name, p->accounts[a].name, model);
          target.name_it();
          route->targets.push_back(std::move(target));
        }
        ++position;
      }
      table->routes_[t][d] = std::move(route);
    }
  }
  return table;
}

}  // namespace sluice::routing
