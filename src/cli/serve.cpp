// sluice serve: load config (file, or discovered from the environment), start the gateway,
// reload on SIGHUP or when the config or policy files change, drain on SIGTERM.

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "audit/checkpointer.hpp"
#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "core/file_watch.hpp"
#include "core/log.hpp"
#include "governance/period.hpp"
#include "intel/learner.hpp"
#include "intel/runtime.hpp"
#include "pipeline/gateway.hpp"
#include "providers/discovery.hpp"
#include "providers/model_discovery.hpp"

namespace sluice::cli {
namespace {

namespace net = boost::asio;

struct ServeOptions {
  std::string config_path;
  std::string listen;
  std::string log_level;
  int threads = -1;
};

audit::Checkpointer::Options checkpoint_options(const core::Config& cfg) {
  audit::Checkpointer::Options o;
  o.every_records = cfg.audit.checkpoint_records;
  o.every = std::chrono::seconds(cfg.audit.checkpoint_seconds);
  return o;
}

/// The audit chain's record of which config is in force (its version is a hash of the file).
store::EventRow config_event(const char* kind, const core::Config& cfg, const std::string& path) {
  return {governance::now_ms(), kind, "config",
          "config " + (path.empty() ? std::string("from the environment") : path) + " version " +
              (cfg.version.empty() ? std::string("defaults") : cfg.version)};
}

bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  try {
    int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

void announce(const core::Config& cfg) {
  if (cfg.providers.empty()) {
    log::warn(
        "no providers: set a provider key (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, "
        "...), start Ollama, or run `sluice init` and pass --config");
  }
  for (const auto& p : cfg.providers) {
    log::info("provider {}", providers::describe(p));
    if (!p.api_key_source.empty() && p.api_key.empty()) {
      log::warn("provider {}: {} is empty or unset; requests to it will carry no key", p.name,
                p.api_key_source);
    }
  }
}

/// Fetches every provider's model list (in parallel, bounded by short timeouts) and publishes a
/// snapshot that includes them. Runs on its own event loop, off the request path.
void discover_models(providers::SnapshotHolder& holder, std::mutex& publish) {
  auto snap = holder.get();
  net::io_context ioc;
  std::vector<std::pair<std::string, std::vector<std::string>>> found;
  for (const auto& p : snap->providers) {
    if (!p.config.discover_models) continue;
    net::co_spawn(
        ioc,
        [&p, &found]() -> net::awaitable<void> {
          auto models = co_await providers::fetch_models(p);  // not in the if: GCC 12 bug
          if (models) {
            log::info("provider {}: {} models discovered", p.config.name, models->size());
            found.emplace_back(p.config.name, std::move(*models));
          }
        },
        net::detached);
  }
  ioc.run();
  std::lock_guard lock(publish);
  auto cur = holder.get();
  if (cur->generation != snap->generation) return;  // a reload raced us; it runs its own discovery
  holder.set(
      providers::make_snapshot(cur->config, found, cur->generation, cur->health, cur->intel));
}

/// The classifier and code graphs the config's `intel:` section names (null without one);
/// nullopt, logged, when the model or the graph database cannot be read.
std::optional<intel::RuntimePtr> make_intel(const core::Config& cfg) {
  if (!cfg.intel) return intel::RuntimePtr{};
  auto rt = intel::Runtime::create(*cfg.intel);
  if (auto* err = std::get_if<std::string>(&rt)) {
    log::error("{}", *err);
    return std::nullopt;
  }
  auto ptr = std::get<intel::RuntimePtr>(std::move(rt));
  log::info("intel: classifying requests{}, {} code graph(s) loaded",
            cfg.intel->classify ? "" : " off", ptr->graphs());
  return ptr;
}

int serve(const ServeOptions& opt) {
  const std::string path = find_config(opt.config_path);
  auto cfg = load_config(path);
  if (!cfg) return 2;
  merge_stored_providers(*cfg);
  if (!opt.listen.empty()) cfg->listen = opt.listen;
  if (opt.threads >= 0) cfg->threads = opt.threads;
  if (!opt.log_level.empty()) cfg->log_level = opt.log_level;
  if (!log::set_level(cfg->log_level)) {
    log::error("unknown log level '{}'", cfg->log_level);
    return 2;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(cfg->listen, host, port)) {
    log::error("listen address '{}' is not HOST:PORT", cfg->listen);
    return 2;
  }
  log::info("config: {}", path.empty() ? std::string("discovered from the environment") : path);
  announce(*cfg);

  http::ServerOptions so;
  so.host = host;
  so.port = port;
  so.threads = cfg->threads;
  so.max_body_bytes = cfg->limits.max_body_bytes;
  so.max_header_bytes = cfg->limits.max_header_bytes;
  so.header_timeout = cfg->limits.header_timeout;
  so.body_timeout = cfg->limits.body_timeout;
  so.idle_timeout = cfg->limits.idle_timeout;
  so.write_timeout = cfg->limits.write_timeout;
  so.drain_timeout = cfg->limits.drain_timeout;

  providers::SnapshotHolder holder;
  std::uint64_t generation = 1;
  auto intel = make_intel(*cfg);
  if (!intel) return 2;
  holder.set(providers::make_snapshot(*cfg, {}, generation, nullptr, *intel));
  std::mutex publish;
  // Discovery threads borrow holder and publish; they are joined before serve() returns. The
  // first starts once the port is bound: an early return below (a port in use, a store that
  // cannot open) must not leave a joinable thread behind, which would abort the process.
  std::vector<std::thread> discovery;

  std::unique_ptr<governance::Governance> governance;
  try {
    governance = std::make_unique<governance::Governance>(*cfg);
  } catch (const std::exception& e) {
    log::error("cannot open the store: {}", e.what());
    return 1;
  }
  log::info("store: {} (auth {})", cfg->store.path,
            governance->auth_required() ? "on" : "off until a key exists or auth: on");
  std::unique_ptr<audit::Checkpointer> checkpointer;
  {
    auto signer = audit::Signer::load_or_create(cfg->store.audit_key_file);
    if (auto* err = std::get_if<std::string>(&signer)) {
      log::error("audit: {}", *err);
      return 1;
    }
    checkpointer = std::make_unique<audit::Checkpointer>(store::open_sqlite(cfg->store.path),
                                                         std::move(std::get<audit::Signer>(signer)),
                                                         checkpoint_options(*cfg));
  }
  governance->ledger().submit(config_event("config_loaded", *cfg, path));
  // Auto routing's outcome statistics, kept across reloads like health (store.path needs a
  // restart anyway).
  std::unique_ptr<intel::Learner> learner;
  try {
    learner = std::make_unique<intel::Learner>(cfg->store.path);
  } catch (const std::exception& e) {
    log::error("cannot open the outcome statistics: {}", e.what());
    return 1;
  }
  pipeline::Gateway gateway(holder, governance.get(), learner.get());
  std::unique_ptr<http::Server> server;
  try {
    server = http::Server::create(
        so, [&gateway](http::Request& r, http::ResponseWriter& w) { return gateway.handle(r, w); },
        [&gateway](const http::Request& r, int s, std::string_view m) {
          return gateway.local_reply(r, s, m);
        });
  } catch (const std::exception& e) {
    log::error("cannot listen on {}: {}", cfg->listen, e.what());
    return 1;
  }
  discovery.emplace_back([&holder, &publish] { discover_models(holder, publish); });

  // One reload at a time, whoever asks: SIGHUP or the file watcher.
  std::mutex reloading;
  const auto reload = [&](std::string_view why) {
    std::lock_guard one(reloading);
    if (path.empty()) {
      log::info("{}: no config file to reload (config came from the environment)", why);
      return;
    }
    // Either failure is logged where it happens (file:line:column, or the unreadable model).
    auto next = load_config(path);
    auto next_intel = next ? make_intel(*next) : std::nullopt;
    if (!next || !next_intel) {
      log::warn("{}: keeping the previous config", why);
      governance->ledger().submit(
          store::EventRow{governance::now_ms(), "config_rejected", "config",
                          "a reload of " + path + " was rejected; see the log"});
      return;
    }
    merge_stored_providers(*next);
    if (!opt.listen.empty()) next->listen = opt.listen;
    if (opt.threads >= 0) next->threads = opt.threads;
    std::lock_guard lock(publish);
    const auto current = holder.get();
    const auto& cur = current->config;
    if (next->store.path != cur.store.path) log::warn("store.path changes take effect on restart");
    if (next->listen != cur.listen || next->threads != cur.threads) {
      log::warn("listen and threads changes take effect on restart");
    }
    governance->reconfigure(*next);
    checkpointer->set_options(checkpoint_options(*next));
    governance->ledger().submit(config_event("config_reloaded", *next, path));
    announce(*next);
    holder.set(providers::make_snapshot(std::move(*next), {}, ++generation, current->health,
                                        std::move(*next_intel)));
    log::info("{}: config reloaded from {} (generation {})", why, path, generation);
    discovery.emplace_back([&holder, &publish] { discover_models(holder, publish); });
  };

  net::io_context signals_ioc;
  net::signal_set signals(signals_ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload("SIGHUP");
      signals.async_wait(on_signal);
      return;
    }
    log::info("signal {}: draining (up to {} ms), no new connections", sig,
              cfg->limits.drain_timeout.count());
    gateway.set_draining();
    server->stop();
  };
  signals.async_wait(on_signal);
  std::thread signal_thread([&] { signals_ioc.run(); });
  std::unique_ptr<core::FileWatcher> watcher;
  if (!path.empty()) {
    watcher = std::make_unique<core::FileWatcher>(
        [&] {
          std::lock_guard lock(publish);
          const auto snap = holder.get();
          const auto& c = snap->config;
          core::WatchSet w{{path}, c.watched_dirs, c.reload.interval, c.reload.watch};
          w.files.insert(w.files.end(), c.watched_files.begin(), c.watched_files.end());
          return w;
        },
        [&] { reload("config files changed"); });
  }

  std::cout << "sluice listening on http://" << host << ":" << server->port() << std::endl;
  log::info("sluice {} listening on {}:{}", SLUICE_VERSION, host, server->port());
  server->run();
  watcher.reset();
  signals_ioc.stop();
  signal_thread.join();
  for (auto& t : discovery) t.join();
  learner.reset();       // its writer commits the pending notes and statistics
  governance.reset();    // the ledger writer commits every row before this returns
  checkpointer->stop();  // and this signs the chain's tail
  log::info("stopped");
  return 0;
}

}  // namespace

void add_serve(CLI::App& app) {
  auto opt = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the gateway");
  cmd->add_option(
      "-c,--config", opt->config_path,
      "YAML config file (default: $SLUICE_CONFIG, ./sluice.yaml, else discover providers "
      "from the environment)");
  cmd->add_option("-l,--listen", opt->listen, "HOST:PORT to listen on (default 127.0.0.1:4100)");
  cmd->add_option("--log-level", opt->log_level, "trace|debug|info|warn|error|off");
  cmd->add_option("--threads", opt->threads, "event loops (0: one per core)");
  cmd->callback([opt] {
    int rc = serve(*opt);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
