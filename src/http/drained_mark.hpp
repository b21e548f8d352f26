#pragma once
// mark_drained(reactor, socket): tells Asio's reactor that a socket has nothing more to read
// until its next readiness edge, so that the next read waits for epoll instead of trying a
// recv first. Included only by http/client.cpp (a Beast translation unit).
//
// Asio starts a read with a speculative recv unless the reactor knows the socket is drained,
// and it learns that only from a read of 0 bytes. On a pooled upstream connection the first
// read after a request is that recv, and it returns EAGAIN: the answer cannot be there yet.
// nginx skips it (its read event is "not ready" after a short read, or from EPOLLRDHUP).
//
// When is this sound? A read that waits for an edge hangs if the bytes it wants arrived, and
// their edge was taken, before it was queued. After a complete response the only bytes an
// upstream sends before sluice's next request are none, a FIN or a TLS record about the
// session. The answer to the next request comes after sluice writes it, so it raises its own
// edge. A FIN (the upstream closed the idle connection) is left unseen: sluice's next request
// on it then draws a RST, a new edge, and the read fails like any connection that closed under
// a reused request (send_upstream retries that once on a fresh connection). Mid-response, a
// FIN that came with the last bytes would be lost, so this is never used there.
//
// How: a reactor operation that does no I/O. Started with speculation allowed, the reactor
// calls it at once while its flag says "try"; it answers done_and_exhausted, which clears the
// flag. Only that synchronous call may answer so: if the flag was already clear the op is
// queued, and a queued op that answered done_and_exhausted would stop the reactor from running
// the read queued behind it. Built on asio::detail (Boost 1.81).

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace sluice::http {
namespace drained_mark_detail {

namespace nd = boost::asio::detail;

// The op being started by mark_drained on this thread: a call from the reactor's event
// handling on any thread finds another value here.
inline thread_local const nd::reactor_op* t_starting = nullptr;

class MarkDrainedOp final : public nd::reactor_op {
 public:
  MarkDrainedOp()
      : nd::reactor_op(boost::system::error_code(), &MarkDrainedOp::do_perform,
                       &MarkDrainedOp::do_complete) {}

 private:
  static status do_perform(nd::reactor_op* base) {
    if (t_starting != base) return done;
    t_starting = nullptr;  // tells mark_drained it ran here
    return done_and_exhausted;
  }
  static void do_complete(void*, nd::operation* base, const boost::system::error_code&,
                          std::size_t) {
    delete static_cast<MarkDrainedOp*>(base);  // no handler: also the path of destroy()
  }
};

// The socket's implementation is a protected member of basic_socket; a pointer to it taken
// through a derived class reaches it legally.
struct SocketAccess : boost::asio::ip::tcp::socket {
  static auto& implementation(boost::asio::ip::tcp::socket& s) {
    return (s.*&SocketAccess::impl_).get_implementation();
  }
};

}  // namespace drained_mark_detail

/// Call only when the socket's last read completed a message and no read is pending on it.
/// `reactor` is the socket's io_context's.
inline void mark_drained(boost::asio::detail::reactor& reactor,
                         boost::asio::ip::tcp::socket& socket) {
  namespace nd = boost::asio::detail;
  using namespace drained_mark_detail;
  auto& impl = SocketAccess::implementation(socket);
  if (impl.socket_ == nd::invalid_socket || !impl.reactor_data_) return;
  auto* op = new MarkDrainedOp;
  void* const key = op;  // set before the op is handed over: it may be gone once started
  op->cancellation_key_ = key;
  t_starting = op;
  reactor.start_op(nd::reactor::read_op, impl.socket_, impl.reactor_data_, op, false, true);
  if (t_starting == op) {
    // Queued (the flag was clear already): it must not wait there, holding the context's
    // work count up, for an edge that may never come. Cancelling completes it as aborted.
    t_starting = nullptr;
    reactor.cancel_ops_by_key(impl.socket_, impl.reactor_data_, nd::reactor::read_op, key);
  }
}

}  // namespace sluice::http
