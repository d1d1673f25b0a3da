#include "intel/strict_json.h"

#include <set>
#include <vector>

namespace thim::intel {
namespace {

using json = nlohmann::json;

// Builds the DOM like nlohmann's own SAX-DOM parser, but refuses duplicate
// keys and excessive depth while it goes, naming where ("tcbInfo.tcbLevels[3]").
class StrictSax {
 public:
  explicit StrictSax(int max_depth) : max_depth_(max_depth) {}

  bool null() { return Add(json(nullptr)); }
  bool boolean(bool v) { return Add(json(v)); }
  bool number_integer(json::number_integer_t v) { return Add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return Add(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) { return Add(json(v)); }
  bool string(std::string& v) { return Add(json(std::move(v))); }
  bool binary(json::binary_t&) { return Fail("malformed at " + Path() + ": binary values are not JSON"); }

  bool start_object(std::size_t) { return Push(json::object()); }
  bool key(std::string& k) {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second) return Fail("malformed at " + Path() + ": duplicate key \"" + SafeText(k, 64) + "\"");
    f.key = k;
    return true;
  }
  bool end_object() { return Pop(); }
  bool start_array(std::size_t) { return Push(json::array()); }
  bool end_array() { return Pop(); }

  bool parse_error(std::size_t position, const std::string&, const json::exception& ex) {
    std::string what = ex.what();
    // nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 5: …"
    size_t colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) what = what.substr(colon + 2);
    // nlohmann counts the offending character: report the offset of that byte.
    size_t offset = position > 0 ? position - 1 : 0;
    return Fail("malformed at offset " + std::to_string(offset) + (stack_.empty() ? "" : " (in " + Path() + ")") + ": " +
                SafeText(what, 200));
  }

  json Take() { return std::move(root_); }
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    json* node;
    std::string key;            // objects: the member being parsed
    std::set<std::string> keys;  // objects: every member name seen
  };

  bool Fail(std::string e) {
    if (error_.empty()) error_ = std::move(e);
    return false;
  }
  // The path of the innermost open container: its ancestors' member names
  // and array indices ("top level" for the root).
  std::string Path() const {
    std::string p;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.node->is_array()) {
        p += "[" + std::to_string(f.node->size() - 1) + "]";
      } else {
        if (!p.empty()) p += ".";
        p += SafeText(f.key, 64);
      }
    }
    return p.empty() ? "top level" : p;
  }
  json* Insert(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& parent = stack_.back();
    if (parent.node->is_array()) {
      parent.node->push_back(std::move(v));
      return &parent.node->back();
    }
    return &((*parent.node)[parent.key] = std::move(v));
  }
  bool Add(json v) {
    Insert(std::move(v));
    return true;
  }
  bool Push(json v) {
    if (static_cast<int>(stack_.size()) >= max_depth_)
      return Fail("malformed at " + Path() + ": nesting deeper than " + std::to_string(max_depth_) + " levels");
    json* node = Insert(std::move(v));
    stack_.push_back(Frame{node, {}, {}});
    return true;
  }
  bool Pop() {
    stack_.pop_back();
    return true;
  }

  int max_depth_;
  json root_;
  // Open containers, outermost first. The pointers stay valid: a container
  // only grows while it is the innermost open one.
  std::vector<Frame> stack_;
  std::string error_;
};

std::string TypeName(const json& v) { return v.type_name(); }

}  // namespace

std::string SafeText(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_bytes) {
      out += "…";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

StatusOr<json> ParseStrictJson(std::string_view text, size_t max_bytes, int max_depth) {
  if (text.size() > max_bytes)
    return InvalidArgumentError("malformed: document is " + std::to_string(text.size()) + " bytes, more than " +
                                std::to_string(max_bytes));
  if (text.empty()) return InvalidArgumentError("malformed: empty document");
  // nlohmann-json takes a NUL byte for the end of input (so "{}\0junk"
  // would pass) and skips a leading byte order mark; JSON allows neither.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos)
    return InvalidArgumentError("malformed at offset " + std::to_string(nul) + ": NUL byte");
  if (text.starts_with("\xef\xbb\xbf")) return InvalidArgumentError("malformed at offset 0: byte order mark");
  StrictSax sax(max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("malformed: ") + e.what());
  }
  if (!ok) return InvalidArgumentError(sax.error().empty() ? std::string("malformed JSON document") : sax.error());
  return sax.Take();
}

StatusOr<JsonObject> JsonObject::Of(const json& value, std::string path) {
  if (!value.is_object())
    return InvalidArgumentError("malformed at " + (path.empty() ? std::string("top level") : path) + ": expected an object, got " +
                                TypeName(value));
  return JsonObject(&value, std::move(path));
}

StatusOr<const json*> JsonObject::Get(const char* key) const {
  auto it = obj_->find(key);
  if (it == obj_->end()) return InvalidArgumentError("malformed at " + PathOf(key) + ": missing");
  return &*it;
}

StatusOr<std::string> JsonObject::String(const char* key) const {
  ASSIGN_OR_RETURN(const json* v, Get(key));
  if (!v->is_string()) return Error(key, "expected a string, got " + TypeName(*v));
  return v->get<std::string>();
}

StatusOr<Bytes> JsonObject::Hex(const char* key, size_t len) const {
  ASSIGN_OR_RETURN(std::string s, String(key));
  if (!IsHex(s, len)) return Error(key, len ? "expected " + std::to_string(len) + " hex digits" : "expected hex digits");
  return HexDecode(s);
}

StatusOr<int64_t> JsonObject::Int(const char* key, int64_t min, int64_t max) const {
  ASSIGN_OR_RETURN(const json* v, Get(key));
  if (!v->is_number_integer()) return Error(key, "expected an integer, got " + TypeName(*v));
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return Error(key, "integer out of range");
  int64_t n = v->get<int64_t>();
  if (n < min || n > max) return Error(key, "expected an integer " + std::to_string(min) + ".." + std::to_string(max));
  return n;
}

StatusOr<TimePoint> JsonObject::IntelTime(const char* key) const {
  ASSIGN_OR_RETURN(std::string s, String(key));
  auto t = ParseIntelTime(s);
  if (!t.ok()) return Error(key, t.status().message());
  return *t;
}

StatusOr<JsonObject> JsonObject::Object(const char* key) const {
  ASSIGN_OR_RETURN(const json* v, Get(key));
  return Of(*v, PathOf(key));
}

StatusOr<const json*> JsonObject::Array(const char* key) const {
  ASSIGN_OR_RETURN(const json* v, Get(key));
  if (!v->is_array()) return Error(key, "expected an array, got " + TypeName(*v));
  return v;
}

StatusOr<std::vector<std::string>> JsonObject::StringList(const char* key) const {
  std::vector<std::string> out;
  if (!Has(key)) return out;
  ASSIGN_OR_RETURN(const json* arr, Array(key));
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string()) return Error(key, "element " + std::to_string(i) + " is not a string");
    out.push_back((*arr)[i].get<std::string>());
  }
  return out;
}

Status JsonObject::OnlyKeys(std::initializer_list<const char*> allowed) const {
  for (const auto& [k, v] : obj_->items()) {
    bool known = false;
    for (const char* a : allowed) known |= k == a;
    if (!known) return InvalidArgumentError("malformed at " + PathOf(SafeText(k, 64).c_str()) + ": unexpected key");
  }
  return OkStatus();
}

}  // namespace thim::intel
