#include "intel/signed_document.h"

#include "intel/strict_json.h"

namespace thim::intel {
namespace {

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

// Skips one JSON string starting at s[i] == '"'. The text was already
// validated by the strict parser, so only the extent matters here.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return s.size();
}

// Skips one JSON value starting at s[i]; returns the index just past it.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '"') {
        i = SkipString(s, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return s.size();
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
    ++i;
  return i;
}

}  // namespace

StatusOr<SignedDocument> ParseSignedDocument(std::string_view text, std::string_view body_name, nlohmann::json* body) {
  ASSIGN_OR_RETURN(nlohmann::json root, ParseStrictJson(text));
  ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(root, ""));
  std::string name(body_name);
  if (!top.Has(name.c_str())) return InvalidArgumentError("malformed at " + name + ": missing");
  ASSIGN_OR_RETURN(JsonObject inner, top.Object(name.c_str()));
  (void)inner;
  RETURN_IF_ERROR(top.OnlyKeys({name.c_str(), "signature"}));
  SignedDocument doc;
  doc.body_name = name;
  ASSIGN_OR_RETURN(doc.signature, top.Hex("signature", 128));

  // Locate the raw span of the body member's value in the served text.
  size_t i = 0;
  SkipSpace(text, i);
  ++i;  // '{' (validated above)
  bool found = false;
  while (i < text.size()) {
    SkipSpace(text, i);
    size_t key_start = i;
    size_t key_end = SkipString(text, i);
    std::string_view raw_key = text.substr(key_start + 1, key_end - key_start - 2);
    i = key_end;
    SkipSpace(text, i);
    ++i;  // ':'
    SkipSpace(text, i);
    size_t value_start = i;
    size_t value_end = SkipValue(text, i);
    // Keys are compared raw: Intel never escapes them, and an escaped spelling
    // of the body name would not be what Intel signed.
    if (raw_key == body_name) {
      doc.signed_offset = value_start;
      doc.signed_length = value_end - value_start;
      found = true;
    }
    i = value_end;
    SkipSpace(text, i);
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  if (!found) return InvalidArgumentError("malformed at " + name + ": the member name is escaped");
  doc.text = std::string(text);
  if (body) *body = std::move(root[name]);
  return doc;
}

StatusOr<std::string> DetectSignedBodyName(std::string_view text) {
  // Walks the top-level members only (a body name quoted somewhere deeper, or
  // in another kind of JSON, does not count). The text is not validated
  // here: the parser for the detected kind does that, with precise errors.
  size_t i = 0;
  SkipSpace(text, i);
  if (i >= text.size() || text[i] != '{') return NotFoundError("not a signed Intel collateral document: not a JSON object");
  ++i;
  while (true) {
    SkipSpace(text, i);
    if (i >= text.size() || text[i] != '"') break;
    size_t key_end = SkipString(text, i);
    if (key_end > text.size() || key_end < i + 2) break;
    std::string_view key = text.substr(i + 1, key_end - i - 2);
    for (const char* name : {"tcbInfo", "enclaveIdentity", "tcbEvaluationDataNumbers"})
      if (key == name) return std::string(name);
    i = key_end;
    SkipSpace(text, i);
    if (i >= text.size() || text[i] != ':') break;
    ++i;
    SkipSpace(text, i);
    i = SkipValue(text, i);
    SkipSpace(text, i);
    if (i >= text.size() || text[i] != ',') break;
    ++i;
  }
  return NotFoundError("not a signed Intel collateral document: no tcbInfo, enclaveIdentity or tcbEvaluationDataNumbers member");
}

}  // namespace thim::intel
