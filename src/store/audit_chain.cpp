#include "store/audit_chain.hpp"

#include <boost/json/object.hpp>

#include "core/canonical_json.hpp"

namespace sluice::store {

core::Digest audit_link_digest(const core::Digest& prev, std::int64_t seq,
                               std::string_view record) {
  char be[8];
  for (int i = 0; i < 8; ++i) {
    be[i] = static_cast<char>(static_cast<std::uint64_t>(seq) >> (56 - 8 * i));
  }
  thread_local core::Sha256 h;  // one EVP context per thread, not one per record
  h.update(std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()));
  h.update(std::string_view(be, sizeof be));
  h.update(record);
  return h.finish();
}

std::string audit_link(std::string_view prev_hash, std::int64_t seq, std::string_view record) {
  core::Digest prev{};
  if (!core::from_hex(prev_hash, prev)) prev = {};
  return core::to_hex(audit_link_digest(prev, seq, record));
}

AuditRow event_audit_row(const EventRow& e) {
  boost::json::object o;
  o["kind"] = e.kind;
  o["time_ms"] = e.time_ms;
  o["scope"] = e.scope;
  o["detail"] = e.detail;
  AuditRow row;
  row.time_ms = e.time_ms;
  row.kind = e.kind;
  row.decision = e.kind;
  row.record = core::canonical_json(o);
  return row;
}

}  // namespace sluice::store
