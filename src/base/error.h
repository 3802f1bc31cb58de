// SPDX-License-Identifier: GPL-2.0-or-later
// Errors as values: a stable reason code for programs and tests, and a
// sentence for the administrator reading the console.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mdguard {

struct Error {
  std::string code;     // stable, kebab-case: "io-error", "bad-checksum", ...
  std::string message;  // for humans; names the file or device concerned
};

// Either a T or an Error. A small stand-in for C++23 std::expected.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace mdguard
