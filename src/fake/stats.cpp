#include "fake/stats.hpp"

#include "fake/content.hpp"

namespace sluice::fake {
namespace {

constexpr std::size_t kMaxPaths = 1000;  // distinct by_path keys; later ones count as "(other)"

/// Like append_json_string, for bytes that may not be UTF-8 (recorded bodies and headers): each
/// invalid byte becomes U+FFFD so that the introspection answer is always valid JSON.
void append_json_bytes(std::string& out, std::string_view bytes) {
  std::string clean;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    std::size_t len = p[i] < 0x80           ? 1
                      : (p[i] >> 5) == 0x6  ? 2
                      : (p[i] >> 4) == 0xE  ? 3
                      : (p[i] >> 3) == 0x1E ? 4
                                            : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
    }
    if (ok) {
      clean.append(bytes.data() + i, len);
      i += len;
    } else {
      clean += "\xEF\xBF\xBD";
      ++i;
    }
  }
  append_json_string(out, clean);
}

void append_counter(std::string& out, std::string_view name, std::uint64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_int(out, static_cast<std::int64_t>(value));
}

}  // namespace

void Recorder::record(http::Request& req) {
  Entry entry{std::move(req.method), std::move(req.target), std::move(req.headers),
              std::move(req.body)};
  std::string_view path = entry.target;
  path = path.substr(0, path.find('?'));
  {
    std::lock_guard lock(mutex_);
    ++requests_;
    if (auto it = by_path_.find(path); it != by_path_.end()) {
      ++it->second;
    } else if (by_path_.size() < kMaxPaths) {
      by_path_.emplace(std::string(path), 1);
    } else {
      ++by_path_["(other)"];
    }
    std::swap(ring_[next_], entry);
    next_ = (next_ + 1) % kHistory;
    stored_ = std::min(stored_ + 1, kHistory);
  }
  // `entry` now holds the evicted request; it is freed here, outside the lock.
}

void Recorder::count_status(int status) {
  if (status >= 0 && static_cast<std::size_t>(status) < by_status_.size()) {
    by_status_[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  }
}

std::string Recorder::stats_json(std::int64_t active_requests) const {
  std::string out = R"({"requests":)";
  {
    std::lock_guard lock(mutex_);
    append_int(out, static_cast<std::int64_t>(requests_));
    out += R"(,"by_path":{)";
    bool first = true;
    for (const auto& [path, count] : by_path_) {
      if (!first) {
        out += ',';
      }
      first = false;
      append_json_string(out, path);
      out += ':';
      append_int(out, static_cast<std::int64_t>(count));
    }
    out += '}';
  }
  out += R"(,"by_status":{)";
  bool first = true;
  for (std::size_t s = 0; s < by_status_.size(); ++s) {
    auto n = by_status_[s].load(std::memory_order_relaxed);
    if (n == 0) {
      continue;
    }
    if (!first) {
      out += ',';
    }
    first = false;
    out += '"';
    append_int(out, static_cast<std::int64_t>(s));
    out += "\":";
    append_int(out, static_cast<std::int64_t>(n));
  }
  out += '}';
  append_counter(out, "streams_started", streams_started.load(std::memory_order_relaxed));
  append_counter(out, "streams_completed", streams_completed.load(std::memory_order_relaxed));
  append_counter(out, "streams_aborted", streams_aborted.load(std::memory_order_relaxed));
  append_counter(out, "streams_reset", streams_reset.load(std::memory_order_relaxed));
  append_counter(out, "streams_errored", streams_errored.load(std::memory_order_relaxed));
  append_counter(out, "requests_abandoned", requests_abandoned.load(std::memory_order_relaxed));
  out += R"(,"active_requests":)";
  append_int(out, active_requests);
  out += R"(,"usage":{)";
  {
    std::lock_guard lock(mutex_);
    bool first_model = true;
    for (const auto& [model, u] : usage_) {
      if (!first_model) out += ',';
      first_model = false;
      append_json_string(out, model);
      out += ':';
      const std::pair<const char*, std::int64_t> fields[] = {
          {"requests", u.requests},       {"input", u.input},   {"cached", u.cached},
          {"cache_write", u.cache_write}, {"output", u.output}, {"reasoning", u.reasoning}};
      char sep = '{';
      for (const auto& [name, v] : fields) {
        out += sep;
        sep = ',';
        out += '"';
        out += name;
        out += "\":";
        append_int(out, v);
      }
      out += '}';
    }
  }
  out += "}}";
  return out;
}

void Recorder::count_usage(std::string_view model, std::int64_t input, std::int64_t cached,
                           std::int64_t cache_write, std::int64_t output, std::int64_t reasoning) {
  std::lock_guard lock(mutex_);
  auto it = usage_.find(model);
  if (it == usage_.end()) it = usage_.emplace(std::string(model), UsageTotals{}).first;
  auto& u = it->second;
  ++u.requests;
  u.input += input;
  u.cached += cached;
  u.cache_write += cache_write;
  u.output += output;
  u.reasoning += reasoning;
}

std::string Recorder::requests_json(std::size_t n) const {
  std::string out = "[";
  std::lock_guard lock(mutex_);
  n = std::min(n, stored_);
  for (std::size_t i = 0; i < n; ++i) {
    const Entry& e = ring_[(next_ + kHistory - n + i) % kHistory];
    if (i > 0) {
      out += ',';
    }
    std::string_view target = e.target;
    auto q = target.find('?');
    out += R"({"method":)";
    append_json_bytes(out, e.method);
    out += R"(,"path":)";
    append_json_string(out, target.substr(0, q));
    out += R"(,"query":)";
    append_json_string(out,
                       q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
    out += R"(,"headers":{)";
    // Repeated headers are joined with ", " (their meaning in HTTP), in arrival order.
    bool first = true;
    for (std::size_t h = 0; h < e.headers.size(); ++h) {
      const auto& name = e.headers[h].name;
      bool seen = false;
      for (std::size_t k = 0; k < h && !seen; ++k) {
        seen = e.headers[k].name == name;
      }
      if (seen) {
        continue;
      }
      std::string value = e.headers[h].value;
      for (std::size_t k = h + 1; k < e.headers.size(); ++k) {
        if (e.headers[k].name == name) {
          value += ", ";
          value += e.headers[k].value;
        }
      }
      if (!first) {
        out += ',';
      }
      first = false;
      append_json_bytes(out, name);
      out += ':';
      append_json_bytes(out, value);
    }
    out += R"(},"body":)";
    append_json_bytes(out, e.body);
    out += '}';
  }
  out += ']';
  return out;
}

void Recorder::reset() {
  {
    std::lock_guard lock(mutex_);
    for (auto& e : ring_) {
      e = Entry{};
    }
    next_ = 0;
    stored_ = 0;
    requests_ = 0;
    by_path_.clear();
    usage_.clear();
  }
  for (auto& s : by_status_) {
    s.store(0, std::memory_order_relaxed);
  }
  for (auto* c : {&streams_started, &streams_completed, &streams_aborted, &streams_reset,
                  &streams_errored, &requests_abandoned}) {
    c->store(0, std::memory_order_relaxed);
  }
}

}  // namespace sluice::fake
