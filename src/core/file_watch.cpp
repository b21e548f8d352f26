#include "core/file_watch.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace sluice::core {
namespace {

std::string identity(const std::string& path) {
  struct stat st {};
  // stat, not lstat: a symlink swapped to a new target must count as a change of the file.
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_size) + '|' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec) + '|' + std::to_string(st.st_ino);
}

}  // namespace

Fingerprint fingerprint(const WatchSet& set) {
  Fingerprint out;
  for (const auto& f : set.files) out.emplace(f, identity(f));
  for (const auto& d : set.dirs) {
    std::vector<std::string> entries;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(d, ec)) {
      entries.push_back(e.path().string());
    }
    std::sort(entries.begin(), entries.end());
    // The entry list under a key no path can have, so an added or removed entry is a change.
    std::string listing = ec ? "unreadable" : "";
    for (const auto& e : entries) {
      listing += '\n' + e;
      out.emplace(e, identity(e));
    }
    out[std::string(1, '\0') + "dir " + d] = std::move(listing);
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
        on_change_();
        // The reload may have named other files (a new rule file, a new policy directory):
        // follow them. Their state is taken now, but every path this poll saw keeps what it
        // saw: the reload read that state, so an edit made while it ran is still a change.
        auto next = watched_();
        if (next.files != set.files || next.dirs != set.dirs) {
          auto widened = fingerprint(next);
          for (auto& [path, id] : widened) {
            if (const auto seen = now.find(path); seen != now.end()) id = seen->second;
          }
          now = std::move(widened);
        }
        last = std::move(now);
        set = std::move(next);
      }
    }
    lock.lock();
  }
}

}  // namespace sluice::core
