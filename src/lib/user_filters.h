// User filter programs (--filter-bpf): the objects a user built against
// include/fantrace/filter.bpf.h, opened, given their parameters, loaded
// into fantrace's maps and chained through the program array
// ft_filter_chain (see src/bpf/user_filter.bpf.h for the kernel side).
//
// Loading happens in two steps around the skeleton's load: Open() checks
// each file and sets the filters' parameters (so a bad object or argument
// fails before anything reaches the kernel), Load() shares fantrace's maps
// with the objects, loads them and fills the chain. Every failure is a
// message naming the file and, for the verifier, its last log lines.
#pragma once

#include <bpf/libbpf.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fantrace/result.h"

struct fantrace_bpf;

namespace fantrace {

struct FilterParam {
  std::string key;
  std::string value;
};

class UserFilters {
 public:
  // Opens the objects; `params` set const volatile globals of the filters
  // that declare them (every key must be declared by one of them). A filter
  // that declares `ft_cwd` gets `cwd` there unless a param sets it.
  static Result<UserFilters> Open(const std::vector<std::string>& paths,
                                  const std::vector<FilterParam>& params, const std::string& cwd);

  // Loads the objects into the maps of the loaded skeleton and chains their
  // filters in order, commit_filtered last.
  Status Load(fantrace_bpf* skel);

  bool empty() const { return objects_.empty(); }
  // One name per chained filter ("file.bpf.o:function"), in chain order.
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct ObjectDeleter {
    void operator()(bpf_object* obj) const { bpf_object__close(obj); }
  };
  struct Object {
    std::string path;
    std::unique_ptr<bpf_object, ObjectDeleter> obj;
    std::vector<bpf_program*> filters;
  };
  std::vector<Object> objects_;
  std::vector<std::string> names_;
};

// "KEY=VALUE" -> FilterParam.
Result<FilterParam> ParseFilterParam(const std::string& text);

}  // namespace fantrace
