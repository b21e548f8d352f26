// Request guardrails: a cheap proof that the body is clean, else decode, scan each text the
// wire says a person or tool wrote, redact or block, remove denied tools, and re-serialise only
// when something changed.
#include "guard/request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "guard/request_internal.hpp"

namespace sluice::guard {

RequestScan scan_request(protocol::Endpoint endpoint, std::string_view body, const Guard& guard) {
  RequestScan out;
  const bool tools = detail::tools_may_be_denied(body, guard);
  const bool text = guard.scans_text() && guard.json_may_match(body);
  if (!tools && !text) return out;

  boost::system::error_code ec;
  auto root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) return out;
  auto& object = root.get_object();
  bool changed = false;

  if (tools) {
    auto edit = detail::remove_denied_tools(endpoint, object, guard);
    changed = !edit.removed.empty() || edit.choice_changed;
    out.removed_tools = std::move(edit.removed);
    out.tool_choice_changed = edit.choice_changed;
  }
  if (text) {
    // Every text is scanned even after a block, so the counts describe the whole request.
    detail::for_each_text(endpoint, object, [&](boost::json::string& s) {
      const auto found = guard.scan(std::string_view(s));
      if (found.empty()) return;
      guard.count(found, out.counts);
      if (!out.blocked_kind) {
        if (const auto* block = guard.first_block(found)) {
          out.blocked_kind = std::string(guard.kind_name(block->kind));
        }
      }
      if (!out.blocked_kind && guard.strongest(found) == Action::Redact) {
        s = guard.redact(std::string_view(s), found);
        changed = true;
      }
    });
  }
  if (changed && !out.blocked_kind) out.body = boost::json::serialize(root);
  return out;
}

}  // namespace sluice::guard
