#include "protocol/events.hpp"

namespace sluice::protocol {

std::vector<ir::Event> events_of(const ir::Response& res) {
  std::vector<ir::Event> out;
  ir::Event start;
  start.kind = ir::Event::Kind::Start;
  start.id = res.id;
  start.model = res.model;
  start.usage.input = res.usage.input;
  start.usage.cache_read = res.usage.cache_read;
  start.usage.cache_write = res.usage.cache_write;
  out.push_back(std::move(start));
  int index = 0;
  for (const auto& part : res.content) {
    ir::Event ps;
    ps.kind = ir::Event::Kind::PartStart;
    ps.index = index;
    ps.part.kind = part.kind;
    ps.part.id = part.id;
    ps.part.name = part.name;
    ps.part.data = part.data;  // redacted reasoning has no deltas: its data rides on the start
    out.push_back(std::move(ps));
    auto delta = [&](ir::Event::Kind k, const std::string& text) {
      if (text.empty()) return;
      ir::Event d;
      d.kind = k;
      d.index = index;
      d.text = text;
      out.push_back(std::move(d));
    };
    switch (part.kind) {
      case ir::Part::Kind::Text: delta(ir::Event::Kind::TextDelta, part.text); break;
      case ir::Part::Kind::Reasoning:
        delta(ir::Event::Kind::ReasoningDelta, part.text);
        delta(ir::Event::Kind::SignatureDelta, part.signature);
        break;
      case ir::Part::Kind::ToolCall:
        delta(ir::Event::Kind::ToolArgsDelta, part.arguments.empty() ? "{}" : part.arguments);
        break;
      default: break;  // redacted reasoning and others carry no deltas
    }
    ir::Event stop;
    stop.kind = ir::Event::Kind::PartStop;
    stop.index = index++;
    out.push_back(std::move(stop));
  }
  ir::Event fin;
  fin.kind = ir::Event::Kind::Finish;
  fin.stop = res.stop;
  fin.stop_sequence = res.stop_sequence;
  fin.usage = res.usage;
  out.push_back(std::move(fin));
  ir::Event done;
  done.kind = ir::Event::Kind::Done;
  out.push_back(std::move(done));
  return out;
}

namespace {
std::size_t part_bytes(const ir::Part& p) {
  std::size_t n = p.text.size() + p.name.size() + p.arguments.size();
  // Images cost a fixed-ish number of tokens on every provider; ~1.6k tokens is typical.
  if (p.kind == ir::Part::Kind::Image) n += 1600 * 4;
  for (const auto& c : p.content) n += part_bytes(c);
  return n;
}
}  // namespace

std::int64_t estimate_input_tokens(const ir::Request& req) {
  std::size_t bytes = 0;
  std::int64_t framing = 0;
  for (const auto& i : req.instructions) {
    bytes += i.text.size();
    framing += 3;
  }
  for (const auto& m : req.messages) {
    for (const auto& p : m.parts) bytes += part_bytes(p);
    framing += 4;
  }
  for (const auto& t : req.tools) {
    bytes += t.name.size() + t.description.size() + t.parameters.size();
    framing += 8;
  }
  return static_cast<std::int64_t>((bytes + 3) / 4) + framing;
}

}  // namespace sluice::protocol
