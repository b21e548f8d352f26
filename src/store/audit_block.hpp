#pragma once
// How the audit chain is stored: in blocks, one row per writer transaction, holding that
// transaction's records as text, one line each:
//
//   <seq> <hash> <record>\n
//
// Each record is still its own link of the chain (audit_chain.hpp) with its own seq and hash;
// what the records of a block share is the SQLite row and the index entries, which with a row
// per record cost the writer ~4 us per request (docs/performance.md, "Audit"). Beside the text,
// a block keeps what queries need to skip it (BlockIndex): its seq and time ranges, the distinct
// values of the filter fields in it, and one request-id lookup entry per bucket of ids. These
// are derived from the records, so the verifier recomputes and compares them.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace sluice::store {

/// Appends the line of `row` (its seq, hash and record) to a block's text.
void append_block_line(std::string& block, const AuditRow& row);

/// A block's text as stored: a zstd frame. The records of a block repeat their keys and most
/// values, so this is about a quarter of the text at a few GB/s: less CPU than the SQLite
/// pages, WAL writes and checkpoints of the plain text would cost, and a smaller database.
std::string pack_block(std::string_view text);
/// A stored block's text: a zstd frame decompressed, anything else taken as text as it is (a
/// block written by hand). nullopt when a zstd frame does not decompress.
std::optional<std::string> unpack_block(std::string_view stored);

/// Calls `fn` with each record of a block's text, in order, with its filter fields taken from
/// the record, until `fn` returns false. A line that is not `<seq> <hash> <record>` (the text
/// was edited) comes back whole as the record of the seq after the previous line's, with no
/// hash, so that the verifier names it. `first_seq` numbers a first line that cannot be read.
void each_block_row(std::string_view block, std::int64_t first_seq,
                    const std::function<bool(AuditRow&)>& fn);

/// Fills the filter fields of `row` (time_ms, kind, request_id, key_id, user, team, model,
/// provider, status, decision) from its record; a record that is not a JSON object leaves them
/// empty.
void columns_from_record(AuditRow& row);

/// What a block keeps beside its records to be found without being read.
struct BlockIndex {
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t min_time_ms = 0;
  std::int64_t max_time_ms = 0;
  /// Canonical JSON of the distinct values of each filter field in the block:
  /// {"decision":[...],"key_id":[...],"kind":[...],"model":[...],"provider":[...],
  ///  "status":[...],"team":[...],"user":[...]}, each list sorted.
  std::string tags;
  std::string tail_hash;             // the hash of the last record: the chain's tail
  std::vector<std::string> buckets;  // lookup_bucket() of its request ids, sorted, distinct
};

/// The index of a block holding `rows` (in order, with their filter fields, seqs and hashes).
BlockIndex block_index(std::span<const AuditRow> rows);

/// Whether a block with these tags can hold a record that matches every filter of `q` on the
/// tagged fields (false: skip the block). Tags that do not parse match (the records decide).
bool tags_may_match(std::string_view tags, const AuditQuery& q);

/// Whether a record matches every filter of `q` that is set (time range included, seq bounds
/// not).
bool row_matches(const AuditRow& row, const AuditQuery& q);

/// The request-id lookup bucket of an id: the id without its last two characters. Ids are a
/// per-process prefix and a counter, so the 256 requests of a bucket finish close together and
/// land in one block or two; a lookup reads only those.
std::string_view lookup_bucket(std::string_view request_id);

}  // namespace sluice::store
