#pragma once
// Canonical JSON (core/canonical_json.hpp) straight from JSON text, for the audit's prompt hash,
// which runs for every request: one pass over the bytes instead of a Boost.JSON DOM built only
// to be written out again.
//
// The definition stays canonical_json(boost::json::parse(text)). This is a fast path that
// answers only when it is sure to give exactly those bytes; anything it does not handle
// exactly as Boost.JSON does (invalid JSON, duplicate keys in what it writes, nesting near
// Boost's depth limit, lone surrogates, huge exponents) makes it decline, and the caller takes
// the DOM path. tests/unit/core/canonical_text_test.cpp compares the two on generated
// documents.

#include <span>
#include <string>
#include <string_view>

namespace sluice::core {

/// Appends to `out` the canonical JSON of the object {name: value, ...} holding the members of
/// the top-level object in `json` whose names are in `names` (which must be in sorted order;
/// absent members are left out). The whole document is validated on the way. Returns false,
/// with `out` unspecified, when the fast path declines (see above), including when `json` is
/// not an object.
bool canonical_members(std::string_view json, std::span<const std::string_view> names,
                       std::string& out);

}  // namespace sluice::core
