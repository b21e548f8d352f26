#pragma once
// Two hints to Asio's epoll reactor that a socket has nothing more to read until its next
// readiness edge, so that the next read waits for epoll instead of trying a recv first.
// Included only by the Beast translation units (http/server.cpp, http/client.cpp); built on
// asio::detail (Boost 1.81).
//
// Asio starts a read with a speculative recv unless its reactor knows the socket is drained,
// and it learns that only from a read of 0 bytes. A proxy's reads mostly follow its own writes
// (the upstream's answer after a request, the client's next request after an answer), so each
// of those reads began with a recv that returned EAGAIN: two system calls a request that nginx
// does not make (its read event is "not ready" after a short read).
//
// The rule both use: with edge-triggered epoll, bytes that arrive after a recv raise a new
// edge. A read that waits for an edge hangs only if what it wants arrived, and its edge was
// taken, before it was queued. The one thing a short recv does not tell is a FIN that came
// with the data: nginx learns that from EPOLLRDHUP, which Asio neither asks for nor hands to an
// operation. Where each hint is used is chosen so that an unseen FIN costs no hang:
//
// - mark_drained(), on an upstream connection going back to the pool after a complete
//   response. Nothing legitimate arrives before sluice's next request; the answer to that
//   comes after sluice writes it, with its own edge. A FIN left unseen (the upstream closed the
//   idle connection) draws a RST when the next request is written, a new edge, and the read
//   fails like any connection closed under a reused request: send_upstream retries that once
//   on a fresh connection. Mid-response it is never used: a FIN that came with the last bytes
//   of a cut stream would be lost.
// - async_read_drained(), for a client connection's keep-alive wait for its next request: a
//   short read of a request marks the socket drained, so the wait after the answer is an epoll
//   wait. A FIN that came with the request (a client that half-closes after sending) is then
//   seen only at the idle timeout instead of after the answer; the client has its answer, and
//   one that waits for the end of the stream sends Connection: close, which closes at once.
//   A client that closes before its answer is unaffected: writing the answer draws a RST.

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/memory.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/query.hpp>

namespace sluice::http {
namespace reactor_hints_detail {

namespace net = boost::asio;
namespace nd = boost::asio::detail;

// The socket's implementation (descriptor, state, reactor registration) is a protected member
// of basic_socket; a pointer to it taken through a derived class reaches it legally.
struct SocketAccess : net::ip::tcp::socket {
  static auto& implementation(net::ip::tcp::socket& s) {
    return (s.*&SocketAccess::impl_).get_implementation();
  }
};

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

// Asio's receive op (reactive_socket_recv_op) but for one rule: a short read reports the socket
// drained (done_and_exhausted), as a read of 0 bytes does in Asio.
template <class Handler, class IoExecutor>
class DrainedRecvOp : public nd::reactor_op {
 public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(DrainedRecvOp);

  DrainedRecvOp(const boost::system::error_code& success_ec, nd::socket_type socket,
                net::mutable_buffer buffer, Handler& handler, const IoExecutor& io_ex)
      : nd::reactor_op(success_ec, &DrainedRecvOp::do_perform, &DrainedRecvOp::do_complete),
        socket_(socket),
        buffer_(buffer),
        handler_(static_cast<Handler&&>(handler)),
        work_(handler_, io_ex) {}

  static status do_perform(nd::reactor_op* base) {
    auto* o = static_cast<DrainedRecvOp*>(base);
    if (!nd::socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), 0,
                                            true, o->ec_, o->bytes_transferred_)) {
      return not_done;  // EAGAIN: wait for the reactor
    }
    // A short read drained the socket; a read of 0 bytes (end of stream) too, as in Asio.
    if (!o->ec_ && o->bytes_transferred_ < o->buffer_.size()) return done_and_exhausted;
    return o->bytes_transferred_ == 0 ? done_and_exhausted : done;
  }

  static void do_complete(void* owner, nd::operation* base, const boost::system::error_code&,
                          std::size_t) {
    // As reactive_socket_recv_op::do_complete: move the handler out, free the op, then call.
    auto* o = static_cast<DrainedRecvOp*>(base);
    ptr p = {nd::addressof(o->handler_), o, o};
    nd::handler_work<Handler, IoExecutor> w(
        static_cast<nd::handler_work<Handler, IoExecutor>&&>(o->work_));
    nd::binder2<Handler, boost::system::error_code, std::size_t> handler(o->handler_, o->ec_,
                                                                         o->bytes_transferred_);
    p.h = nd::addressof(handler.handler_);
    p.reset();
    if (owner) {
      nd::fenced_block b(nd::fenced_block::half);
      w.complete(handler, handler.handler_);
    }
  }

 private:
  nd::socket_type socket_;
  net::mutable_buffer buffer_;
  Handler handler_;
  nd::handler_work<Handler, IoExecutor> work_;
};

// Per-operation cancellation, as Asio's socket service registers it for its own reads.
class Cancellation {
 public:
  Cancellation(nd::reactor* r, nd::reactor::per_descriptor_data* data, int descriptor)
      : reactor_(r), data_(data), descriptor_(descriptor) {}
  void operator()(net::cancellation_type_t type) {
    if (!!(type & (net::cancellation_type::terminal | net::cancellation_type::partial |
                   net::cancellation_type::total))) {
      reactor_->cancel_ops_by_key(descriptor_, *data_, nd::reactor::read_op, this);
    }
  }

 private:
  nd::reactor* reactor_;
  nd::reactor::per_descriptor_data* data_;
  int descriptor_;
};

}  // namespace reactor_hints_detail

/// Call only when the socket's last read completed a message and no read is pending on it.
/// `reactor` is the socket's io_context's.
inline void mark_drained(boost::asio::detail::reactor& reactor,
                         boost::asio::ip::tcp::socket& socket) {
  namespace nd = boost::asio::detail;
  using namespace reactor_hints_detail;
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

/// socket.async_read_some(buffer, token), except that a short read tells the reactor the socket
/// is drained (see the top of this file for where that is sound). `reactor` is the socket's
/// io_context's.
template <class Token>
auto async_read_drained(boost::asio::detail::reactor& reactor, boost::asio::ip::tcp::socket& socket,
                        boost::asio::mutable_buffer buffer, Token&& token) {
  namespace net = boost::asio;
  namespace nd = boost::asio::detail;
  using namespace reactor_hints_detail;
  return net::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [&reactor, &socket, buffer](auto handler) {
        using H = decltype(handler);
        using IoExecutor = net::ip::tcp::socket::executor_type;
        using Op = DrainedRecvOp<H, IoExecutor>;
        auto& impl = SocketAccess::implementation(socket);
        const bool is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
        auto slot = net::get_associated_cancellation_slot(handler);
        typename Op::ptr p = {nd::addressof(handler), Op::ptr::allocate(handler), nullptr};
        p.p = new (p.v)
            Op(boost::system::error_code(), impl.socket_, buffer, handler, socket.get_executor());
        if (slot.is_connected()) {
          p.p->cancellation_key_ =
              &slot.template emplace<Cancellation>(&reactor, &impl.reactor_data_, impl.socket_);
        }
        if (!(impl.state_ & nd::socket_ops::non_blocking) &&
            !nd::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true, p.p->ec_)) {
          reactor.post_immediate_completion(p.p, is_continuation);
        } else {
          // Speculative allowed: the reactor skips the first recv while its flag says drained.
          reactor.start_op(nd::reactor::read_op, impl.socket_, impl.reactor_data_, p.p,
                           is_continuation, true);
        }
        p.v = p.p = nullptr;
      },
      token);
}

}  // namespace sluice::http
