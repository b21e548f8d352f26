// sluice council show REQUEST_ID: a request's council (docs/council.md) as the store keeps it —
// who reviewed the answer, what each said and cost, and what the council decided. Reads the
// same database as the gateway (--config, or --db for a database file directly).

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "store/store.hpp"

namespace sluice::cli {
namespace {

namespace json = boost::json;

struct CouncilOptions {
  std::string config_path;
  std::string db;
  std::string request_id;
  bool json = false;
};

std::string text(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v || v->is_null()) return "-";
  return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
}

void print(const json::object& c) {
  std::cout << fmt::format("request   {}  ({}, {} wire)\n", text(c, "request_id"), text(c, "time"),
                           text(c, "wire"));
  std::cout << fmt::format("council   {} mode, k {}, rule {}; why: {}\n", text(c, "mode"),
                           text(c, "k"), text(c, "rule"), text(c, "trigger"));
  if (const auto* k = c.if_contains("key"); k && k->is_object()) {
    const auto& ko = k->get_object();
    std::cout << fmt::format("caller    key {} ({}), user {}, team {}\n", text(ko, "name"),
                             text(ko, "id"), text(ko, "user"), text(ko, "team"));
  }
  if (const auto* p = c.if_contains("primary"); p && p->is_object()) {
    std::cout << fmt::format("answered  {} at {}; intent {}, risk {}\n",
                             text(p->get_object(), "model"), text(p->get_object(), "provider"),
                             text(c, "intent"), text(c, "risk"));
  }
  std::cout << fmt::format("status    {}; decision {}; delivered {}\n", text(c, "status"),
                           text(c, "decision"), text(c, "delivered"));
  std::cout << fmt::format("cost      ${} (charged to the caller's key, marked council)\n",
                           text(c, "cost_usd"));
  if (const auto* rs = c.if_contains("reviewers"); rs && rs->is_array()) {
    int i = 0;
    for (const auto& x : rs->get_array()) {
      if (!x.is_object()) continue;
      const auto& r = x.get_object();
      std::cout << fmt::format("reviewer {} {} ({} at {}): {} {}, {} ms, ${}, call {}\n", ++i,
                               text(r, "name"), text(r, "model"), text(r, "provider"),
                               text(r, "status"), text(r, "verdict"), text(r, "latency_ms"),
                               text(r, "cost_usd"), text(r, "request_id"));
      if (const auto* e = r.if_contains("error"); e && e->is_string()) {
        std::cout << "           error: " << e->get_string().c_str() << "\n";
      }
      if (const auto* reasons = r.if_contains("reasons"); reasons && reasons->is_array()) {
        for (const auto& s : reasons->get_array()) {
          if (s.is_string()) std::cout << "           - " << s.get_string().c_str() << "\n";
        }
      }
    }
  }
}

int show(const CouncilOptions& o) {
  std::string db = o.db;
  if (db.empty()) {
    auto cfg = load_config(find_config(o.config_path));
    if (!cfg) return 2;
    db = cfg->store.path;
  }
  std::optional<store::CouncilRow> row;
  try {
    row = store::open_sqlite(db)->find_council(o.request_id);
  } catch (const std::exception& e) {
    std::cerr << "sluice council show: " << e.what() << "\n";
    return 1;
  }
  if (!row) {
    std::cerr << "sluice council show: no council for request " << o.request_id
              << " (a council still pending is only visible at GET /admin/council/" << o.request_id
              << ")\n";
    return 1;
  }
  if (o.json) {
    std::cout << row->detail << "\n";
    return 0;
  }
  boost::system::error_code ec;
  auto v = json::parse(row->detail, ec);
  if (ec || !v.is_object()) {
    std::cerr << "sluice council show: the stored record is not JSON\n";
    return 1;
  }
  print(v.get_object());
  return 0;
}

}  // namespace

void add_council(CLI::App& app) {
  auto o = std::make_shared<CouncilOptions>();
  auto* cmd = app.add_subcommand("council", "Read the reviews of answers (the council)");
  cmd->require_subcommand(1);
  auto* s = cmd->add_subcommand("show", "One request's council: reviewers, verdicts, cost");
  s->add_option("-c,--config", o->config_path, "config file (names the store)");
  s->add_option("--db", o->db, "the SQLite database to read instead of the config's");
  s->add_option("request_id", o->request_id, "the x-sluice-request-id of the reviewed request")
      ->required();
  s->add_flag("--json", o->json, "the record as JSON (as GET /admin/council/{id} answers)");
  s->callback([o] {
    const int rc = show(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
