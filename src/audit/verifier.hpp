#pragma once
// Checks an audit chain, from the database or from an export: every record links to the one
// before it (store/audit_chain.hpp), what the store keeps to find records (each block's seq
// and time range, filter values and request-id lookup, store/audit_block.hpp) agrees with
// them, and every checkpoint is signed by the trusted key and matches the chain where it sits.
// The first problem is named by sequence number and kind, so an auditor knows where to look:
//
//   edited     the record's bytes (or its block's index) changed; the next record still links
//              to the original hash
//   deleted    a sequence number is missing, or later records were renumbered to close the gap
//   inserted   a record that does not belong: the next one links to the record before it
//   reordered  two records swapped places
//   checkpoint a signature does not verify, or the chain at a checkpoint's seq is not what
//              was signed (the chain was rewritten), or the chain ends before a checkpoint
//
// Records after the last checkpoint are protected by the chain alone: whoever can write the
// database could append records that link correctly. The report counts them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/records.hpp"

namespace sluice::audit {

struct Problem {
  std::int64_t seq = 0;
  std::string kind;  // edited, deleted, inserted, reordered, checkpoint
  std::string message;
};

struct VerifyReport {
  std::int64_t first_seq = 0;  // the first record checked (0: none)
  std::int64_t last_seq = 0;
  std::int64_t records = 0;
  std::int64_t checkpoints = 0;     // checkpoints checked (signature and position)
  std::int64_t unsigned_tail = 0;   // records after the last good checkpoint
  bool signatures_checked = false;  // false when no public key was given
  std::optional<Problem> problem;
  bool ok() const { return !problem; }
};

class ChainVerifier {
 public:
  /// Starts after `prev_seq` whose hash is `prev_hash` (0 and the genesis hash from the
  /// beginning; a signed checkpoint's seq and hash to check a range). An empty public key
  /// checks the chain and checkpoint positions but no signatures.
  ChainVerifier(std::string public_key_hex, std::int64_t prev_seq, std::string prev_hash);

  /// Every checkpoint that may fall in the range, before the first feed().
  void add_checkpoint(const store::AuditCheckpoint& c);
  /// The next record in seq order. Returns false once a problem is found (stop feeding).
  bool feed(const store::AuditRow& row);
  VerifyReport finish();

 private:
  void check(const store::AuditRow& row, const store::AuditRow* next);
  void fail(std::int64_t seq, std::string kind, std::string message);
  void after_good(const store::AuditRow& row);

  std::string public_key_;
  std::int64_t expected_;
  std::string prev_;
  std::map<std::int64_t, store::AuditCheckpoint> checkpoints_;
  std::optional<store::AuditRow> pending_;
  std::optional<Problem> index_problem_;  // the first; reported when the chain is whole
  std::int64_t last_checkpoint_ = 0;
  VerifyReport report_;
};

}  // namespace sluice::audit
