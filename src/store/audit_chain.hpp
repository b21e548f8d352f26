#pragma once
// The audit chain's one formula, shared by the store that appends and the verifier that checks:
//
//   hash(n) = SHA-256( raw 32 bytes of hash(n-1) || seq n as 8 bytes big-endian || record n )
//
// with hash(0) = 64 zeros. The seq is inside the hash, so a record moved to another place no
// longer links; the previous hash is inside it, so no record can change without every later
// one changing too.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/sha256.hpp"
#include "store/records.hpp"

namespace sluice::store {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The hex hash of record `record` at `seq` after `prev_hash` (hex). A malformed prev_hash
/// links as if it were the genesis hash, and so fails every comparison downstream.
std::string audit_link(std::string_view prev_hash, std::int64_t seq, std::string_view record);
/// The same from the previous hash's raw bytes, for appending records in a row.
core::Digest audit_link_digest(const core::Digest& prev, std::int64_t seq, std::string_view record);

/// An admin or governance event as an audit record: {detail, kind, scope, time_ms}.
AuditRow event_audit_row(const EventRow& e);

}  // namespace sluice::store
