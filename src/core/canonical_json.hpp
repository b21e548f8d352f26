#pragma once
// Canonical JSON: object keys sorted (by bytes), no whitespace, strings and numbers as Boost.JSON
// writes them. Two equal documents give the same bytes, whatever order or spacing they came in,
// so their SHA-256 identifies the content (the audit chain, prompt hashes).

#include <boost/json/value.hpp>

#include <string>

namespace sluice::core {

std::string canonical_json(const boost::json::value& v);
void append_canonical_json(std::string& out, const boost::json::value& v);

}  // namespace sluice::core
