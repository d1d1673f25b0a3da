// A signed Intel collateral document as served: {"<body>":{…},"signature":"<hex r‖s>"}.
// Keeps the served text and the exact byte span Intel signed (the value of
// the body member, from its '{' to its matching '}'): the signature is always
// checked over those raw bytes; nothing is ever re-serialised.
// Thread-safety: immutable value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/time.h"

namespace thim::intel {

struct SignedDocument {
  std::string text;          // the whole document, byte-exact
  std::string body_name;     // "tcbInfo", "enclaveIdentity" or "tcbEvaluationDataNumbers"
  size_t signed_offset = 0;  // the signed span within `text`
  size_t signed_length = 0;
  Bytes signature;           // 64 bytes: r ‖ s, big endian
  TimePoint issue_date{};
  TimePoint next_update{};

  std::string_view SignedBytes() const { return std::string_view(text).substr(signed_offset, signed_length); }
};

// Parses the envelope strictly (valid UTF-8 JSON, no duplicate keys, exactly
// the two members `body_name` and "signature", signature 128 hex digits) and
// returns it with the body parsed into `*body` (may be null).
// InvalidArgument "malformed at …" on any deviation.
StatusOr<SignedDocument> ParseSignedDocument(std::string_view text, std::string_view body_name,
                                             nlohmann::json* body = nullptr);

// The body member name ("tcbInfo", "enclaveIdentity" or
// "tcbEvaluationDataNumbers") of the first such member at the top level of
// `text`, or NotFound. Only the top-level members are looked at and nothing
// is validated (a truncated document is still recognised, so that its parser
// reports precisely what is wrong); used to choose the parser.
StatusOr<std::string> DetectSignedBodyName(std::string_view text);

}  // namespace thim::intel
