// Opaque, tamper-checked page tokens for SearchArticles. A token carries the
// sort key of the last hit returned (keyset pagination, so pages neither
// repeat nor skip when new articles arrive) and a hash of the query it
// belongs to, signed with HMAC-SHA256 under a server key.
// Pure functions; thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_
#define BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_

#include <optional>
#include <string>

namespace broadsheet {

struct SearchCursor {
  std::string rank;  // the last hit's rank, as PostgreSQL printed it (exact)
  std::string id;    // the last hit's id (tie-break)
};

std::string EncodePageToken(const std::string& key, const std::string& query,
                            const SearchCursor& cursor);

// nullopt when the token is malformed, forged, or from another query.
std::optional<SearchCursor> DecodePageToken(const std::string& key, const std::string& query,
                                            const std::string& token);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_
