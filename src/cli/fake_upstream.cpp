// `sluice fake-upstream`: runs the fake LLM provider (src/fake/) on a real HTTP listener until
// SIGINT/SIGTERM. Prints one "fake-upstream listening on http://HOST:PORT" line when ready.

#include <pthread.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "cli/commands.hpp"
#include "core/log.hpp"
#include "fake/fake_server.hpp"
#include "http/server.hpp"

namespace sluice::cli {
namespace {

struct FakeUpstreamArgs {
  std::string listen = "127.0.0.1:4200";
  std::string script;
  int threads = 1;
  std::string require_key;
  bool verbose = false;
};

struct ListenAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};

/// "HOST:PORT" or "[V6]:PORT".
std::optional<ListenAddress> parse_listen(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || value > 65535) {
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

[[noreturn]] void fail(const std::string& message, int code) {
  std::cerr << "sluice fake-upstream: " << message << '\n';
  throw CLI::RuntimeError(code);
}

void run(const FakeUpstreamArgs& args) {
  auto address = parse_listen(args.listen);
  if (!address) {
    fail(
        "--listen must be HOST:PORT (e.g. 127.0.0.1:4200 or [::1]:4200), got '" + args.listen + "'",
        2);
  }
  fake::FakeOptions options;
  options.require_key = args.require_key;
  options.verbose = args.verbose;
  if (!args.script.empty()) {
    auto script = fake::Script::load(args.script);
    if (!script) {
      fail("bad script: " + script.error().message, 2);
    }
    options.script = std::make_shared<const fake::Script>(std::move(*script));
  }
  log::set_access_enabled(false);
  if (!args.verbose) {
    log::set_level("warn");
  }

  auto upstream = std::make_shared<fake::FakeUpstream>(std::move(options));
  http::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  server_options.threads = args.threads;
  server_options.drain_timeout = std::chrono::milliseconds(2'000);  // tests stop it often
  std::unique_ptr<http::Server> server;
  try {
    server = http::Server::create(
        server_options,
        [upstream](http::Request& req, http::ResponseWriter& writer) {
          return upstream->handle(req, writer);
        },
        [upstream](const http::Request& req, int status, std::string_view message) {
          return upstream->local_reply(req, status, message);
        });
  } catch (const std::exception& e) {
    fail("cannot listen on " + args.listen + ": " + e.what(), 1);
  }

  // SIGINT/SIGTERM are blocked in every thread (the server's threads inherit the mask) and taken
  // by sigwait() on one thread, which may then call stop() (not async-signal-safe in a handler).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);  // sent by ourselves to end the waiter
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread signal_thread([&server, &stop_signals] {
    int sig = 0;
    if (sigwait(&stop_signals, &sig) == 0 && sig != SIGUSR1) {
      server->stop();
    }
  });

  const bool v6 = address->host.find(':') != std::string::npos;
  std::printf("fake-upstream listening on http://%s%s%s:%u\n", v6 ? "[" : "", address->host.c_str(),
              v6 ? "]" : "", static_cast<unsigned>(server->port()));
  std::fflush(stdout);

  server->run();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
}

}  // namespace

void add_fake_upstream(CLI::App& app) {
  auto args = std::make_shared<FakeUpstreamArgs>();
  auto* cmd = app.add_subcommand(
      "fake-upstream",
      "Run a fake LLM provider (OpenAI, Anthropic and Gemini wires) for tests and benchmarks");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--script", args->script, "YAML fault script (see docs/fake-upstream.md)");
  cmd->add_option("--threads", args->threads, "event-loop threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--require-key", args->require_key,
                  "answer 401 unless the request carries exactly this API key");
  cmd->add_flag("--verbose", args->verbose, "log one line per request to stderr");
  cmd->callback([args] { run(*args); });
}

}  // namespace sluice::cli
