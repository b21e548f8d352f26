#pragma once
// Beast's http::async_read / async_read_header / async_read_some as one coroutine over the
// stream's own async_read_some. Beast stacks three composed operations per read (read_op,
// read_some_op and, on a tcp_stream, transfer_op), each copying the type-erased executor and
// tracking work; on a chat request that was ~3% of the gateway's instructions. The parsing
// loop is the same as Beast's (http/impl/read.hpp): put what is buffered, read more only on
// need_more, turn EOF into put_eof or end_of_stream. Included only by the Beast translation
// units (http/server.cpp, http/client.cpp).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

namespace sluice::http {

/// The synchronous part of read_parsed: feeds `parser` what `b` holds. True when that settled
/// it: `done(parser)` holds, or `ec` has an error other than need_more. False when the parser
/// needs bytes that have not arrived. `Parser` is a beast::http::basic_parser.
template <class Parser, class Done>
bool parse_buffered(boost::beast::flat_buffer& b, Parser& parser, Done done,
                    boost::system::error_code& ec) {
  while (b.size() != 0) {
    b.consume(parser.put(b.data(), ec));
    if (ec == boost::beast::http::error::need_more) break;
    if (ec || done(parser)) return true;  // else: e.g. the head is parsed and the body follows
  }
  ec = {};
  return false;
}

/// Until `done(parser)` holds after a successful parse, or an error: feeds `parser` what `b`
/// holds and reads `stream` into `b` when the parser needs more. Returns the first error
/// (need_buffer included: the parser's body buffer is full), or none. Callers on a hot path try
/// parse_buffered first: what has already arrived then costs no coroutine.
template <class Stream, class Parser, class Done>
boost::asio::awaitable<boost::system::error_code> read_parsed(Stream& stream,
                                                              boost::beast::flat_buffer& b,
                                                              Parser& parser, Done done) {
  namespace bhttp = boost::beast::http;
  boost::system::error_code ec;
  for (;;) {
    if (parse_buffered(b, parser, done, ec)) co_return ec;
    const std::size_t size = boost::beast::read_size(b, 65536);
    if (size == 0) co_return bhttp::error::buffer_overflow;
    auto [rec, n] = co_await stream.async_read_some(
        b.prepare(size), boost::asio::as_tuple(boost::asio::use_awaitable));
    b.commit(n);
    if (rec == boost::asio::error::eof) {
      if (!parser.got_some()) co_return bhttp::error::end_of_stream;
      ec = {};
      parser.put_eof(ec);  // a message that ends with the connection, or partial_message
      co_return ec;
    }
    if (rec) co_return rec;
  }
}

}  // namespace sluice::http
