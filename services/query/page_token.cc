#include "query/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace broadsheet {
namespace {

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), 16);  // 128 bits is plenty for a token
}

std::string QueryHash(const std::string& key, const std::string& query) {
  return absl::BytesToHexString(Hmac(key, "query\n" + query)).substr(0, 16);
}

}  // namespace

std::string EncodePageToken(const std::string& key, const std::string& query,
                            const SearchCursor& cursor) {
  std::string payload = "v1\n" + QueryHash(key, query) + "\n" + cursor.rank + "\n" + cursor.id;
  return absl::WebSafeBase64Escape(payload + Hmac(key, payload));
}

std::optional<SearchCursor> DecodePageToken(const std::string& key, const std::string& query,
                                            const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= 16) return std::nullopt;
  std::string payload = raw.substr(0, raw.size() - 16);
  std::string mac = raw.substr(raw.size() - 16);
  std::string expected = Hmac(key, payload);
  if (CRYPTO_memcmp(mac.data(), expected.data(), 16) != 0) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(payload, '\n');
  if (parts.size() != 4 || parts[0] != "v1" || parts[1] != QueryHash(key, query)) return std::nullopt;
  return SearchCursor{parts[2], parts[3]};
}

}  // namespace broadsheet
