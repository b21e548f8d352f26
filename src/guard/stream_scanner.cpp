#include "guard/stream_scanner.hpp"

#include <algorithm>

namespace sluice::guard {

StreamScanner::StreamScanner(const Guard& guard) : StreamScanner(guard, guard.max_lookbehind()) {}

StreamScanner::StreamScanner(const Guard& guard, std::size_t lookbehind)
    : guard_(guard), lookbehind_(std::max<std::size_t>(lookbehind, 1)) {}

StreamFeed StreamScanner::feed(std::string_view delta) {
  if (blocked_) return {};
  text_.append(delta);
  return step(false);
}

StreamFeed StreamScanner::finish() {
  if (blocked_) return {};
  return step(true);
}

Finding* StreamScanner::reported(const Finding& f) {
  for (auto& r : reported_) {
    if (r.kind == f.kind && r.begin < f.end && f.begin < r.end) return &r;
  }
  return nullptr;
}

StreamFeed StreamScanner::step(bool final) {
  StreamFeed out;
  const std::size_t n = base_ + text_.size();
  // Rescan the look-behind before the new bytes (a match may straddle them) and every match
  // that was still open; older text cannot take part in a new match of bounded length.
  std::size_t from = scanned_ > lookbehind_ ? scanned_ - lookbehind_ : 0;
  from = std::max(std::min(from, hold_from_), base_);
  auto found = guard_.scan(std::string_view(text_).substr(from - base_));

  std::size_t hold = n;  // the earliest match that may still grow
  for (auto f : found) {
    f.begin += from;
    f.end += from;
    const auto action = guard_.action(f.kind);
    const bool open = !final && f.end >= n;
    // A match touching the end may continue in the next delta; a private key's header is
    // conclusive at once, and its body keeps growing until the END line.
    if (open && f.kind != id_of(Kind::PrivateKey)) {
      hold = std::min(hold, f.begin);
      continue;
    }
    if (open && action == Action::Redact) hold = std::min(hold, f.begin);
    if (Finding* r = reported(f)) {
      if (f.end > r->end) {
        r->end = f.end;
        for (auto& red : redactions_) {
          if (red.finding.kind == f.kind && red.finding.begin == r->begin) red.finding.end = f.end;
        }
      }
      continue;
    }
    reported_.push_back(f);
    out.findings.push_back(f);
    guard_.count(std::span(&f, 1), counts_);
    if (action == Action::Block && !out.block) out.block = f.kind;
    if (action == Action::Redact) redactions_.push_back(Redaction{f});
  }
  scanned_ = n;
  hold_from_ = hold;

  if (out.block) {
    blocked_ = true;
    text_.clear();
    redactions_.clear();
    return out;
  }

  std::size_t upto = final ? n : std::min(n > lookbehind_ ? n - lookbehind_ : 0, hold);
  std::sort(redactions_.begin(), redactions_.end(), [](const Redaction& a, const Redaction& b) {
    return a.finding.begin < b.finding.begin;
  });
  for (const auto& r : redactions_) {
    // Never release the first part of a match that is to be redacted.
    if (r.finding.begin >= released_ && r.finding.begin < upto && r.finding.end > upto) {
      upto = r.finding.begin;
    }
  }
  out.release = release_until(std::max(upto, released_));

  if (final) {
    text_.clear();
    base_ = n;
    reported_.clear();
    redactions_.clear();
    return out;
  }
  // Keep what the next step may rescan and what is not yet released.
  const std::size_t next_from = std::min(n > lookbehind_ ? n - lookbehind_ : 0, hold_from_);
  const std::size_t keep = std::min(released_, next_from);
  if (keep > base_) {
    text_.erase(0, keep - base_);
    base_ = keep;
  }
  std::erase_if(reported_, [&](const Finding& f) { return f.end <= next_from; });
  return out;
}

std::string StreamScanner::release_until(std::size_t upto) {
  std::string out;
  std::size_t pos = released_;
  const auto slice = [&](std::size_t a, std::size_t b) {
    out.append(std::string_view(text_).substr(a - base_, b - a));
  };
  for (auto& r : redactions_) {
    if (r.finding.begin >= upto) break;
    if (r.finding.end <= pos && r.emitted) continue;
    if (r.finding.begin > pos) {
      slice(pos, r.finding.begin);
      pos = r.finding.begin;
    }
    if (!r.emitted) {
      out += guard_.placeholder(r.finding.kind);
      r.emitted = true;
    }
    pos = std::max(pos, std::min(r.finding.end, upto));
  }
  if (upto > pos) slice(pos, upto);
  released_ = std::max(released_, upto);
  std::erase_if(redactions_,
                [&](const Redaction& r) { return r.emitted && r.finding.end <= released_; });
  return out;
}

}  // namespace sluice::guard
