// Secrets out of text. Every string the library shows (errors, raw bodies,
// log lines) is cleaned in two ways (docs/reliability.md, "Secrets in output"):
//
// - by location: wherever a secret is known to sit, whatever it is: the value
//   of a secret key (api::secret_keys()) in JSON text, even truncated or
//   malformed, and in query or form text; the user information of a URL;
//   headers are never shown at all;
// - by text: the secrets a client knows (option values, fetched tokens), when
//   they are long enough to be unambiguous (kMinSearchedSecret).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ak {

// Secrets shorter than this are never searched for as plain text: a password
// "secret" would otherwise turn "client_secret" into "client_***" in every
// message. They are masked only at their locations (mask_by_location).
inline constexpr std::size_t kMinSearchedSecret = 8;

// Replaces every occurrence of each secret of at least kMinSearchedSecret
// bytes in text with "***", in the forms a secret takes on its way: as is,
// percent-encoded (either hex case), and escaped inside JSON text. A secret
// that is part of the library's own vocabulary (a secret key's name, such as
// "password") is not searched for either: it would mask the names.
void scrub_text(std::string &text, const std::vector<std::string> &secrets);

// Masks secrets by where they are, without knowing them:
// - the value of every secret key (api::secret_keys()) written as JSON
//   ("key": "value", also inside a JSON string, \"key\": \"value\"), up to its
//   end or, when the text stops first (a truncated or malformed body), up to
//   the end of the text; a null stays null;
// - the value of every secret key written as a query or form parameter
//   (key=value, up to the next &, #, quote or white space);
// - the user information of every URL (scheme://user:password@host becomes
//   scheme://***@host).
void mask_by_location(std::string &text);

// A URL as it may be shown: user information masked, the values of secret
// query parameters (api::secret_keys(), names percent-decoded) "***".
std::string redact_url(std::string_view url);

// What raw_body says instead of the answer of a token request: that answer
// holds a live token when it succeeded, in whatever shape it arrived.
inline constexpr const char *kWithheldTokenAnswer =
    "(withheld: the answer to the token request may hold a live token)";

}  // namespace ak
