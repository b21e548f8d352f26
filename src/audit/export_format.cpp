#include "audit/export_format.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/canonical_json.hpp"
#include "governance/period.hpp"
#include "store/audit_block.hpp"

namespace sluice::audit {
namespace {

namespace bj = boost::json;

bj::object checkpoint_object(const store::AuditCheckpoint& c) {
  return {{"seq", c.seq},
          {"hash", c.hash},
          {"time_ms", c.time_ms},
          {"public_key", c.public_key},
          {"signature", c.signature}};
}

std::optional<store::AuditCheckpoint> checkpoint_from(const bj::object& o) {
  store::AuditCheckpoint c;
  const auto* seq = o.if_contains("seq");
  const auto* hash = o.if_contains("hash");
  const auto* time = o.if_contains("time_ms");
  const auto* pk = o.if_contains("public_key");
  const auto* sig = o.if_contains("signature");
  if (!seq || !seq->is_int64() || !hash || !hash->is_string() || !time || !time->is_int64() ||
      !pk || !pk->is_string() || !sig || !sig->is_string()) {
    return std::nullopt;
  }
  return store::AuditCheckpoint{seq->get_int64(), std::string(hash->get_string()),
                                time->get_int64(), std::string(pk->get_string()),
                                std::string(sig->get_string())};
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The few record fields a spreadsheet wants that are not columns.
std::string field(const bj::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->get_string());
  return bj::serialize(*v);
}

}  // namespace

std::string header_line(const std::optional<store::AuditCheckpoint>& anchor,
                        const std::string& public_key) {
  bj::object o{{"type", "header"}, {"format", "sluice-audit/v1"}, {"public_key", public_key}};
  o["anchor"] = anchor ? bj::value(checkpoint_object(*anchor)) : bj::value(nullptr);
  return bj::serialize(o) + "\n";
}

std::string record_line(const store::AuditRow& row) {
  // The record is already canonical JSON; it is embedded as is.
  return R"({"type":"record","seq":)" + std::to_string(row.seq) + R"(,"hash":")" + row.hash +
         R"(","record":)" + row.record + "}\n";
}

std::string checkpoint_line(const store::AuditCheckpoint& c) {
  auto o = checkpoint_object(c);
  o["type"] = "checkpoint";
  return bj::serialize(o) + "\n";
}

std::string csv_header() {
  return "type,seq,time,kind,request_id,key_id,user,team,model,provider,status,decision,"
         "cost_usd,input_tokens,output_tokens,prompt_sha256,response_sha256,hash,signature\n";
}

std::string csv_record(const store::AuditRow& row) {
  boost::system::error_code ec;
  const auto v = bj::parse(row.record, ec);
  const bj::object empty;
  const auto& o = !ec && v.is_object() ? v.get_object() : empty;
  std::string in, out;
  if (const auto* u = o.if_contains("usage"); u && u->is_object()) {
    in = field(u->get_object(), "input");
    out = field(u->get_object(), "output");
  }
  std::string line = "record," + std::to_string(row.seq) + "," + governance::iso8601(row.time_ms);
  for (std::string_view f :
       {std::string_view(row.kind), std::string_view(row.request_id), std::string_view(row.key_id),
        std::string_view(row.user), std::string_view(row.team), std::string_view(row.model),
        std::string_view(row.provider)}) {
    line += "," + csv_field(f);
  }
  line += "," + std::to_string(row.status) + "," + csv_field(row.decision) + "," +
          field(o, "cost_usd") + "," + in + "," + out + "," + field(o, "prompt_sha256") + "," +
          field(o, "response_sha256") + "," + row.hash + ",\n";
  return line;
}

std::string csv_checkpoint(const store::AuditCheckpoint& c) {
  return "checkpoint," + std::to_string(c.seq) + "," + governance::iso8601(c.time_ms) +
         ",,,,,,,,,,,,,,," + c.hash + "," + c.signature + "\n";
}

std::variant<ExportLine, std::string> parse_export_line(std::string_view line) {
  boost::system::error_code ec;
  const auto v = bj::parse(line, ec);
  if (ec || !v.is_object()) return std::string("not a JSON object");
  const auto& o = v.get_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) return std::string("no \"type\"");
  const auto t = type->get_string();
  if (t == "header") {
    const auto* format = o.if_contains("format");
    if (!format || !format->is_string() || format->get_string() != "sluice-audit/v1") {
      return std::string("not a sluice-audit/v1 export");
    }
    ExportHeader h;
    if (const auto* a = o.if_contains("anchor"); a && a->is_object()) {
      h.anchor = checkpoint_from(a->get_object());
      if (!h.anchor) return std::string("malformed anchor");
    }
    if (const auto* pk = o.if_contains("public_key"); pk && pk->is_string()) {
      h.public_key = std::string(pk->get_string());
    }
    return ExportLine(std::move(h));
  }
  if (t == "checkpoint") {
    auto c = checkpoint_from(o);
    if (!c) return std::string("malformed checkpoint");
    return ExportLine(std::move(*c));
  }
  if (t != "record") return "unknown type \"" + std::string(t) + "\"";
  const auto* seq = o.if_contains("seq");
  const auto* hash = o.if_contains("hash");
  const auto* rec = o.if_contains("record");
  if (!seq || !seq->is_int64() || !hash || !hash->is_string() || !rec || !rec->is_object()) {
    return std::string("malformed record");
  }
  store::AuditRow row;
  row.seq = seq->get_int64();
  row.hash = std::string(hash->get_string());
  row.record = core::canonical_json(*rec);
  // The filter fields are not in an export: taken from the record, as the store does.
  store::columns_from_record(row);
  return ExportLine(std::move(row));
}

}  // namespace sluice::audit
