// sluice init: write a commented example config to start from.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/example_config.hpp"

namespace sluice::cli {

void add_init(CLI::App& app) {
  auto path = std::make_shared<std::string>("sluice.yaml");
  auto force = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("init", "Write a commented example config file");
  cmd->add_option("path", *path, "where to write it (default ./sluice.yaml)");
  cmd->add_flag("-f,--force", *force, "overwrite an existing file");
  cmd->callback([path, force] {
    if (std::filesystem::exists(*path) && !*force) {
      std::cerr << *path << " exists; pass --force to overwrite it\n";
      throw CLI::RuntimeError(1);
    }
    std::ofstream out(*path);
    out << kExampleConfig;
    if (!out) {
      std::cerr << "cannot write " << *path << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "wrote " << *path << "; start with: sluice serve --config " << *path << "\n";
  });
}

}  // namespace sluice::cli
