// sluice audit: verify the chain (the database, or an export with only the public key), export
// it as JSON Lines or CSV, show one request's decision path, print the public key, and hash a
// request body's prompt the way the gateway does. docs/audit.md is the manual.

#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "audit/export_format.hpp"
#include "audit/prompt_hash.hpp"
#include "audit/signer.hpp"
#include "audit/verifier.hpp"
#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "cli/time_arg.hpp"
#include "governance/credentials.hpp"
#include "governance/period.hpp"
#include "protocol/wire.hpp"
#include "store/audit_chain.hpp"
#include "store/store.hpp"

namespace sluice::cli {
namespace {

struct AuditOptions {
  std::string config_path;
  std::string since, until;
  std::string public_key_file;
  std::string file;  // verify: an export instead of the database
  std::string format = "jsonl";
  std::string output;
  std::string request_id;
  std::string wire = "openai_chat";
  bool json = false;
  bool content = false;
};

/// A progress line on a terminal for long work; silent when stderr is not a terminal.
class Progress {
 public:
  Progress(std::string what, std::int64_t total)
      : what_(std::move(what)), total_(total), on_(::isatty(2) == 1) {}
  void tick(std::int64_t done) {
    if (!on_ || done % 5000 != 0) return;
    show(done);
  }
  void finish(std::int64_t done) {
    if (!on_) return;
    show(done);
    std::cerr << "\n";
  }

 private:
  void show(std::int64_t done) {
    const int pct = total_ > 0 ? static_cast<int>(100 * done / total_) : 100;
    const int bar = pct / 5;
    std::cerr << fmt::format("\r{} [{:<20}] {:>3}% {}/{} records", what_, std::string(bar, '#'),
                             pct, done, total_)
              << std::flush;
  }
  std::string what_;
  std::int64_t total_;
  bool on_;
};

struct Range {
  std::int64_t first = 1;
  std::int64_t last = 0;
};

/// The seq range for --since/--until (records are near time order; see docs/audit.md).
std::optional<Range> range_of(store::Store& db, const AuditOptions& o) {
  const auto now = governance::now_ms();
  Range r;
  r.last = db.audit_tail().seq;
  if (!o.since.empty()) {
    auto t = parse_time(o.since, now);
    if (!t) return std::nullopt;
    r.first = db.audit_seq_at(*t);
  }
  if (!o.until.empty()) {
    auto t = parse_time(o.until, now);
    if (!t) return std::nullopt;
    r.last = db.audit_seq_at(*t) - 1;
  }
  return r;
}

/// The trusted public key: --public-key, else this installation's signing key.
std::optional<std::string> trusted_key(const AuditOptions& o, const core::Config* cfg) {
  if (!o.public_key_file.empty()) {
    auto k = audit::read_public_key_file(o.public_key_file);
    if (k.index() == 1) {
      std::cerr << "sluice audit: " << std::get<1>(k) << "\n";
      return std::nullopt;
    }
    return std::get<0>(k);
  }
  if (cfg) {
    auto s = audit::Signer::load(cfg->store.audit_key_file);
    if (auto* signer = std::get_if<audit::Signer>(&s)) return signer->public_key_hex();
  }
  return std::string();
}

int report(const audit::VerifyReport& r, bool json) {
  if (json) {
    boost::json::object o{{"ok", r.ok()},
                          {"first_seq", r.first_seq},
                          {"last_seq", r.last_seq},
                          {"records", r.records},
                          {"checkpoints", r.checkpoints},
                          {"unsigned_tail", r.unsigned_tail},
                          {"signatures_checked", r.signatures_checked}};
    if (r.problem) {
      o["problem"] = {
          {"seq", r.problem->seq}, {"kind", r.problem->kind}, {"message", r.problem->message}};
    }
    std::cout << boost::json::serialize(o) << "\n";
    return r.ok() ? 0 : 1;
  }
  if (!r.ok()) {
    std::cout << "audit chain BROKEN at record " << r.problem->seq << " (" << r.problem->kind
              << "): " << r.problem->message << "\n";
    return 1;
  }
  std::cout << fmt::format("audit chain OK: {} records ({}..{}), {} signed checkpoints verified",
                           r.records, r.first_seq, r.last_seq, r.checkpoints);
  if (!r.signatures_checked) std::cout << " (signatures NOT checked: no public key)";
  std::cout << "\n";
  if (r.unsigned_tail > 0) {
    std::cout << fmt::format(
        "note: the last {} records are after the last checkpoint: protected by the chain only\n",
        r.unsigned_tail);
  }
  return 0;
}

/// Calls `fn` with each parsed line of an export; false (with the error printed) on a line that
/// is not sluice-audit/v1 or when `fn` says stop.
bool each_export_line(const std::string& file, const std::function<bool(audit::ExportLine&)>& fn) {
  std::ifstream in(file);
  if (!in) {
    std::cerr << "sluice audit verify: cannot read " << file << "\n";
    return false;
  }
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto parsed = audit::parse_export_line(line);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      std::cerr << file << ":" << n << ": " << *err << "\n";
      return false;
    }
    if (!fn(std::get<audit::ExportLine>(parsed))) break;
  }
  return true;
}

int verify_export(const AuditOptions& o, const std::string& key) {
  // Two passes: the header and the checkpoints first (a few lines; a checkpoint follows the
  // record it signs), then the records streamed through the verifier, so an export of months
  // is never held in memory.
  std::optional<audit::ExportHeader> header;
  std::vector<store::AuditCheckpoint> cps;
  std::int64_t records = 0;
  const bool read = each_export_line(o.file, [&](audit::ExportLine& l) {
    if (auto* h = std::get_if<audit::ExportHeader>(&l)) header = *h;
    if (auto* c = std::get_if<store::AuditCheckpoint>(&l)) cps.push_back(*c);
    if (std::holds_alternative<store::AuditRow>(l)) ++records;
    return true;
  });
  if (!read) return 2;
  if (!header) {
    std::cerr << o.file << ": no sluice-audit/v1 header line\n";
    return 2;
  }
  std::int64_t prev_seq = 0;
  std::string prev_hash(store::kAuditGenesis);
  if (header->anchor) {
    if (!key.empty() && !audit::verify_checkpoint(*header->anchor, key)) {
      std::cout << "audit chain BROKEN at record " << header->anchor->seq
                << " (checkpoint): the export's anchor is not signed by the trusted key\n";
      return 1;
    }
    prev_seq = header->anchor->seq;
    prev_hash = header->anchor->hash;
  }
  audit::ChainVerifier v(key, prev_seq, prev_hash);
  for (const auto& c : cps) v.add_checkpoint(c);
  Progress progress("verify", records);
  std::int64_t done = 0;
  each_export_line(o.file, [&](audit::ExportLine& l) {
    auto* r = std::get_if<store::AuditRow>(&l);
    if (!r) return true;
    progress.tick(++done);
    return v.feed(*r);
  });
  progress.finish(done);
  return report(v.finish(), o.json);
}

int verify(const AuditOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (o.file.empty() && !cfg) return 2;
  auto key = trusted_key(o, cfg ? &*cfg : nullptr);
  if (!key) return 2;
  if (!o.file.empty()) return verify_export(o, *key);
  auto db = store::open_sqlite(cfg->store.path);
  auto range = range_of(*db, o);
  if (!range) {
    std::cerr << "sluice audit verify: --since/--until take 2026-11-01, "
                 "2026-11-01T12:00:00Z or a duration ago such as 7d\n";
    return 2;
  }
  // Start from the last signed checkpoint before the range (its hash is trusted once its
  // signature checks), else from the beginning of the chain.
  std::int64_t prev_seq = 0;
  std::string prev_hash(store::kAuditGenesis);
  if (range->first > 1) {
    auto before = db->audit_checkpoints(1, range->first - 1);
    for (auto it = before.rbegin(); it != before.rend(); ++it) {
      if (key->empty() || audit::verify_checkpoint(*it, *key)) {
        prev_seq = it->seq;
        prev_hash = it->hash;
        break;
      }
    }
  }
  audit::ChainVerifier v(*key, prev_seq, prev_hash);
  for (const auto& c : db->audit_checkpoints(prev_seq + 1, range->last)) v.add_checkpoint(c);
  if (o.until.empty()) {
    // Checkpoints past the end of the chain mean records were cut from its end.
    for (const auto& c : db->audit_checkpoints(range->last + 1, INT64_MAX)) v.add_checkpoint(c);
  }
  Progress progress("verify", range->last - prev_seq);
  std::int64_t done = 0;
  db->scan_audit(prev_seq + 1, range->last, [&](const store::AuditRow& r) {
    progress.tick(++done);
    return v.feed(r);
  });
  progress.finish(done);
  return report(v.finish(), o.json);
}

int export_chain(const AuditOptions& o) {
  if (o.format != "jsonl" && o.format != "csv") {
    std::cerr << "sluice audit export: --format is jsonl or csv\n";
    return 2;
  }
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  auto db = store::open_sqlite(cfg->store.path);
  auto range = range_of(*db, o);
  if (!range) {
    std::cerr << "sluice audit export: bad --since/--until\n";
    return 2;
  }
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output);
    if (!file) {
      std::cerr << "sluice audit export: cannot write " << o.output << "\n";
      return 2;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  std::optional<store::AuditCheckpoint> anchor;
  if (range->first > 1) {
    auto before = db->audit_checkpoints(1, range->first - 1);
    if (!before.empty()) anchor = before.back();
    // Without a checkpoint before the range, the export starts at record 1 so that it can be
    // verified from the genesis hash.
    range->first = anchor ? anchor->seq + 1 : 1;
  }
  auto signer = audit::Signer::load(cfg->store.audit_key_file);
  const std::string pk = std::holds_alternative<audit::Signer>(signer)
                             ? std::get<audit::Signer>(signer).public_key_hex()
                             : "";
  const auto cps = db->audit_checkpoints(range->first, range->last);
  std::size_t next_cp = 0;
  out << (o.format == "csv" ? audit::csv_header() : audit::header_line(anchor, pk));
  Progress progress("export", range->last - range->first + 1);
  std::int64_t done = 0;
  db->scan_audit(range->first, range->last, [&](const store::AuditRow& r) {
    out << (o.format == "csv" ? audit::csv_record(r) : audit::record_line(r));
    while (next_cp < cps.size() && cps[next_cp].seq <= r.seq) {
      const auto& c = cps[next_cp++];
      out << (o.format == "csv" ? audit::csv_checkpoint(c) : audit::checkpoint_line(c));
    }
    progress.tick(++done);
    return static_cast<bool>(out);
  });
  progress.finish(done);
  out.flush();
  return out ? 0 : 1;
}

/// The prompt and answer of a record written with audit.store_content: encrypted, unsealed with
/// the master key (bound to the request id: a sealed text moved to another record does not open).
int show_content(const core::Config& cfg, const store::AuditRow& r) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(r.record, ec);
  const auto* content = ec ? nullptr : v.as_object().if_contains("content");
  if (!content || !content->is_object()) {
    std::cerr << "sluice audit show: request " << r.request_id
              << " has no stored content (audit.store_content was none)\n";
    return 1;
  }
  auto key = governance::load_master_key(cfg.store.master_key_file);
  if (auto* err = std::get_if<std::string>(&key)) {
    std::cerr << "sluice audit show: " << *err << "\n";
    return 1;
  }
  const auto& mk = std::get<governance::MasterKey>(key);
  const auto& c = content->get_object();
  const std::pair<const char*, std::string> parts[] = {
      {"prompt", "audit:" + r.request_id}, {"response", "audit-response:" + r.request_id}};
  for (const auto& [name, context] : parts) {
    const auto* sealed = c.if_contains(name);
    auto text = sealed && sealed->is_string()
                    ? governance::unseal(mk, sealed->get_string(), context)
                    : std::nullopt;
    if (!text) {
      std::cerr << "sluice audit show: the " << name
                << " does not open with this master key (altered, moved or another key)\n";
      return 1;
    }
    std::cout << "--- " << name << "\n" << *text << "\n";
  }
  return 0;
}

int show(const AuditOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  store::AuditQuery q;
  q.request_id = o.request_id;
  q.kind = "request";  // its council's record (sluice council show) has the same id
  q.limit = 1;
  auto rows = store::open_sqlite(cfg->store.path)->audit_rows(q);
  if (rows.empty()) {
    std::cerr << "sluice audit show: no audit record for request " << o.request_id << "\n";
    return 1;
  }
  const auto& r = rows.front();
  if (o.content) return show_content(*cfg, r);
  if (o.json) {
    std::cout << r.record << "\n";
    return 0;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(r.record, ec);
  const auto& rec = v.as_object();
  auto text = [&](const boost::json::object& obj, std::string_view k) -> std::string {
    const auto* x = obj.if_contains(k);
    if (!x || x->is_null()) return "-";
    return x->is_string() ? std::string(x->get_string()) : boost::json::serialize(*x);
  };
  std::cout << fmt::format("request   {}  (audit record {}, {})\n", r.request_id, r.seq,
                           governance::iso8601(r.time_ms));
  if (const auto* k = rec.if_contains("key"); k && k->is_object()) {
    const auto& ko = k->get_object();
    std::cout << fmt::format("caller    key {} ({}), user {}, team {}, project {}\n",
                             text(ko, "name"), text(ko, "id"), text(ko, "user"), text(ko, "team"),
                             text(ko, "project"));
  } else {
    std::cout << "caller    no key (auth off)\n";
  }
  std::cout << fmt::format("asked     {} on the {} wire{}\n", text(rec, "requested_model"),
                           text(rec, "wire"), text(rec, "stream") == "true" ? ", streamed" : "");
  std::cout << fmt::format("route     {}\n", text(rec, "route"));
  if (const auto* d = rec.if_contains("decisions"); d && d->is_array()) {
    for (const auto& x : d->get_array()) {
      std::cout << "decision  " << (x.is_string() ? std::string(x.get_string()) : "") << "\n";
    }
  }
  if (const auto* a = rec.if_contains("attempts"); a && a->is_array()) {
    int i = 0;
    for (const auto& x : a->get_array()) {
      const auto& ao = x.as_object();
      std::cout << fmt::format("attempt {} {} -> {} (status {}, {} ms)\n", ++i, text(ao, "target"),
                               text(ao, "outcome"), text(ao, "status"), text(ao, "ms"));
    }
  }
  std::cout << fmt::format("served by {} at {}\n", text(rec, "model"), text(rec, "provider"));
  std::cout << fmt::format("outcome   {} (status {}), budget {}\n", text(rec, "decision"),
                           text(rec, "status"), text(rec, "budget_state"));
  if (const auto* u = rec.if_contains("usage"); u && u->is_object()) {
    const auto& uo = u->get_object();
    std::cout << fmt::format("usage     {} in, {} out, {} cached; cost ${}{}\n", text(uo, "input"),
                             text(uo, "output"), text(uo, "cache_read"), text(rec, "cost_usd"),
                             text(rec, "cost_estimated") == "true" ? " (estimated)" : "");
  }
  std::cout << fmt::format("latency   {} ms (first byte {} ms); config {}\n",
                           text(rec, "latency_ms"), text(rec, "ttfb_ms"),
                           text(rec, "config_version"));
  std::cout << fmt::format("prompt    sha256 {}\nanswer    sha256 {}\nchain     {}\n",
                           text(rec, "prompt_sha256"), text(rec, "response_sha256"), r.hash);
  return 0;
}

int prompt_hash(const AuditOptions& o) {
  std::optional<protocol::Endpoint> ep;
  if (o.wire == "openai_chat") ep = protocol::Endpoint::ChatCompletions;
  if (o.wire == "openai_responses") ep = protocol::Endpoint::Responses;
  if (o.wire == "anthropic") ep = protocol::Endpoint::Messages;
  if (o.wire == "gemini") ep = protocol::Endpoint::GenerateContent;
  if (!ep) {
    std::cerr << "sluice audit prompt-hash: --wire is openai_chat, openai_responses, anthropic "
                 "or gemini\n";
    return 2;
  }
  std::stringstream ss;
  if (o.file.empty() || o.file == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(o.file);
    if (!in) {
      std::cerr << "sluice audit prompt-hash: cannot read " << o.file << "\n";
      return 2;
    }
    ss << in.rdbuf();
  }
  std::cout << audit::prompt_sha256(*ep, ss.str()) << "\n";
  return 0;
}

void run(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

}  // namespace

void add_audit(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  auto* cmd = app.add_subcommand("audit", "Verify, export and read the tamper-evident audit log");
  cmd->require_subcommand(1);
  auto config = [&](CLI::App* c) {
    c->add_option("-c,--config", o->config_path, "config file (names the store)");
  };
  auto range = [&](CLI::App* c) {
    c->add_option("--since", o->since, "from (2026-11-01, 2026-11-01T12:00:00Z, or 7d ago)");
    c->add_option("--until", o->until, "until (exclusive), same forms");
  };

  auto* v = cmd->add_subcommand("verify", "Check the hash chain and the signed checkpoints");
  config(v);
  range(v);
  v->add_option("--public-key", o->public_key_file,
                "trusted Ed25519 public key file (default: this installation's)");
  v->add_option("--file", o->file, "verify a sluice-audit/v1 export instead of the database");
  v->add_flag("--json", o->json, "machine-readable result");
  v->callback([o] { run(verify(*o)); });

  auto* e = cmd->add_subcommand("export", "Stream records and checkpoints (JSON Lines or CSV)");
  config(e);
  range(e);
  e->add_option("--format", o->format, "jsonl (verifiable) or csv");
  e->add_option("-o,--output", o->output, "file to write (default: standard output)");
  e->callback([o] { run(export_chain(*o)); });

  auto* s = cmd->add_subcommand("show", "One request's decision path");
  config(s);
  s->add_option("request_id", o->request_id, "the x-sluice-request-id")->required();
  s->add_flag("--json", o->json, "the record itself");
  s->add_flag(
      "--content", o->content,
      "the stored prompt and answer (audit.store_content: encrypted; needs the master key)");
  s->callback([o] { run(show(*o)); });

  auto* p = cmd->add_subcommand("public-key", "Print the public key auditors verify with");
  config(p);
  p->callback([o] {
    auto cfg = load_config(find_config(o->config_path));
    if (!cfg) run(2);
    auto signer = audit::Signer::load(cfg->store.audit_key_file);
    if (auto* err = std::get_if<std::string>(&signer)) {
      std::cerr << "sluice audit public-key: " << *err << "\n";
      run(1);
    }
    std::cout << std::get<audit::Signer>(signer).public_key_hex() << "\n";
  });

  auto* h = cmd->add_subcommand("prompt-hash", "prompt_sha256 of a request body, as audited");
  h->add_option("--wire", o->wire, "openai_chat | openai_responses | anthropic | gemini");
  h->add_option("file", o->file, "request body (default: standard input)");
  h->callback([o] { run(prompt_hash(*o)); });
}

}  // namespace sluice::cli
