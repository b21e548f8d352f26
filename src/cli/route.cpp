// sluice route MODEL: how a model name would be served, without calling any upstream: alias ->
// route -> candidates with every policy's score, health, exclusions, and the first choice.
// The running gateway's live view (with its health) is GET /admin/route.

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

#include "cli/auto.hpp"
#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "core/log.hpp"
#include "routing/auto_table.hpp"
#include "routing/explain.hpp"

namespace sluice::cli {
namespace {

struct RouteOptions {
  std::string model;
  std::string config_path;
  std::string prompt;
  std::string wire = "openai";
  std::uint64_t max_tokens = 0;
  bool tools = false;
  bool vision = false;
  bool json_output_format = false;
  bool reasoning = false;
  bool json = false;
  std::string tier;       // auto only
  std::string direction;  // auto only
};

int run_route(const RouteOptions& o) {
  if (routing::is_auto_name(o.model)) {
    AutoExplainOptions a{o.config_path, o.prompt, o.tier, o.direction};
    if (o.model != "auto") {
      const auto parsed = routing::parse_auto_name(o.model);
      if (const auto* msg = std::get_if<std::string>(&parsed)) {
        log::error("{}", *msg);
        return 2;
      }
      const auto& n = std::get<routing::AutoName>(parsed);
      if (n.tier && a.tier.empty()) a.tier = std::string(core::to_string(*n.tier));
      if (n.direction && a.direction.empty()) {
        a.direction = std::string(core::to_string(*n.direction));
      }
    }
    return explain_auto(a);
  }
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  auto wire = protocol::family_from_string(o.wire);
  if (!wire) {
    log::error("--wire must be openai, anthropic or gemini");
    return 2;
  }
  auto snap = providers::make_snapshot(std::move(*cfg));
  routing::ExplainQuery q;
  q.model = o.model;
  q.wire = *wire;
  std::uint8_t needs = 0;
  if (o.tools) needs |= core::kTools;
  if (o.vision) needs |= core::kVision;
  if (o.json_output_format) needs |= core::kJson;
  if (o.reasoning) needs |= core::kReasoning;
  q.traits = routing::traits_for(o.prompt, needs, o.max_tokens);
  const auto e = routing::explain(*snap, q);
  std::cout << (o.json ? boost::json::serialize(e) + "\n" : routing::explain_text(e));
  return e.contains("error") ? 1 : 0;
}

}  // namespace

void add_route(CLI::App& app) {
  auto opt = std::make_shared<RouteOptions>();
  auto* cmd =
      app.add_subcommand("route", "Explain how a model name is routed (no upstream is called)");
  cmd->add_option("model", opt->model, "The model name a client would send")->required();
  cmd->add_option("-c,--config", opt->config_path,
                  "Config file (default: $SLUICE_CONFIG, ./sluice.yaml, or the environment)");
  cmd->add_option("--prompt", opt->prompt, "Prompt text, to size the request");
  cmd->add_option("--max-tokens", opt->max_tokens, "Requested max output tokens");
  cmd->add_flag("--tools", opt->tools, "The request carries tools");
  cmd->add_flag("--vision", opt->vision, "The request carries images");
  cmd->add_flag("--json-mode", opt->json_output_format, "The request asks for JSON output");
  cmd->add_flag("--reasoning", opt->reasoning, "The request asks for reasoning");
  cmd->add_option("--wire", opt->wire, "The client's wire: openai, anthropic or gemini");
  cmd->add_flag("--json", opt->json, "Print the explanation as JSON (as GET /admin/route)");
  cmd->add_option("--tier", opt->tier, "auto only: force the tier (fast, balanced, frontier)");
  cmd->add_option("--direction", opt->direction, "auto only: cost, speed or quality");
  cmd->callback([opt] {
    const int rc = run_route(*opt);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
