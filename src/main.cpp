// sluice: a self-hosted LLM gateway. This file only dispatches to a subcommand in cli/.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sluice: a self-hosted LLM gateway", "sluice"};
  app.set_version_flag("--version", std::string("sluice ") + SLUICE_VERSION);
  app.require_subcommand(1);
  sluice::cli::add_serve(app);
  sluice::cli::add_init(app);
  sluice::cli::add_fake_upstream(app);
  sluice::cli::add_route(app);
  sluice::cli::add_models(app);
  sluice::cli::add_keys(app);
  sluice::cli::add_usage(app);
  sluice::cli::add_providers(app);
  sluice::cli::add_audit(app);
  sluice::cli::add_policy(app);
  sluice::cli::add_skills(app);
  sluice::cli::add_intel(app);
  sluice::cli::add_graph(app);
  sluice::cli::add_council(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
