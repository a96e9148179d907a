// Result<T>: a value or an error message, shaped like C++23 std::expected
// (GCC 12 has it only in C++23). Errors are values inside the library; the
// CLI turns them into one message and an exit status.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fantrace {

struct Error {
  std::string message;  // what failed and what to do, one line
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(std::string message) { return Error{std::move(message)}; }

}  // namespace fantrace
