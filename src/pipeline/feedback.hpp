#pragma once
// POST /v1/feedback: a client's verdict on an answer, counted by the outcome learner.

#include <string>
#include <utility>

#include "http/message.hpp"

namespace sluice::governance {
class Governance;
}
namespace sluice::intel {
class Learner;
}

namespace sluice::pipeline {

/// The status and JSON body (OpenAI error shape on failure) for a POST /v1/feedback.
/// `gov` and `learner` may be null (no auth; nothing learned: every id is unknown).
std::pair<int, std::string> feedback_reply(const http::Request& req, governance::Governance* gov,
                                           intel::Learner* learner, const std::string& request_id);

}  // namespace sluice::pipeline
