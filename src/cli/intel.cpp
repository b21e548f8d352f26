// sluice intel train | eval | classify: train the intent classifier on labelled requests, score
// a model on a labelled file, and classify one request body as the gateway would.

#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/auto.hpp"
#include "cli/commands.hpp"
#include "cli/graph_source.hpp"
#include "core/log.hpp"
#include "intel/classifier.hpp"
#include "intel/classifier_risk.hpp"
#include "intel/classifier_train.hpp"
#include "protocol/json_probe.hpp"

namespace sluice::cli {
namespace {

struct TrainCmd {
  std::string data;
  std::string out = "intel-model.bin";
  std::string heldout;
  intel::TrainOptions options;
};

struct ClassifyCmd {
  std::string wire;
  std::string input = "-";
  std::string model;
  bool verbose = false;
  std::string graph;  // code graph database; with --repo (or alone) the blast radius is real
  std::string repo;
};

struct EvalCmd {
  std::string data;
  std::string model;
  bool errors = false;
};

std::optional<intel::Model> load_model(const std::string& named) {
  const std::string path = named.empty() ? intel::default_model_path() : named;
  auto m = intel::Model::load(path);
  if (auto* err = std::get_if<std::string>(&m)) {
    log::error("{}", *err);
    return std::nullopt;
  }
  return std::move(std::get<intel::Model>(m));
}

std::optional<std::vector<intel::LabelledRequest>> load_data(const std::string& path) {
  auto d = intel::load_labelled(path);
  if (auto* err = std::get_if<std::string>(&d)) {
    log::error("{}", *err);
    return std::nullopt;
  }
  return std::move(std::get<std::vector<intel::LabelledRequest>>(d));
}

std::string class_counts(const std::vector<intel::LabelledRequest>& data) {
  std::array<std::size_t, intel::kIntents> n{};
  for (const auto& ex : data) ++n[static_cast<std::size_t>(ex.intent)];
  std::string out;
  for (std::size_t c = 0; c < intel::kIntents; ++c) {
    out += fmt::format("{}{} {}", c == 0 ? "" : ", ",
                       intel::intent_name(static_cast<intel::Intent>(c)), n[c]);
  }
  return out;
}

int run_train(TrainCmd& cmd) {
  const auto data = load_data(cmd.data);
  if (!data) return 2;
  std::optional<std::vector<intel::LabelledRequest>> heldout;
  if (!cmd.heldout.empty() && !(heldout = load_data(cmd.heldout))) return 2;
  std::cout << fmt::format("training on {} requests ({})\n", data->size(), class_counts(*data));
  const bool tty = isatty(STDERR_FILENO) != 0;
  cmd.options.on_epoch = [tty](std::uint32_t epoch, std::uint32_t epochs, double loss) {
    if (tty) {
      std::cerr << fmt::format("\repoch {:>3}/{}  loss {:.4f}", epoch, epochs, loss)
                << (epoch == epochs ? "\n" : "") << std::flush;
    }
  };
  const auto start = std::chrono::steady_clock::now();
  const auto model = intel::train(*data, cmd.options);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::cout << fmt::format("trained in {} ms; accuracy on the training data {:.1f}%\n", ms,
                           100.0 * intel::evaluate(model, *data).accuracy());
  if (auto err = model.save(cmd.out)) {
    log::error("{}", *err);
    return 1;
  }
  std::cout << "model written to " << cmd.out << "\n";
  if (heldout) {
    std::cout << "\nheld-out " << cmd.heldout << ": " << intel::evaluate(model, *heldout).report();
  }
  return 0;
}

int run_eval(const EvalCmd& cmd) {
  const auto model = load_model(cmd.model);
  const auto data = model ? load_data(cmd.data) : std::nullopt;
  if (!data) return 2;
  if (cmd.errors) {
    // Each misclassified request: what it was, what the model said, and the instruction it read.
    for (std::size_t i = 0; i < data->size(); ++i) {
      const auto& ex = (*data)[i];
      const auto p = model->predict(ex.signals);
      if (p.intent == ex.intent) continue;
      std::string text = ex.signals.latest_instruction.substr(0, 110);
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::cout << fmt::format("#{:<5} {:>12} -> {:<12} {:.2f}  {}\n", i + 1,
                               intel::intent_name(ex.intent), intel::intent_name(p.intent),
                               p.probability(p.intent), text);
    }
    std::cout << "\n";
  }
  std::cout << intel::evaluate(*model, *data).report();
  return 0;
}

int run_classify(const ClassifyCmd& cmd) {
  const auto endpoint = intel::endpoint_for_wire(cmd.wire);
  if (!endpoint) {
    log::error("--wire must be anthropic, openai_chat, openai_responses or gemini");
    return 2;
  }
  std::ostringstream ss;
  if (cmd.input == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(cmd.input, std::ios::binary);
    if (!in) {
      log::error("cannot read {}", cmd.input);
      return 2;
    }
    ss << in.rdbuf();
  }
  const std::string body = ss.str();
  // The gateway classifies bodies ingress has validated; here nobody has, so validate first.
  if (const auto probe = protocol::probe_json(body); !probe.valid) {
    log::error("the request body is not valid JSON: {}", probe.error);
    return 2;
  }
  auto extracted = intel::extract_signals(*endpoint, body);
  if (auto* err = std::get_if<core::GatewayError>(&extracted)) {
    log::error("{}", err->message);
    return 2;
  }
  const auto& signals = std::get<intel::RequestSignals>(extracted);
  const auto model = load_model(cmd.model);
  if (!model) return 2;
  const auto p = model->predict(signals);
  std::optional<intel::graph::BlastReport> blast;
  if (!cmd.graph.empty() || !cmd.repo.empty()) {
    auto store = open_graph_store(cmd.graph);
    if (!store) return 2;
    const auto repo = pick_repo(*store, cmd.repo);
    if (!repo) return 2;
    const auto graph = load_graph(*store, *repo);
    if (!graph) return 1;
    blast = graph->blast_radius(signals, intel::graph::Bounds{});
  }
  const auto radius = blast ? std::optional(blast->radius) : std::nullopt;
  std::string blast_json = "null";
  if (blast) {
    blast_json =
        fmt::format(R"({{"dependents":{},"fan_in":{},"sensitive_zone":{})",
                    blast->radius.dependents, blast->radius.fan_in, blast->radius.sensitive_zone);
    if (cmd.verbose) {
      std::string zones;
      for (const auto& z : intel::graph::zone_names(blast->zones)) {
        zones += (zones.empty() ? "" : ",") + protocol::json_quote(z);
      }
      blast_json +=
          fmt::format(R"(,"files_matched":{},"symbols_matched":{},"zones":[{}],"truncated":{})",
                      blast->files_matched, blast->symbols_matched, zones, blast->truncated);
    }
    blast_json += "}";
  }
  // Written by hand: Boost.JSON prints doubles in exponent form (4.49E-1), which reads badly.
  auto strings = [](auto&& items, auto&& get) {
    std::string out = "[";
    for (const auto& x : items) {
      if (out.size() > 1) out += ",";
      out += protocol::json_quote(get(x));
    }
    return out + "]";
  };
  auto path = [](const intel::TouchedFile& f) -> const std::string& { return f.path; };
  auto self = [](const std::string& x) -> const std::string& { return x; };
  std::string out = fmt::format(
      R"({{"intent":"{}","risk":{:.3f},"touched":{{"files":{},"symbols":{}}},"blast_radius":{})",
      intel::intent_name(p.intent), intel::risk(p, signals, radius), strings(signals.files, path),
      strings(signals.symbols, self), blast_json);
  if (cmd.verbose) {
    std::string probs;
    for (std::size_t c = 0; c < intel::kIntents; ++c) {
      probs += fmt::format(R"({}"{}":{:.3f})", c == 0 ? "" : ",",
                           intel::intent_name(static_cast<intel::Intent>(c)), p.probabilities[c]);
    }
    std::vector<std::string> edited, zones;
    for (const auto& f : signals.files) {
      if (f.edited) edited.push_back(f.path);
    }
    for (std::size_t z = 0; z < intel::kZones; ++z) {
      const auto zone = static_cast<intel::Zone>(z);
      if (((p.sensitive.task() | p.sensitive.tests | p.sensitive.earlier) &
           intel::zone_bit(zone)) != 0) {
        zones.emplace_back(intel::zone_name(zone));
      }
    }
    out += fmt::format(
        R"(,"probabilities":{{{}}},"instruction":{},"change_lines":{},"turns":{},"edited":{},"sensitive":{})",
        probs, protocol::json_quote(signals.latest_instruction), signals.change_lines,
        signals.turns, strings(edited, self), strings(zones, self));
  }
  std::cout << out << "}\n";
  return 0;
}

void fail_on(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

}  // namespace

void add_intel(CLI::App& app) {
  auto* intel = app.add_subcommand("intel", "The intent classifier: train, evaluate, classify");
  intel->require_subcommand(1);

  auto train = std::make_shared<TrainCmd>();
  auto* t =
      intel->add_subcommand("train", "Train the intent model on labelled requests (JSON Lines)");
  t->add_option("data", train->data, "Labelled requests: {\"wire\",\"body\",\"intent\"} per line")
      ->required();
  t->add_option("-o,--out", train->out, "Where to write the model")->capture_default_str();
  t->add_option("--heldout", train->heldout, "Labelled requests to score the model on");
  t->add_option("--epochs", train->options.epochs, "Passes over the data")->capture_default_str();
  t->add_option("--seed", train->options.seed, "Shuffling seed")->capture_default_str();
  t->add_option("--learning-rate", train->options.learning_rate, "AdaGrad step")
      ->capture_default_str();
  t->add_option("--l2", train->options.l2, "L2 regularisation")->capture_default_str();
  t->add_option("--high-stakes-threshold", train->options.high_stakes_threshold,
                "Predict high_stakes whenever its probability reaches this")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  t->add_option("--bits", train->options.bits, "log2 of the hashed feature space")
      ->check(CLI::Range(10, 24))
      ->capture_default_str();
  t->callback([train] { fail_on(run_train(*train)); });

  auto eval = std::make_shared<EvalCmd>();
  auto* e = intel->add_subcommand("eval", "Score a model on labelled requests");
  e->add_option("data", eval->data, "Labelled requests (JSON Lines)")->required();
  e->add_option("-m,--model", eval->model, "Model file (default: the shipped model)");
  e->add_flag("--errors", eval->errors,
              "List each misclassified request (number, truth, prediction)");
  e->callback([eval] { fail_on(run_eval(*eval)); });

  auto classify = std::make_shared<ClassifyCmd>();
  auto* c = intel->add_subcommand("classify", "Classify one request body; prints JSON");
  c->add_option("--wire", classify->wire, "anthropic, openai_chat, openai_responses or gemini")
      ->required();
  c->add_option("input", classify->input, "The request body (a file, or - for stdin)")
      ->capture_default_str();
  c->add_option("-m,--model", classify->model, "Model file (default: the shipped model)");
  c->add_flag("-v,--verbose", classify->verbose,
              "Also print the class probabilities and what was read from the request");
  c->add_option("--graph", classify->graph,
                "Code graph database (`sluice index`): adds the touched files' blast radius");
  c->add_option("--repo", classify->repo,
                "Repository in the graph (default: the only one, or the one holding the current "
                "folder)");
  c->callback([classify] { fail_on(run_classify(*classify)); });

  auto stats = std::make_shared<OutcomeStatsOptions>();
  auto* st = intel->add_subcommand(
      "stats", "What auto routing has learned: outcomes and traffic share per (intent, model)");
  st->add_option("--db", stats->db, "The gateway's database (default: the config's store.path)");
  st->add_option("-c,--config", stats->config_path, "Config file whose store to read");
  st->add_flag("--json", stats->json, "Print JSON");
  st->callback([stats] { fail_on(print_outcome_stats(*stats)); });
}

}  // namespace sluice::cli
