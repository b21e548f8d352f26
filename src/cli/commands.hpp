#pragma once
// One function per subcommand; main.cpp registers them all. Each adds its CLI11 subcommand with
// its options and a callback that runs it.

namespace CLI {
class App;
}

namespace sluice::cli {

void add_serve(CLI::App& app);
void add_init(CLI::App& app);
void add_fake_upstream(CLI::App& app);
void add_route(CLI::App& app);
void add_models(CLI::App& app);
void add_keys(CLI::App& app);
void add_usage(CLI::App& app);
void add_providers(CLI::App& app);
void add_audit(CLI::App& app);
void add_policy(CLI::App& app);
void add_skills(CLI::App& app);
void add_intel(CLI::App& app);
void add_graph(CLI::App& app);
void add_council(CLI::App& app);

}  // namespace sluice::cli
