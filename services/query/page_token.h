// Opaque, tamper-checked page tokens (and watch resume tokens). A token
// carries a keyset position, the sort key and id of the last item returned,
// so pages neither repeat nor skip when new articles arrive, and a hash of
// the request it belongs to (its "binding": query, filter, order, duplicate
// setting, RPC), all signed with HMAC-SHA256 under a server key. A token is
// accepted only with the same key and an identical binding.
// Pure functions; thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_
#define BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_

#include <optional>
#include <string>

namespace broadsheet {

struct PageCursor {
  // The last item's sort key exactly as PostgreSQL printed it: a rank
  // ("0.0123"), a timestamp ("2024-03-01 09:30:00.123456+00") or a name.
  std::string key;
  std::string id;  // the last item's id (tie-break)
  // A relevance search ranked over a window of recent matches (see
  // SearchOptions::relevance_window): the window's oldest match as
  // "date\x1fid", so later pages rank the same window. Empty otherwise.
  std::string window = std::string();
};

std::string EncodePageToken(const std::string& key, const std::string& binding,
                            const PageCursor& cursor);

// nullopt when the token is malformed, forged, or bound to another request.
std::optional<PageCursor> DecodePageToken(const std::string& key, const std::string& binding,
                                          const std::string& token);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_PAGE_TOKEN_H_
