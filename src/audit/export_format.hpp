#pragma once
// The audit export format, `sluice-audit/v1` (JSON Lines), so that a third party with only the
// public key can verify an export:
//
//   {"type":"header","format":"sluice-audit/v1","anchor":{seq, hash, time_ms, public_key,
//        signature} | null, "public_key": "..."}
//   {"type":"record","seq":N,"hash":"...","record":{...}}      one per record, in seq order
//   {"type":"checkpoint","seq":N,"hash":"...","time_ms":..,"public_key":..,"signature":..}
//
// The anchor is the signed checkpoint just before the first exported record (null when the
// export starts at record 1): verification starts from its hash. A record's canonical bytes
// are the canonical JSON of its "record" object, which is how the gateway wrote them.
// CSV exports are for spreadsheets and carry the same rows flattened; they cannot be verified.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/records.hpp"

namespace sluice::audit {

std::string header_line(const std::optional<store::AuditCheckpoint>& anchor,
                        const std::string& public_key);
std::string record_line(const store::AuditRow& row);
std::string checkpoint_line(const store::AuditCheckpoint& c);

std::string csv_header();
std::string csv_record(const store::AuditRow& row);
std::string csv_checkpoint(const store::AuditCheckpoint& c);

/// One parsed line of an export.
struct ExportHeader {
  std::optional<store::AuditCheckpoint> anchor;
  std::string public_key;
};
using ExportLine = std::variant<ExportHeader, store::AuditRow, store::AuditCheckpoint>;
/// A line, or an error message ("line 17: ...") for one that is not sluice-audit/v1.
std::variant<ExportLine, std::string> parse_export_line(std::string_view line);

}  // namespace sluice::audit
