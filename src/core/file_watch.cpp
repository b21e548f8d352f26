#include "core/file_watch.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace sluice::core {
namespace {

void add_file(std::string& out, const std::string& path) {
  out += path;
  struct stat st {};
  // stat, not lstat: a symlink swapped to a new target must count as a change of the file.
  if (::stat(path.c_str(), &st) != 0) {
    out += "|missing\n";
    return;
  }
  out += '|' + std::to_string(st.st_size) + '|' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec) + '|' + std::to_string(st.st_ino) + '\n';
}

}  // namespace

std::string fingerprint(const WatchSet& set) {
  std::string out;
  for (const auto& f : set.files) add_file(out, f);
  for (const auto& d : set.dirs) {
    std::vector<std::string> entries;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(d, ec)) {
      entries.push_back(e.path().string());
    }
    std::sort(entries.begin(), entries.end());
    out += "dir " + d + (ec ? "|unreadable\n" : "\n");
    for (const auto& e : entries) add_file(out, e);
  }
  return out;
}

FileWatcher::FileWatcher(std::function<WatchSet()> watched, std::function<void()> on_change)
    : watched_(std::move(watched)), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { run(); });
}

FileWatcher::~FileWatcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void FileWatcher::run() {
  auto set = watched_();
  auto last = fingerprint(set);
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, set.interval, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    set = watched_();
    if (set.enabled) {
      auto now = fingerprint(set);
      if (now != last) {
        last = std::move(now);
        on_change_();
        // The reload may have named other files (a new policy directory): follow them.
        auto next = watched_();
        if (next.files != set.files || next.dirs != set.dirs) last = fingerprint(next);
        set = std::move(next);
      }
    }
    lock.lock();
  }
}

}  // namespace sluice::core
