#include "audit/verifier.hpp"

#include <utility>

#include "audit/signer.hpp"
#include "store/audit_chain.hpp"

namespace sluice::audit {

ChainVerifier::ChainVerifier(std::string public_key_hex, std::int64_t prev_seq,
                             std::string prev_hash)
    : public_key_(std::move(public_key_hex)), expected_(prev_seq + 1), prev_(std::move(prev_hash)) {
  report_.signatures_checked = !public_key_.empty();
  last_checkpoint_ = prev_seq;
}

void ChainVerifier::add_checkpoint(const store::AuditCheckpoint& c) {
  checkpoints_[c.seq] = c;
}

void ChainVerifier::fail(std::int64_t seq, std::string kind, std::string message) {
  if (!report_.problem) report_.problem = Problem{seq, std::move(kind), std::move(message)};
}

bool ChainVerifier::feed(const store::AuditRow& row) {
  if (report_.problem) return false;
  if (pending_) check(*pending_, &row);
  pending_ = row;
  return !report_.problem;
}

void ChainVerifier::after_good(const store::AuditRow& row) {
  ++report_.records;
  if (!report_.first_seq) report_.first_seq = row.seq;
  report_.last_seq = row.seq;
  prev_ = row.hash;
  ++expected_;
  auto it = checkpoints_.find(row.seq);
  if (it == checkpoints_.end()) return;
  const auto& cp = it->second;
  if (!public_key_.empty() && !verify_checkpoint(cp, public_key_)) {
    fail(row.seq, "checkpoint",
         "the checkpoint at record " + std::to_string(row.seq) +
             " is not signed by the trusted key (forged or re-signed)");
    return;
  }
  if (cp.hash != row.hash) {
    fail(row.seq, "checkpoint",
         "the chain at record " + std::to_string(row.seq) +
             " differs from what was signed there: records " +
             std::to_string(last_checkpoint_ + 1) + ".." + std::to_string(row.seq) +
             " were rewritten and re-linked");
    return;
  }
  ++report_.checkpoints;
  last_checkpoint_ = row.seq;
}

void ChainVerifier::check(const store::AuditRow& row, const store::AuditRow* next) {
  const auto n = std::to_string(expected_);
  if (row.seq != expected_) {
    if (row.seq > expected_) {
      fail(expected_, "deleted",
           row.seq == expected_ + 1
               ? "record " + n + " is missing (deleted)"
               : "records " + n + ".." + std::to_string(row.seq - 1) + " are missing (deleted)");
    } else {
      fail(row.seq, "inserted", "record " + std::to_string(row.seq) + " appears twice");
    }
    return;
  }
  if (store::audit_link(prev_, row.seq, row.record) == row.hash) {
    // Reported only if the chain itself is whole: a record deleted or moved also leaves its
    // block's index behind, and the chain names that more exactly.
    if (!row.index_mismatch.empty() && !index_problem_) {
      index_problem_ = Problem{row.seq, "edited",
                               "record " + n + ": its block's " + row.index_mismatch +
                                   " was edited (it disagrees with the records)"};
    }
    after_good(row);
    return;
  }
  // The record does not link. Which tampering explains what follows it?
  if (next && next->seq == row.seq + 1) {
    if (store::audit_link(prev_, row.seq, next->record) == next->hash) {
      // The next record is the one that belongs here.
      if (store::audit_link(next->hash, row.seq + 1, row.record) == row.hash) {
        fail(row.seq, "reordered",
             "records " + n + " and " + std::to_string(row.seq + 1) + " swapped places");
      } else {
        fail(row.seq, "inserted",
             "record " + n + " does not belong to the chain (inserted); record " +
                 std::to_string(row.seq + 1) + " links to record " + std::to_string(row.seq - 1));
      }
      return;
    }
    if (store::audit_link(row.hash, row.seq + 1, next->record) == next->hash) {
      fail(row.seq, "edited",
           "record " + n + " was edited (its content no longer matches its hash)");
      return;
    }
    if (store::audit_link(row.hash, row.seq + 2, next->record) == next->hash) {
      fail(row.seq, "deleted", "record " + n + " was deleted and the records after it renumbered");
      return;
    }
  }
  fail(row.seq, "edited",
       "record " + n + " does not link to record " + std::to_string(row.seq - 1) +
           " (edited, forged or re-hashed)");
}

VerifyReport ChainVerifier::finish() {
  if (pending_ && !report_.problem) check(*pending_, nullptr);
  pending_.reset();
  if (!report_.problem) {
    // A checkpoint past the end: records were cut from the end of the chain.
    auto it = checkpoints_.upper_bound(report_.last_seq ? report_.last_seq : expected_ - 1);
    if (it != checkpoints_.end()) {
      const bool genuine = public_key_.empty() || verify_checkpoint(it->second, public_key_);
      if (genuine) {
        fail(expected_, "deleted",
             "a checkpoint signs record " + std::to_string(it->first) + " but the chain ends at " +
                 std::to_string(expected_ - 1) + ": records were deleted from the end");
      }
    }
  }
  if (!report_.problem && index_problem_) report_.problem = index_problem_;
  report_.unsigned_tail =
      report_.last_seq > last_checkpoint_ ? report_.last_seq - last_checkpoint_ : 0;
  return report_;
}

}  // namespace sluice::audit
