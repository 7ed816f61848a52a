#include "query/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace broadsheet {
namespace {

constexpr size_t kMacBytes = 16;  // 128 bits is plenty for a token

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), kMacBytes);
}

std::string BindingHash(const std::string& key, const std::string& binding) {
  return absl::BytesToHexString(Hmac(key, "binding\n" + binding)).substr(0, 16);
}

}  // namespace

std::string EncodePageToken(const std::string& key, const std::string& binding,
                            const PageCursor& cursor) {
  // Fields are base64 so any byte (a name with a '.') survives the split.
  std::string payload = absl::StrCat("v3.", BindingHash(key, binding), ".",
                                     absl::WebSafeBase64Escape(cursor.key), ".",
                                     absl::WebSafeBase64Escape(cursor.id), ".",
                                     absl::WebSafeBase64Escape(cursor.window));
  return absl::WebSafeBase64Escape(payload + Hmac(key, payload));
}

std::optional<PageCursor> DecodePageToken(const std::string& key, const std::string& binding,
                                          const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= kMacBytes) return std::nullopt;
  std::string payload = raw.substr(0, raw.size() - kMacBytes);
  std::string mac = raw.substr(raw.size() - kMacBytes);
  std::string expected = Hmac(key, payload);
  if (CRYPTO_memcmp(mac.data(), expected.data(), kMacBytes) != 0) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(payload, '.');
  if (parts.size() != 5 || parts[0] != "v3" || parts[1] != BindingHash(key, binding)) {
    return std::nullopt;
  }
  PageCursor cursor;
  if (!absl::WebSafeBase64Unescape(parts[2], &cursor.key) ||
      !absl::WebSafeBase64Unescape(parts[3], &cursor.id) ||
      !absl::WebSafeBase64Unescape(parts[4], &cursor.window)) {
    return std::nullopt;
  }
  return cursor;
}

}  // namespace broadsheet
