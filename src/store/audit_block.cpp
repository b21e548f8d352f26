#include "store/audit_block.hpp"

#include <zstd.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <set>

#include "core/canonical_json.hpp"

namespace sluice::store {
namespace {

namespace bj = boost::json;

// One of zstd's fast levels: ~3.7x on a block of records with distinct prompts, ~0.25 us a
// record; level 1 halves the bytes again but costs 0.65 us a record, more than the smaller
// writes save (docs/performance.md, "Audit").
constexpr int kBlockLevel = -5;
constexpr char kZstdMagic[4] = {'\x28', '\xB5', '\x2F', '\xFD'};
// A block of max_batch records is a few hundred KB; a frame claiming more was not written here.
constexpr unsigned long long kMaxBlockText = 256ull << 20;

std::string text_of(const bj::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t int_of(const bj::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

// The filter fields a block's tags list, in the sorted order of their names.
struct Tagged {
  std::string_view name;
  std::string AuditRow::*row_field;
  std::string AuditQuery::*query_field;
};
constexpr Tagged kTagged[] = {
    {"decision", &AuditRow::decision, &AuditQuery::decision},
    {"key_id", &AuditRow::key_id, &AuditQuery::key_id},
    {"kind", &AuditRow::kind, &AuditQuery::kind},
    {"model", &AuditRow::model, &AuditQuery::model},
    {"provider", &AuditRow::provider, &AuditQuery::provider},
    // "status" sorts here; it is an integer and written apart.
    {"team", &AuditRow::team, &AuditQuery::team},
    {"user", &AuditRow::user, &AuditQuery::user},
};

bool contains_string(const bj::array& a, std::string_view v) {
  return std::any_of(a.begin(), a.end(),
                     [&](const bj::value& x) { return x.is_string() && x.get_string() == v; });
}

}  // namespace

void append_block_line(std::string& block, const AuditRow& row) {
  char seq[24];
  const auto [end, ec] = std::to_chars(seq, seq + sizeof seq, row.seq);
  block.append(seq, end);
  block += ' ';
  block += row.hash;
  block += ' ';
  block += row.record;
  block += '\n';
}

std::string pack_block(std::string_view text) {
  // One context per thread (the writer's), reused: creating one costs more than a block.
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(),
                                                                         &ZSTD_freeCCtx);
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n =
      ZSTD_compressCCtx(cctx.get(), out.data(), out.size(), text.data(), text.size(), kBlockLevel);
  if (ZSTD_isError(n)) return std::string(text);  // stored as text: still readable
  out.resize(n);
  return out;
}

std::optional<std::string> unpack_block(std::string_view stored) {
  if (stored.size() < 4 || std::memcmp(stored.data(), kZstdMagic, 4) != 0) {
    return std::string(stored);
  }
  const auto size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxBlockText) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), stored.data(), stored.size());
  if (ZSTD_isError(n) || n != size) return std::nullopt;
  return out;
}

void columns_from_record(AuditRow& row) {
  row.time_ms = 0;
  row.status = 0;
  for (auto* f : {&row.kind, &row.request_id, &row.key_id, &row.user, &row.team, &row.model,
                  &row.provider, &row.decision}) {
    f->clear();
  }
  boost::system::error_code ec;
  const auto v = bj::parse(row.record, ec);
  if (ec || !v.is_object()) return;
  const auto& r = v.get_object();
  row.kind = text_of(r, "kind");
  row.time_ms = int_of(r, "time_ms");
  row.request_id = text_of(r, "request_id");
  if (const auto* k = r.if_contains("key"); k && k->is_object()) {
    row.key_id = text_of(k->get_object(), "id");
    row.user = text_of(k->get_object(), "user");
    row.team = text_of(k->get_object(), "team");
  }
  row.model = text_of(r, "model");
  if (row.model.empty()) row.model = text_of(r, "requested_model");
  row.provider = text_of(r, "provider");
  row.status = static_cast<int>(int_of(r, "status"));
  // An admin event's decision column is its kind.
  row.decision = row.kind == "request" ? text_of(r, "decision") : row.kind;
}

void each_block_row(std::string_view block, std::int64_t first_seq,
                    const std::function<bool(AuditRow&)>& fn) {
  AuditRow row;
  std::int64_t prev = first_seq - 1;
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto nl = block.find('\n', pos);
    if (nl == std::string_view::npos) nl = block.size();
    const auto line = block.substr(pos, nl - pos);
    pos = nl + 1;
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    std::int64_t seq = 0;
    bool ok = sp2 != std::string_view::npos;
    if (ok) {
      const auto [p, ec] = std::from_chars(line.data(), line.data() + sp1, seq);
      ok = ec == std::errc() && p == line.data() + sp1;
    }
    if (ok) {
      row.seq = seq;
      row.hash.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
      row.record.assign(line.substr(sp2 + 1));
    } else {
      row.seq = prev + 1;
      row.hash.clear();
      row.record.assign(line);
    }
    prev = row.seq;
    row.index_mismatch.clear();
    columns_from_record(row);
    if (!fn(row)) return;
  }
}

BlockIndex block_index(std::span<const AuditRow> rows) {
  BlockIndex b;
  if (rows.empty()) return b;
  b.first_seq = rows.front().seq;
  b.last_seq = rows.back().seq;
  b.tail_hash = rows.back().hash;
  b.min_time_ms = b.max_time_ms = rows.front().time_ms;
  std::set<std::string_view> values[std::size(kTagged)];
  std::set<int> statuses;
  std::set<std::string_view> buckets;
  for (const AuditRow& r : rows) {
    b.min_time_ms = std::min(b.min_time_ms, r.time_ms);
    b.max_time_ms = std::max(b.max_time_ms, r.time_ms);
    for (std::size_t i = 0; i < std::size(kTagged); ++i) {
      const std::string& v = r.*kTagged[i].row_field;
      if (!v.empty()) values[i].insert(v);
    }
    if (r.status) statuses.insert(r.status);
    if (!r.request_id.empty()) buckets.insert(lookup_bucket(r.request_id));
  }
  core::CanonicalWriter w(b.tags);
  w.begin_object();
  for (std::size_t i = 0; i < std::size(kTagged); ++i) {
    if (kTagged[i].name == "team") {
      w.key("status").begin_array();
      for (int s : statuses) w.integer(s);
      w.end_array();
    }
    w.key(kTagged[i].name).begin_array();
    for (auto v : values[i]) w.string(v);
    w.end_array();
  }
  w.end_object();
  b.buckets.assign(buckets.begin(), buckets.end());
  return b;
}

bool tags_may_match(std::string_view tags, const AuditQuery& q) {
  bool filtered = q.status != 0;
  for (const auto& t : kTagged) filtered = filtered || !(q.*t.query_field).empty();
  if (!filtered) return true;
  boost::system::error_code ec;
  const auto v = bj::parse(tags, ec);
  if (ec || !v.is_object()) return true;
  const auto& o = v.get_object();
  auto list = [&](std::string_view name) -> const bj::array* {
    const auto* a = o.if_contains(name);
    return a && a->is_array() ? &a->get_array() : nullptr;
  };
  for (const auto& t : kTagged) {
    const std::string& want = q.*t.query_field;
    if (want.empty()) continue;
    const auto* a = list(t.name);
    if (!a || !contains_string(*a, want)) return false;
  }
  if (q.status) {
    const auto* a = list("status");
    if (!a || std::none_of(a->begin(), a->end(), [&](const bj::value& x) {
          return x.is_int64() && x.get_int64() == q.status;
        })) {
      return false;
    }
  }
  return true;
}

bool row_matches(const AuditRow& row, const AuditQuery& q) {
  if (row.time_ms < q.since_ms || row.time_ms >= q.until_ms) return false;
  if (!q.request_id.empty() && row.request_id != q.request_id) return false;
  for (const auto& t : kTagged) {
    const std::string& want = q.*t.query_field;
    if (!want.empty() && row.*t.row_field != want) return false;
  }
  return q.status == 0 || row.status == q.status;
}

std::string_view lookup_bucket(std::string_view request_id) {
  return request_id.size() > 2 ? request_id.substr(0, request_id.size() - 2) : std::string_view();
}

}  // namespace sluice::store
