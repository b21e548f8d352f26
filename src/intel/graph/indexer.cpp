#include "intel/graph/indexer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/sha256.hpp"
#include "intel/graph/extract.hpp"
#include "intel/graph/store.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::intel::graph {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// Files per batch: parsed in parallel, then stored while the parsers wait. Bounds the facts
// held in memory on a large repository.
constexpr std::size_t kBatch = 256;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Work {
  const RepoFile* file = nullptr;
  Lang lang = Lang::C;
  const StoredFile* stored = nullptr;  // the previous run's row, if any
};

struct Done {
  bool unreadable = false;
  bool unchanged = false;
  std::string sha256;
  std::uint64_t bytes = 0;
  FileFacts facts;
};

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(ss).str();
}

// A repository with C++ sources writes its .h headers in C++.
bool has_cpp(const std::vector<RepoFile>& files) {
  return std::any_of(files.begin(), files.end(), [](const RepoFile& f) {
    const auto l = lang_for_path(f.path);
    return l == Lang::Cpp;
  });
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

IndexReport index_repo(GraphStore& store, const IndexOptions& options) {
  const auto start = Clock::now();
  std::error_code ec;
  const fs::path root = fs::canonical(options.root, ec);
  if (ec || !fs::is_directory(root)) {
    throw std::runtime_error(options.root + " is not a directory");
  }
  compile_all_queries();  // a broken query fails here, not on a worker thread

  IndexReport report;
  report.root = root.string();
  report.repo = options.repo.empty() ? root.filename().string() : options.repo;
  const auto walked = walk_repo(root, options.walk);
  report.skipped_large = walked.skipped_large;
  report.files = walked.files.size();
  const bool cpp_headers = has_cpp(walked.files);

  auto tx = store.transaction();
  const auto repo_id = store.put_repo(report.repo, report.root);
  const auto stored = store.files(repo_id);
  std::unordered_map<std::string_view, const StoredFile*> previous;
  for (const auto& s : stored) previous.emplace(s.path, &s);

  std::vector<Work> work;
  std::unordered_set<std::string_view> present;
  for (const auto& f : walked.files) {
    const auto it = previous.find(f.path);
    work.push_back(
        {&f, *lang_for_path(f.path, cpp_headers), it == previous.end() ? nullptr : it->second});
    present.insert(f.path);
  }

  unsigned jobs = options.jobs;
  if (jobs == 0) jobs = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::atomic<std::size_t> files_done{0};
  std::atomic<std::uint64_t> lines_parsed{0};
  auto progress = [&] {
    if (options.on_progress) {
      options.on_progress(
          {files_done.load(), work.size(), lines_parsed.load(), seconds_since(start)});
    }
  };

  const auto parse_start = Clock::now();
  std::vector<Done> done(std::min(kBatch, work.size()));
  for (std::size_t batch = 0; batch < work.size(); batch += kBatch) {
    const std::size_t n = std::min(kBatch, work.size() - batch);
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    std::mutex mutex;  // guards `failure`; with `wake`, ends the progress wait below early
    std::condition_variable wake;
    auto worker = [&] {
      try {
        Extractor extractor;
        for (std::size_t i = next++; i < n; i = next++) {
          const auto& w = work[batch + i];
          Done d;
          auto text = read_file(root / w.file->path);
          if (!text) {
            d.unreadable = true;
          } else {
            d.bytes = text->size();
            d.sha256 = core::sha256_hex(*text);
            d.unchanged = w.stored && w.stored->sha256 == d.sha256 && w.stored->lang == w.lang;
            if (!d.unchanged) {
              d.facts = extractor.extract(w.lang, *text);
              lines_parsed += d.facts.lines;
            }
          }
          done[i] = std::move(d);
          if (++files_done == batch + n) {
            std::lock_guard lock(mutex);
            wake.notify_all();
          }
        }
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        failed = true;
        wake.notify_all();
      }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < std::min<std::size_t>(jobs, n); ++t) threads.emplace_back(worker);
    // Report while the workers run; the join below waits for the last of them.
    {
      std::unique_lock lock(mutex);
      while (files_done.load() < batch + n && !failed.load()) {
        progress();
        wake.wait_for(lock, std::chrono::milliseconds(100));
      }
    }
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    for (std::size_t i = 0; i < n; ++i) {
      auto& d = done[i];
      const auto& w = work[batch + i];
      if (d.unreadable) {
        ++report.unreadable;
        present.erase(w.file->path);  // as if gone: its old facts would be stale
        continue;
      }
      if (d.unchanged) {
        ++report.unchanged;
        continue;
      }
      ++report.parsed;
      report.lines_parsed += d.facts.lines;
      if (d.facts.timed_out) ++report.timed_out;
      store.put_file(repo_id, w.file->path, w.lang, d.sha256, d.bytes, d.facts);
      d = Done{};
    }
  }
  for (const auto& s : stored) {
    if (!present.contains(s.path)) {
      store.delete_file(s.id);
      ++report.removed;
    }
  }
  report.parse_seconds = seconds_since(parse_start);
  progress();

  auto facts = store.load_facts(repo_id);
  RepoLayout layout;
  layout.root_name = root.filename().string();
  for (const auto& mod : walked.go_mods) {
    if (const auto text = read_file(root / mod)) {
      const auto dir = fs::path(mod).parent_path().generic_string();
      layout.go_modules.push_back({dir, go_module_path(*text)});
    }
  }
  std::vector<SourceFile> sources;
  sources.reserve(facts.size());
  for (auto& f : facts) sources.push_back(std::move(f.source));
  const auto resolution = resolve(sources, layout);
  for (std::size_t i = 0; i < facts.size(); ++i) {
    report.lines += sources[i].facts.lines;
    report.symbols += sources[i].facts.symbols.size();
  }
  store.put_resolution(repo_id, facts, resolution, now_ms());
  tx->commit();
  report.edges = resolution.file_edges.size();
  report.symbol_edges = resolution.symbol_edges.size();
  report.imports = resolution.imports;
  report.unresolved = resolution.unresolved;
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace sluice::intel::graph
