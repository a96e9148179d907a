#include "cli/shell_marks.h"

#include <cctype>
#include <cstdlib>

namespace fantrace::cli {
namespace {

constexpr char kRecord = '\036';
constexpr char kField = '\037';

std::vector<std::string> Fields(const std::string& text, size_t max) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < max) {
    size_t sep = text.find(kField, start);
    if (sep == std::string::npos) break;
    out.push_back(text.substr(start, sep - start));
    start = sep + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::optional<ShellMark> Parse(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::vector<std::string> f = Fields(text, 4);
  ShellMark m;
  std::string kind = TrimNewlines(f[0]);
  if (kind == "I") m.kind = ShellMark::Kind::kOpened;
  else if (kind == "X") m.kind = ShellMark::Kind::kOff;
  else if (kind == "B" && f.size() == 4) {
    m.kind = ShellMark::Kind::kBegin;
    m.cwd = f[2];
    m.line = StripHistoryNumber(TrimNewlines(f[3]));
  } else if (kind == "E" && f.size() >= 3) {
    m.kind = ShellMark::Kind::kEnd;
    m.status = atoi(TrimNewlines(f[2]).c_str());
  } else {
    return std::nullopt;
  }
  if (m.kind == ShellMark::Kind::kBegin || m.kind == ShellMark::Kind::kEnd) {
    std::optional<int64_t> t = ParseEpochRealtime(f[1]);
    if (!t) return std::nullopt;
    m.time_ns = *t;
  }
  return m;
}

}  // namespace

std::optional<int64_t> ParseEpochRealtime(const std::string& text) {
  size_t dot = text.find_first_of(".,");
  std::string sec = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (sec.empty() || sec.size() > 12) return std::nullopt;
  for (char c : sec + frac)
    if (!isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  frac.resize(9, '0');  // bash gives microseconds, zsh more digits than nanoseconds
  return std::strtoll(sec.c_str(), nullptr, 10) * 1'000'000'000 + std::strtoll(frac.c_str(), nullptr, 10);
}

std::string StripHistoryNumber(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  size_t digits = i;
  while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits) return text;  // zsh: the line as typed
  if (i < text.size() && text[i] == '*') ++i;  // an edited history entry
  while (i < text.size() && text[i] == ' ') ++i;
  return text.substr(i);
}

std::vector<ShellMark> ShellMarkParser::Take() {
  std::vector<ShellMark> out;
  while (true) {
    size_t start = buffer_.find(kRecord);
    if (start == std::string::npos) {
      buffer_.clear();
      break;
    }
    size_t next = buffer_.find(kRecord, start + 1);
    if (next == std::string::npos) {
      // Complete when it ends in a newline and has all its fields (bash
      // writes B in two pieces: the fields, then `history 1`).
      std::string body = buffer_.substr(start + 1);
      bool complete = !body.empty() && body.back() == '\n' && (body[0] != 'B' || Fields(body, 4).size() == 4);
      if (!complete) {
        buffer_.erase(0, start);
        break;
      }
      next = buffer_.size();
    }
    if (std::optional<ShellMark> m = Parse(buffer_.substr(start + 1, next - start - 1))) out.push_back(*m);
    buffer_.erase(0, next);
  }
  return out;
}

std::vector<ShellMark> ShellMarkParser::Flush() {
  std::vector<ShellMark> out = Take();
  if (!buffer_.empty() && buffer_[0] == kRecord)
    if (std::optional<ShellMark> m = Parse(buffer_.substr(1))) out.push_back(*m);
  buffer_.clear();
  return out;
}

}  // namespace fantrace::cli
