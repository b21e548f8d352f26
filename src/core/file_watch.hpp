#pragma once
// Noticing that config files changed, by polling: a fingerprint of each file's identity (size,
// modification time in nanoseconds, inode) and of each directory's entries. Polling rather than
// inotify because it sees every way an editor or a deploy tool saves (in place, write-and-rename,
// a symlink swap as Kubernetes ConfigMaps do) with one mechanism, at the cost of one stat per
// file per interval.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::core {

struct WatchSet {
  std::vector<std::string> files;
  std::vector<std::string> dirs;  // a file added, removed or changed in one counts
  std::chrono::milliseconds interval{1000};
  bool enabled = true;
};

/// Each watched path's identity (size, mtime, inode; "missing"), and each directory's entry
/// list. Kept per path so that a reload which widens the set can keep what the poll saw.
using Fingerprint = std::map<std::string, std::string>;

/// Changes whenever a file of the set is edited, replaced, created or deleted, or a directory
/// gains or loses an entry or one of its entries changes.
Fingerprint fingerprint(const WatchSet& set);

/// Polls a watch set on its own thread and calls `on_change` (on that thread, synchronously)
/// when its fingerprint differs from the previous poll's; a change that is rejected is not
/// retried until the files change again. `watched` is asked for the set at every poll,
/// so a reload that names other files is followed.
class FileWatcher {
 public:
  FileWatcher(std::function<WatchSet()> watched, std::function<void()> on_change);
  ~FileWatcher();  // stops the thread and waits for it
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

 private:
  void run();

  std::function<WatchSet()> watched_;
  std::function<void()> on_change_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::core
