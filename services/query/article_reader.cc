#include "query/article_reader.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "query/search_query.h"
#include "query/snippet.h"

namespace broadsheet {
namespace {

// Columns shared by every statement that returns articles, in this order.
constexpr char kArticleColumns[] =
    "a.id, a.title, a.standfirst, a.author_name, a.author_bio, a.image_caption, a.image_credit, "
    "a.site_name, a.site_tagline, a.url, a.language, a.word_count, a.fingerprint, "
    "extract(epoch from a.published_at)::float8, extract(epoch from a.fetched_at)::float8, "
    "extract(epoch from a.indexed_at)::float8";
constexpr int kArticleColumnCount = 16;

// An article's date for newest-first order (see migrations/100_query_search.sql),
// of `articles <t>`: with t = "a", articles_newest_idx's expression.
std::string DateSql(const char* t) {
  return absl::StrCat("coalesce(", t, ".published_at, ", t, ".fetched_at, ", t, ".indexed_at)");
}

constexpr char kTsQuery[] = "websearch_to_tsquery('english', $1::text)";

// The host of an article's URL, for site filters.
std::string HostSql(const char* t) {
  return absl::StrCat("lower(substring(", t, ".url from '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)'))");
}

// The conditions of an ArticleQuery on `articles <t>` but the collapse of
// near-duplicates (FilterSql), with the parameter layout every
// search/list/watch statement shares:
//   $1 text, $2 limit, $3 authors[], $4 sites[], $5/$6 published from/to,
//   $7/$8 fetched from/to, $9 language, $10 include_duplicates,
//   $11 excluded authors[], $12 excluded sites[].
// An empty parameter disables its condition; the pool plans every
// execution for its parameters (plan_cache_mode = force_custom_plan), so
// disabled conditions fold away and never cost a scan. Author and site
// values come lower-cased (Utf8Lower: what lower() does in a UTF-8
// database), as constants the planner can estimate and match to
// articles_author_lower_idx.
std::string MatchSql(const char* t, bool with_text) {
  // Whether the article is of site `v` (a lower-cased name, crawler label
  // or host, which also covers its subdomains).
  const std::string host = HostSql(t);
  auto of_site = [&](const char* v) {
    return absl::StrCat("lower(", t, ".site_name) = ", v, " OR ", host, " = ", v, " OR right(",
                        host, ", length(", v, ") + 1) = '.' || ", v,
                        " OR EXISTS (SELECT 1 FROM source_pages sp WHERE sp.article_id = ", t,
                        ".id AND lower(sp.site) = ", v, ")");
  };
  // The published range bounds an article's date as newest order has it
  // (DateSql): pages that give no publication time are not left out.
  const std::string date = DateSql(t);
  return absl::StrCat(
      with_text ? absl::StrCat("($1::text = '' OR ", t, ".tsv @@ ", kTsQuery, ") AND ") : "",
      "(cardinality($3::text[]) = 0 OR lower(", t, ".author_name) = ANY($3::text[]))",
      " AND (cardinality($4::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest($4::text[]) s(v) WHERE ",
      of_site("s.v"), "))",
      " AND (cardinality($11::text[]) = 0 OR lower(", t, ".author_name) <> ALL($11::text[]))",
      " AND (cardinality($12::text[]) = 0 OR NOT EXISTS (SELECT 1 FROM unnest($12::text[]) x(v) ",
      "WHERE ", of_site("x.v"), "))",
      " AND ($5::text = '' OR ", date, " >= NULLIF($5::text, '')::timestamptz)",
      " AND ($6::text = '' OR ", date, " < NULLIF($6::text, '')::timestamptz)",
      " AND ($7::text = '' OR ", t, ".fetched_at >= NULLIF($7::text, '')::timestamptz)",
      " AND ($8::text = '' OR ", t, ".fetched_at < NULLIF($8::text, '')::timestamptz)",
      " AND ($9::text = '' OR ", t, ".language = $9::text)");
}

// The filter of an ArticleQuery over `articles a`. Unless $10 asks for
// every copy, a group of near-duplicates (same canonical_id) shows one
// article: the one with the smallest id among those that match. That is
// the canonical article (canonical_id = id; IS TRUE: estimated from
// migration 105's statistics) unless it does not match, e.g. a later
// version carries a word the first lacks: then the smallest matching copy
// stands for the group, instead of the match vanishing. Links do not
// chain (canonical_id is the smallest id among an article's own
// near-duplicates), so the canonical article itself is probed by id too.
// Only non-canonical matches run the NOT EXISTS probe (the OR stops at the
// first true arm).
std::string FilterSql(bool with_text = true) {
  return absl::StrCat(
      MatchSql("a", with_text),
      " AND ($10::boolean OR (a.canonical_id IS NULL OR a.canonical_id = a.id) IS TRUE",
      " OR NOT EXISTS (SELECT 1 FROM articles b WHERE (b.canonical_id = a.canonical_id",
      " OR b.id = a.canonical_id) AND b.id < a.id AND ", MatchSql("b", /*with_text=*/true), "))");
}

// Columns after the article's: the sort key as text, the snippet's source
// (standfirst and body for BuildSnippet when there are words and snippets
// are wanted, else the body's opening), the number of collapsed
// near-duplicates, the query as tsquery text (its lexemes to highlight).
std::string HitExtras(const char* key) {
  return absl::StrCat(
      ", ", key, "::text, CASE WHEN $1::text = '' OR NOT $13::boolean THEN left(a.body, 240) ",
      "ELSE a.standfirst || E'\\n' || a.body END, ",
      "CASE WHEN $10::boolean THEN 0 ELSE (SELECT count(*) FROM articles d "
      "WHERE d.canonical_id = a.canonical_id AND d.id <> a.id) END, ", kTsQuery, "::text");
}

// `hits`: the page of ranked rows (id, rank) of `ranked` after the cursor
// ($14 rank, $15 id; '' on the first page), best first, $2 of them.
std::string RankedPageSql(const char* ranked) {
  return absl::StrCat("hits AS (SELECT r.id, r.rank FROM ", ranked, " r WHERE $14::text = '' "
                      "OR r.rank < NULLIF($14::text, '')::real "
                      "OR (r.rank = NULLIF($14::text, '')::real AND r.id > $15::text) "
                      "ORDER BY r.rank DESC, r.id LIMIT $2)");
}

// Relevance: rank every match once, keyset-filter, take a page; snippet
// text only for the rows returned. $13 snippets?, $14/$15 cursor. The pass
// that ranks every match also counts them and their facets (exact, at no
// extra visits): extra columns after HitExtras are the number of matches
// and the facets as SearchFacets JSON.
// The facets of the rows of `source` (columns author_name, site_name,
// language) as SearchFacets JSON: the 20 largest values of each.
std::string FacetsJsonSql(const char* source) {
  auto facet = [source](const char* name, const char* col) {
    return absl::StrCat("'", name, "', (SELECT coalesce(json_agg(json_build_object('value', x.v, "
                        "'count', x.n) ORDER BY x.n DESC, x.v), '[]'::json) FROM (SELECT m.", col,
                        " AS v, count(*) AS n FROM ", source, " m WHERE m.", col,
                        " <> '' GROUP BY m.", col, " ORDER BY 2 DESC, 1 LIMIT 20) x)");
  };
  return absl::StrCat("json_build_object(", facet("authors", "author_name"), ", ",
                      facet("sites", "site_name"), ", ", facet("languages", "language"),
                      ")::text");
}

std::string SearchRelevanceSql() {
  return absl::StrCat(
      "WITH m AS MATERIALIZED (SELECT a.id, ts_rank_cd(a.tsv, ", kTsQuery,
      ") AS rank, a.author_name, a.site_name, a.language FROM articles a WHERE ", FilterSql(), "), ",
      RankedPageSql("m"), ", "
      "totals AS (SELECT (SELECT count(*) FROM m) AS n, ", FacetsJsonSql("m"), " AS facets) "
      "SELECT ", kArticleColumns, HitExtras("h.rank"), ", t.n, t.facets "
      "FROM hits h JOIN articles a ON a.id = h.id CROSS JOIN totals t ORDER BY h.rank DESC, h.id");
}

// Relevance over a window: only the $16 most recent matches are ranked.
// $19, when set, is a date (epoch seconds) before which there are none of
// them by the estimates (WindowStart): PostgreSQL then intersects
// that range of articles_newest_idx with the text index and visits about
// the window's matches only; without it, it walks the date index from the
// newest article (for a very broad query a few rows per match). Either way
// the statement takes exactly the $16 newest matches. Later pages pass the
// window's oldest match as $17 (date) / $18 (id) and rank everything from
// there on, so they rank the same articles (plus any newer arrivals). Extra
// columns: the window's oldest date and id, its size and its facets (the
// window is the facets' sample: a second sample would cost a bitmap of
// every match).
std::string SearchRelevanceWindowSql() {
  const std::string date = DateSql("a");
  return absl::StrCat(
      "WITH cand AS MATERIALIZED (SELECT a.id, ", date, " AS d, ts_rank_cd(a.tsv, ", kTsQuery,
      ") AS rank, a.author_name, a.site_name, a.language FROM articles a WHERE ", FilterSql(),
      " AND ($17::text = '' OR (", date,
      ", a.id) >= (NULLIF($17::text, '')::timestamptz, $18::text))",
      " AND ($19::text = '' OR ", date, " >= to_timestamp(NULLIF($19::text, '')::float8))",
      " ORDER BY ", date, " DESC, a.id DESC LIMIT CASE WHEN $17::text = '' THEN $16::bigint END), "
      "edge AS (SELECT c.d, c.id FROM cand c ORDER BY c.d, c.id LIMIT 1), ",
      RankedPageSql("cand"), " "
      "SELECT ", kArticleColumns, HitExtras("h.rank"),
      ", (SELECT e.d::text FROM edge e), (SELECT e.id FROM edge e), (SELECT count(*) FROM cand), ",
      FacetsJsonSql("cand"),
      " FROM hits h JOIN articles a ON a.id = h.id ORDER BY h.rank DESC, h.id");
}

// Newest first along articles_newest_idx.
std::string SearchNewestSql() {
  const std::string date = DateSql("a");
  return absl::StrCat(
      "WITH hits AS (SELECT a.id, ", date, " AS d FROM articles a WHERE ", FilterSql(),
      " AND ($14::text = '' OR (", date, ", a.id) < (NULLIF($14::text, '')::timestamptz, "
      "$15::text)) ORDER BY ", date, " DESC, a.id DESC LIMIT $2) "
      "SELECT ", kArticleColumns, HitExtras("h.d"),
      " FROM hits h JOIN articles a ON a.id = h.id ORDER BY h.d DESC, h.id DESC");
}

// Total and facets from the first $2 text matches (without words: the first
// $2 rows passing the filters): `pass` says whether a sampled row also
// passes the filters. Rows: ('n', '', sampled),
// ('p', '', passing), ('e', '', planner estimate or -1), then up to 20
// (kind, value, count) per facet among passing rows.
std::string SearchSampleSql() {
  auto f = [&](const char* kind, const char* col) {
    return absl::StrCat("(SELECT '", kind, "'::text, ", col, ", count(*) FROM s WHERE pass AND ",
                        col, " <> '' GROUP BY ", col, " ORDER BY 3 DESC, 2 LIMIT 20)");
  };
  return absl::StrCat(
      "WITH s AS MATERIALIZED (SELECT a.author_name, a.site_name, a.language, (",
      FilterSql(/*with_text=*/false),
      ") AS pass FROM articles a WHERE CASE WHEN $1::text = '' THEN (", FilterSql(false),
      ") ELSE a.tsv @@ ", kTsQuery, " END LIMIT $2) ",
      "SELECT 'n'::text, ''::text, count(*) FROM s "
      "UNION ALL SELECT 'p', '', count(*) FROM s WHERE pass "
      "UNION ALL SELECT 'e', '', CASE WHEN (SELECT count(*) FROM s) < $2 OR $1::text = '' THEN -1 "
      "ELSE query_estimate_matches(", kTsQuery, ") END "
      "UNION ALL ", f("a", "author_name"), " UNION ALL ", f("s", "site_name"),
      " UNION ALL ", f("l", "language"));
}

// The planner's estimate of the articles passing the filters ($3..$12; $1
// is '' here) that search shows: canonical ones unless $10 includes
// near-duplicates (migration 105's statistics estimate that), read from
// EXPLAIN (no scan; the bound values are planned as constants). A canonical
// article that does not pass while a copy does is not counted, so this can
// fall short by such groups; BoundEstimates caps an author filter's total.
// $2, the limit, is passed as the largest int: the estimate is not capped.
std::string FilterEstimateSql() {
  return absl::StrCat("EXPLAIN (FORMAT JSON) SELECT 1 FROM articles a WHERE ",
                      MatchSql("a", /*with_text=*/true),
                      " AND ($10::boolean OR (a.canonical_id IS NULL OR a.canonical_id = a.id) IS "
                      "TRUE) LIMIT $2");
}

// The top plan node's row estimate in EXPLAIN (FORMAT JSON) output; -1 when
// absent.
int64_t PlanRows(const std::string& plan_json) {
  const nlohmann::json plan = nlohmann::json::parse(plan_json, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json::json_pointer rows("/0/Plan/Plan Rows");
  if (plan.is_discarded() || !plan.contains(rows) || !plan[rows].is_number()) return -1;
  return plan[rows].get<int64_t>();
}

// What the indexer counts exactly, to bound estimates with: the article
// counts of authors $1 and sites $2 (by name, as facets show them), and the
// articles of the authors filtered by ($3, lower-cased), summed ('f').
constexpr char kStoredCountsSql[] =
    "SELECT 'a'::text, name, article_count::bigint FROM authors WHERE name = ANY($1::text[]) "
    "UNION ALL SELECT 's', name, article_count FROM sites WHERE name = ANY($2::text[]) "
    "UNION ALL SELECT 'f', '', coalesce(sum(article_count), 0) FROM authors "
    "WHERE cardinality($3::text[]) > 0 AND lower(name) = ANY($3::text[])";

// For each given word that matches no article, the closest vocabulary word.
constexpr char kSpellSql[] =
    "SELECT w.word, (SELECT v.word FROM query_vocabulary v WHERE v.word % w.word "
    "AND v.word <> w.word ORDER BY similarity(v.word, w.word) DESC, v.ndoc DESC, v.word "
    "LIMIT 1) FROM unnest($1::text[]) AS w(word) "
    "WHERE numnode(plainto_tsquery('english', w.word)) > 0 AND NOT EXISTS "
    "(SELECT 1 FROM articles a WHERE a.tsv @@ plainto_tsquery('english', w.word))";

// Articles $1 with their body, every source page (four parallel arrays,
// oldest fetch first) and their near-duplicates, nearest first: the links
// the indexer stored when the later of each pair arrived (both directions,
// within BROADSHEET_NEAR_DUPLICATE_DISTANCE; the ones search collapses by),
// one index range scan (re-deriving them through the four SimHash band
// indexes cost a third of a lookup's database time). One statement, so one
// round trip and one snapshot.
std::string GetArticlesSql() {
  constexpr char kSourceOrder[] = " ORDER BY sp.fetched_at NULLS LAST, sp.page_id)";
  return absl::StrCat(
      "SELECT ", kArticleColumns, ", a.body, s.page_ids, s.urls, s.sites, s.fetched, "
      "(SELECT array_agg(d.duplicate_id ORDER BY d.distance, d.duplicate_id) "
      "FROM near_duplicates d WHERE d.article_id = a.id) "
      "FROM articles a LEFT JOIN LATERAL (SELECT array_agg(sp.page_id", kSourceOrder,
      " AS page_ids, array_agg(sp.url", kSourceOrder, " AS urls, array_agg(sp.site", kSourceOrder,
      " AS sites, array_agg(extract(epoch from sp.fetched_at)::float8", kSourceOrder,
      " AS fetched FROM source_pages sp WHERE sp.article_id = a.id) s ON true "
      "WHERE a.id = ANY($1::text[])");
}

std::string SimilarDuplicatesSql() {
  return absl::StrCat(
      "SELECT ", kArticleColumns, ", bit_count((x.fingerprint # a.fingerprint)::bit(64))::int "
      "FROM articles x JOIN articles a ON (a.fp_band0 = x.fp_band0 OR a.fp_band1 = x.fp_band1 "
      "OR a.fp_band2 = x.fp_band2 OR a.fp_band3 = x.fp_band3) "
      "WHERE x.id = $1 AND x.fingerprint <> 0 AND a.id <> x.id "
      "AND bit_count((x.fingerprint # a.fingerprint)::bit(64)) <= 3 "
      "ORDER BY 17, a.id LIMIT $2");
}

// Articles sharing the most telling of $1's title and standfirst lexemes
// (weights A and B). A lexeme tells more the rarer it is: its share of
// articles comes from the statistics ANALYZE keeps for `tsv`, or, for a
// lexeme too rare to be listed there (names and places, the telling ones),
// from counting its articles through the text index (up to 2,001). The
// rarest terms are taken, up to 16 while together they are expected in at
// most 2,000 articles (always the rarest one), so the candidates (articles
// with any of them, at most 2,000) are those sharing rare words, not any
// 2,000 sharing a common one. Score: the shared terms' idf (ln 1/share),
// doubled where the candidate has the term in its own title or standfirst,
// over the most it could get (0-1].
std::string SimilarTermsSql() {
  // The lexeme as tsquery text: quoted, with backslashes and quotes escaped.
  constexpr char kQuoted[] =
      "'''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''') || ''''";
  return absl::StrCat(
      "WITH stats AS MATERIALIZED (SELECT e.elem, e.share FROM pg_stats p, "
      "unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS e(elem, share) "
      "WHERE p.schemaname = current_schema() AND p.tablename = 'articles' AND p.attname = 'tsv' "
      "AND e.elem IS NOT NULL), "
      "articles_n AS (SELECT greatest(reltuples, 1) AS n FROM pg_class "
      "WHERE oid = 'articles'::regclass), "
      "heading AS (SELECT t.lexeme, s.share, (", kQuoted, ")::tsquery AS q, (", kQuoted,
      " || ':AB')::tsquery AS q_heading FROM articles x CROSS JOIN unnest(x.tsv) t "
      "LEFT JOIN stats s ON s.elem = t.lexeme WHERE x.id = $1 AND t.weights && ARRAY['A', 'B']), "
      "counted AS (SELECT h.lexeme, h.q, h.q_heading, coalesce(h.share, (SELECT count(*) FROM "
      "(SELECT 1 FROM articles a WHERE a.tsv @@ h.q LIMIT 2001) c) / (SELECT n FROM articles_n)) "
      "AS share FROM heading h), "
      "ranked AS (SELECT ln(1 / least(greatest(r.share, 1e-9), 0.999)) AS idf, r.q, r.q_heading, "
      "row_number() OVER (ORDER BY r.share, r.lexeme) AS n, "
      "sum(r.share) OVER (ORDER BY r.share, r.lexeme) AS covered FROM counted r), "
      "terms AS MATERIALIZED (SELECT * FROM ranked WHERE n = 1 OR (n <= 16 AND covered * "
      "(SELECT n FROM articles_n) <= 2000)), "
      "q AS (SELECT string_agg(q::text, ' | ')::tsquery AS q, 2 * sum(idf) AS best FROM terms), "
      "cand AS (SELECT a.id, a.tsv FROM articles a, q WHERE q.q IS NOT NULL AND a.tsv @@ q.q "
      "AND a.id <> $1 LIMIT 2000), "
      "scored AS (SELECT c.id, (SELECT sum(t.idf * CASE WHEN c.tsv @@ t.q_heading THEN 2 "
      "WHEN c.tsv @@ t.q THEN 1 ELSE 0 END) FROM terms t) / (SELECT best FROM q) AS score "
      "FROM cand c) "
      "SELECT ", kArticleColumns, ", c.score FROM scored c JOIN articles a ON a.id = c.id "
      "ORDER BY c.score DESC, a.id LIMIT $2");
}

// Authors in name order ($1 = after this name) or one author ($1, already
// lower-cased like lower(): any case of the name; a name that differs only
// in case from another goes to the one with more articles); $2 is the
// limit. The indexer keeps each author's article count and latest
// article in `authors` as it commits (exact under replays and races, see
// tests/indexer_resilience_test.cc), so a prolific author costs a row, not
// a count over every article.
std::string AuthorsSql(bool one) {
  std::string where = one ? "lower(au.name) = $1::text"
                         : "au.article_count > 0 AND ($1::text = '' OR au.name > $1::text)";
  return absl::StrCat("SELECT au.name, au.article_count, ", kArticleColumns,
                      " FROM authors au JOIN articles a ON a.id = au.latest_article_id WHERE ",
                      where, one ? " ORDER BY au.article_count DESC, au.name" : " ORDER BY au.name",
                      " LIMIT $2");
}

// Articles that became visible after feed position $13, in commit order.
std::string IndexedAfterSql() {
  return absl::StrCat(
      "SELECT ", kArticleColumns, ", f.seq::text FROM article_feed f "
      "JOIN articles a ON a.id = f.article_id WHERE ", FilterSql(),
      " AND f.seq > $13::bigint ORDER BY f.seq LIMIT $2");
}

// An article's pages' comments after keyset position ($2, $3): dated ones
// oldest first, then undated ones, each group in the order first seen.
constexpr char kListCommentsSql[] = R"sql(
SELECT c.id, c.author, c.body, extract(epoch from c.posted_at)::float8,
       CASE WHEN c.page_key = c.page_id THEN '' ELSE c.page_key END,
       coalesce(c.posted_at, 'infinity')::text, c.seq::text
FROM (SELECT DISTINCT CASE WHEN sp.url <> '' THEN sp.url ELSE sp.page_id END AS page_key
      FROM source_pages sp WHERE sp.article_id = $1) p
JOIN page_comments c ON c.page_hash = hashtextextended(p.page_key, 0) AND c.page_key = p.page_key
WHERE (coalesce(c.posted_at, 'infinity'), c.seq) > ($2::timestamptz, $3::bigint)
ORDER BY coalesce(c.posted_at, 'infinity'), c.seq
LIMIT $4
)sql";

void PrepareStatements(pqxx::connection& conn, bool custom_plans) {
  // Plan each execution for its parameters: the filters' disabled
  // conditions then fold away, and GIN or btree is chosen per query.
  // Lookups by id have one good plan, made once (left to the default, the
  // server kept planning them: a generic plan's row estimate for
  // `id = ANY($1)` looks costlier than the custom one's).
  conn.set_variable("plan_cache_mode", custom_plans ? "force_custom_plan" : "force_generic_plan");
  // JIT compiles expressions when a plan's estimated cost is high (common for
  // searches of frequent words), costing 100-300 ms per statement: far more
  // than these millisecond queries save from it.
  conn.set_variable("jit", "off");
  // The planner prices a sequential scan that tests `tsv @@ q` row by row
  // far too low (it ignores detoasting every tsvector): with a LIMIT it
  // picks one for common words and runs 10-20x slower than the GIN bitmap
  // scan (README, query performance). Every statement here has an index
  // path, so the whole session prefers it.
  conn.set_variable("enable_seqscan", "off");
  // Bitmap heap scans (every text search) prefetch each page they will
  // visit; with the archive in memory that is a second buffer lookup per
  // matching article for nothing: 6.4 -> 3.3 ms for 5,000 matches.
  conn.set_variable("effective_io_concurrency", "0");
  // Known from the start, so ApplyStatementTimeout() never asks the server.
  conn.set_variable("statement_timeout", "0");
  conn.prepare("search_relevance", SearchRelevanceSql());
  conn.prepare("search_relevance_window", SearchRelevanceWindowSql());
  conn.prepare("search_newest", SearchNewestSql());
  conn.prepare("search_estimate",
               absl::StrCat("SELECT query_estimate_matches(", kTsQuery, "), (SELECT greatest(reltuples, 0)"
                            "::bigint FROM pg_class WHERE oid = 'articles'::regclass)"));
  conn.prepare("search_sample", SearchSampleSql());
  conn.prepare("filter_estimate", FilterEstimateSql());
  conn.prepare("search_spell", kSpellSql);
  conn.prepare("stored_counts", kStoredCountsSql);
  conn.prepare("get_articles", GetArticlesSql());
  conn.prepare("similar_duplicates", SimilarDuplicatesSql());
  conn.prepare("similar_terms", SimilarTermsSql());
  conn.prepare("article_exists", "SELECT 1 FROM articles WHERE id = $1");
  conn.prepare("list_authors", AuthorsSql(false));
  conn.prepare("get_author", AuthorsSql(true));
  conn.prepare("list_comments", kListCommentsSql);
  conn.prepare("latest_cursor", "SELECT coalesce(max(seq), 0)::text FROM article_feed");
  conn.prepare("indexed_after", IndexedAfterSql());
}

// A PostgreSQL array literal of `values`, passed as one bound parameter.
std::string PgArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// Runs the filter-shaped statement `name` with $1..$12 from `q` and `limit`,
// then `extra` as $13...
template <typename... Extra>
pqxx::result ExecFiltered(pqxx::transaction_base& txn, const char* name, const ArticleQuery& q, int limit,
                          Extra&&... extra) {
  return txn.exec_prepared(name, q.text, limit, PgArray(q.authors), PgArray(q.sites),
                           q.published_from, q.published_to, q.fetched_from, q.fetched_to,
                           q.language, q.include_duplicates, PgArray(q.excluded_authors),
                           PgArray(q.excluded_sites), std::forward<Extra>(extra)...);
}

google::protobuf::Timestamp SecondsToTimestamp(double secs) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(static_cast<int64_t>(secs * 1e9));
}

void SetTime(const pqxx::field& f, google::protobuf::Timestamp* ts) {
  if (f.is_null()) return;
  *ts = SecondsToTimestamp(f.as<double>());
}

// The elements of a one-dimensional array column (nullopt for NULL); none
// for a NULL array.
std::vector<std::optional<std::string>> ArrayElements(const pqxx::field& f) {
  std::vector<std::optional<std::string>> out;
  if (f.is_null()) return out;
  pqxx::array_parser parser = f.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, value) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) {
      out.emplace_back(std::move(value));
    } else if (kind == pqxx::array_parser::null_value) {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

// Fills `a` from kArticleColumns starting at column `at`.
void FillArticle(const pqxx::row& row, v1::Article* a, int at = 0) {
  auto col = [&](int i) { return row[at + i]; };
  a->set_id(col(0).c_str());
  a->set_title(col(1).c_str());
  a->set_standfirst(col(2).c_str());
  if (*col(3).c_str() || *col(4).c_str()) {
    a->mutable_author()->set_name(col(3).c_str());
    a->mutable_author()->set_bio(col(4).c_str());
  }
  if (*col(5).c_str() || *col(6).c_str()) {
    a->mutable_image()->set_caption(col(5).c_str());
    a->mutable_image()->set_credit(col(6).c_str());
  }
  if (*col(7).c_str() || *col(8).c_str()) {
    a->mutable_site()->set_name(col(7).c_str());
    a->mutable_site()->set_tagline(col(8).c_str());
  }
  a->set_url(col(9).c_str());
  a->set_language(col(10).c_str());
  a->set_word_count(col(11).as<int>());
  a->set_fingerprint(static_cast<uint64_t>(col(12).as<int64_t>()));
  SetTime(col(13), a->mutable_published_at());
  if (col(13).is_null()) a->clear_published_at();
  SetTime(col(14), a->mutable_fetched_at());
  if (col(14).is_null()) a->clear_fetched_at();
  SetTime(col(15), a->mutable_indexed_at());
}

// The deadline as the session's statement timeout (0: none), set only when
// it changes: a SET is a round trip. libpqxx remembers what it set, so
// reading it back costs nothing. Call outside a transaction.
void ApplyStatementTimeout(pqxx::connection& conn, std::chrono::milliseconds timeout) {
  std::string wanted = std::to_string(timeout.count() > 0 ? RoundedStatementTimeoutMs(timeout.count()) : 0);
  if (conn.get_variable("statement_timeout") != wanted) conn.set_variable("statement_timeout", wanted);
}

absl::Status DatabaseError(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    if (sql->sqlstate() == "57014") {  // query_canceled: statement timeout
      return absl::DeadlineExceededError("query exceeded its deadline");
    }
  }
  return absl::InternalError(absl::StrCat("database: ", e.what()));
}

// `timeout` from now; 0: no deadline (max()).
std::chrono::steady_clock::time_point DeadlineAfter(std::chrono::milliseconds timeout) {
  return timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout
                             : std::chrono::steady_clock::time_point::max();
}

// How a read sees the database: one statement is its own snapshot; several
// statements share one in a REPEATABLE READ transaction, so that a search's
// hits, total and facets agree even while the indexer commits in between
// (read-only REPEATABLE READ never fails to serialise).
enum class Snapshot { kOneStatement, kShared, kReadWrite };

// Runs `fn(txn)` on a pooled connection with the statement timeout set to
// what is left of `deadline` (none when it is max()); maps exceptions to
// absl::Status.
template <typename T, typename Fn>
absl::StatusOr<T> RunQueryOnce(PgPool& pool, std::chrono::steady_clock::time_point deadline,
                               Snapshot snapshot, Fn& fn) {
  auto lease = pool.Acquire(deadline);
  if (!lease.ok()) return lease.status();
  try {
    pqxx::connection& conn = **lease;
    // Time spent waiting for the connection counts against the deadline.
    std::chrono::milliseconds timeout(0);
    if (deadline != std::chrono::steady_clock::time_point::max()) {
      timeout = std::max(std::chrono::milliseconds(1),
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now()));
    }
    ApplyStatementTimeout(conn, timeout);
    switch (snapshot) {
      case Snapshot::kOneStatement: {
        pqxx::nontransaction txn(conn);
        return fn(static_cast<pqxx::transaction_base&>(txn));
      }
      case Snapshot::kShared: {
        // BEGIN and SET TRANSACTION go in one round trip.
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn);
        absl::StatusOr<T> result = fn(static_cast<pqxx::transaction_base&>(txn));
        if (result.ok()) txn.commit();
        return result;
      }
      case Snapshot::kReadWrite: {
        pqxx::work txn(conn);
        txn.exec("SET TRANSACTION READ WRITE");
        absl::StatusOr<T> result = fn(static_cast<pqxx::transaction_base&>(txn));
        if (result.ok()) txn.commit();
        return result;
      }
    }
    return absl::InternalError("unknown snapshot kind");
  } catch (const std::exception& e) {
    absl::Status status = DatabaseError(e);
    if (status.code() == absl::StatusCode::kUnavailable) {
      // A broken connection usually means the server restarted, and then
      // every idle one is broken too: none of them is handed out again.
      lease->Discard();
      pool.DiscardIdle();
    }
    return status;
  }
}

// Runs `fn(txn)` on a pooled connection with the statement timeout set;
// maps exceptions to absl::Status. Reads are retried once on a fresh
// connection when the pooled one turns out broken (after a database
// restart), so a client sees an error only if the database is really down.
template <typename T, typename Fn>
absl::StatusOr<T> RunQueryUntil(PgPool& pool, std::chrono::steady_clock::time_point deadline,
                                Snapshot snapshot, Fn fn) {
  absl::StatusOr<T> result = RunQueryOnce<T>(pool, deadline, snapshot, fn);
  if (result.status().code() == absl::StatusCode::kUnavailable) {
    result = RunQueryOnce<T>(pool, deadline, snapshot, fn);
  }
  return result;
}

template <typename T, typename Fn>
absl::StatusOr<T> RunQuery(PgPool& pool, std::chrono::milliseconds timeout, Snapshot snapshot,
                           Fn fn) {
  return RunQueryUntil<T>(pool, DeadlineAfter(timeout), snapshot, std::move(fn));
}

void AddFacets(const pqxx::result& rows, v1::SearchFacets* facets) {
  for (const pqxx::row& row : rows) {
    std::string kind = row[0].c_str();
    google::protobuf::RepeatedPtrField<v1::FacetCount>* target =
        kind == "a" ? facets->mutable_authors()
        : kind == "s" ? facets->mutable_sites()
        : kind == "l" ? facets->mutable_languages()
                      : nullptr;
    if (target == nullptr) continue;
    v1::FacetCount* count = target->Add();
    count->set_value(row[1].c_str());
    count->set_count(row[2].as<int64_t>());
  }
}

// Facet counts of a sample of `sampled` matches, scaled to `total` of them.
void ScaleFacets(int64_t sampled, int64_t total, v1::SearchFacets* facets) {
  if (sampled <= 0 || total <= sampled) return;
  double scale = static_cast<double>(total) / static_cast<double>(sampled);
  for (auto* counts :
       {facets->mutable_authors(), facets->mutable_sites(), facets->mutable_languages()}) {
    for (v1::FacetCount& c : *counts) {
      c.set_count(std::llround(static_cast<double>(c.count()) * scale));
    }
  }
}

// Microseconds per row, measured on the 100,000-article benchmark (EXPLAIN
// ANALYZE, warm): a match ranked after a bitmap scan (visit + ts_rank_cd)
// 3.3; a row visited walking the date index (random visit + match test)
// 2.8; ranking a window row 2.6; a date-index entry of a bounded window's
// range 0.15 (the range holds articles / matches rows per match in it).
double RankEveryMatchCost(double matches) { return 3.3 * matches; }
double WalkCost(double matches, double articles, int window) {
  return 2.8 * window * std::max(articles, matches) / matches + 2.6 * window;
}
double BoundedWindowCost(double matches, double articles, int window) {
  double in_range = kWindowRangeMargin * window;
  return 0.15 * in_range * std::max(articles, matches) / matches + 3.3 * in_range;
}

// The stored counts of the facets' authors and sites and of the filtered
// authors (BoundEstimates).
StoredCounts ReadStoredCounts(pqxx::transaction_base& txn, const ArticleQuery& query,
                              const v1::SearchFacets& facets) {
  std::vector<std::string> authors, sites;
  for (const v1::FacetCount& c : facets.authors()) authors.push_back(c.value());
  for (const v1::FacetCount& c : facets.sites()) sites.push_back(c.value());
  StoredCounts stored;
  for (const pqxx::row& row : txn.exec_prepared("stored_counts", PgArray(authors), PgArray(sites),
                                                PgArray(query.authors))) {
    std::string kind = row[0].c_str();
    int64_t n = row[2].as<int64_t>();
    if (kind == "a") stored.authors[row[1].c_str()] = n;
    if (kind == "s") stored.sites[row[1].c_str()] = n;
    if (kind == "f" && !query.authors.empty()) stored.filtered_authors = n;
  }
  return stored;
}

}  // namespace

void BoundEstimates(const StoredCounts& stored, SearchPage* page) {
  if (stored.filtered_authors) {
    page->total_size = std::min(page->total_size, *stored.filtered_authors);
  }
  auto bound = [&](google::protobuf::RepeatedPtrField<v1::FacetCount>* counts,
                   const std::map<std::string, int64_t>* by_name) {
    for (v1::FacetCount& c : *counts) {
      int64_t limit = page->total_size;
      if (by_name != nullptr) {
        auto it = by_name->find(c.value());
        if (it != by_name->end()) limit = std::min(limit, it->second);
      }
      c.set_count(std::min(c.count(), limit));
    }
    std::stable_sort(counts->begin(), counts->end(), [](const auto& x, const auto& y) {
      return x.count() > y.count();
    });
  };
  bound(page->facets.mutable_authors(), &stored.authors);
  bound(page->facets.mutable_sites(), &stored.sites);
  bound(page->facets.mutable_languages(), nullptr);
}

bool WalkBeatsRankingAll(double matches, double articles, int window) {
  if (window <= 0 || matches <= window) return false;
  return WalkCost(matches, articles, window) < RankEveryMatchCost(matches);
}

bool UseRelevanceWindow(double matches, double articles, int window) {
  if (window <= 0 || matches <= window) return false;
  return std::min(WalkCost(matches, articles, window), BoundedWindowCost(matches, articles, window)) <
         RankEveryMatchCost(matches);
}

std::optional<double> WindowStart(const std::vector<double>& histogram, double fraction) {
  if (histogram.size() < 2 || !(fraction > 0) || fraction >= 1) return std::nullopt;
  // Bounds i and i + 1 hold 1 / (size - 1) of the articles between them.
  double at = (1 - fraction) * static_cast<double>(histogram.size() - 1);
  size_t i = std::min(static_cast<size_t>(at), histogram.size() - 2);
  return histogram[i] + (histogram[i + 1] - histogram[i]) * (at - static_cast<double>(i));
}

int64_t RoundedStatementTimeoutMs(int64_t ms) {
  int64_t scale = 1;
  while (ms > 99 * scale) scale *= 10;
  return (ms + scale - 1) / scale * scale;
}

std::string ArticleQuery::Binding() const {
  std::string binding = absl::StrJoin(
      {text, absl::StrJoin(authors, "\x1e"), absl::StrJoin(sites, "\x1e"), published_from,
       published_to, fetched_from, fetched_to, language,
       std::string(include_duplicates ? "dup" : "collapse")},
      "\x1f");
  // Added only when set, so tokens issued before exclusions existed stay valid.
  if (!excluded_authors.empty() || !excluded_sites.empty()) {
    absl::StrAppend(&binding, "\x1f", absl::StrJoin(excluded_authors, "\x1e"), "\x1f",
                    absl::StrJoin(excluded_sites, "\x1e"));
  }
  return binding;
}

ArticleReader::ArticleReader(std::string database_url, int lookup_connections,
                             int search_connections, std::string primary_url, int get_batches)
    : search_pool_(database_url, search_connections > 0 ? search_connections : lookup_connections,
                   [](pqxx::connection& conn) { PrepareStatements(conn, /*custom_plans=*/true); }),
      lookup_pool_(database_url, lookup_connections,
                   [](pqxx::connection& conn) { PrepareStatements(conn, /*custom_plans=*/false); }),
      primary_pool_(primary_url.empty() ? std::move(database_url) : std::move(primary_url), 1,
                    [](pqxx::connection& conn) {
                      conn.prepare("refresh_vocabulary", "SELECT query_refresh_vocabulary($1)");
                    }),
      // No more batches than lookup connections: a batch then waits for a
      // connection only while BatchGet or a watch cursor holds one.
      get_batcher_(std::min(get_batches, lookup_connections), kMaxGetBatch,
                   [this](const std::vector<std::string>& ids,
                          std::chrono::steady_clock::time_point deadline) {
                     return FetchArticles(ids, deadline);
                   }) {}

std::shared_ptr<const std::vector<double>> ArticleReader::DateHistogram(
    pqxx::transaction_base& txn) {
  // ANALYZE renews the histogram every so often, and a stale one only
  // misplaces a window's bound (a second statement at worst): one search
  // a minute reads it (0.8 ms), the rest share it.
  constexpr auto kMaxAge = std::chrono::seconds(60);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(histogram_mu_);
    if (date_histogram_ && (now - histogram_read_at_ < kMaxAge || histogram_reading_)) {
      return date_histogram_;
    }
    histogram_reading_ = true;
  }
  auto histogram = std::make_shared<std::vector<double>>();
  try {
    // In a savepoint: a failure (say, migration 107 not applied yet) costs
    // this search its window's bound, not the search.
    // Searches run in a transaction (Snapshot::kShared).
    auto& outer = dynamic_cast<pqxx::dbtransaction&>(txn);
    pqxx::subtransaction read(outer, "date_histogram");
    pqxx::row row = read.exec1("SELECT query_date_histogram()");
    for (const std::optional<std::string>& bound : ArrayElements(row[0])) {
      if (bound) histogram->push_back(std::stod(*bound));
    }
    read.commit();
  } catch (const pqxx::sql_error& e) {
    histogram->clear();
    LogWarn("cannot read the date histogram; broad searches walk the date index",
            {{"error", e.what()}});
  } catch (...) {
    std::lock_guard<std::mutex> lock(histogram_mu_);
    histogram_reading_ = false;
    throw;
  }
  std::lock_guard<std::mutex> lock(histogram_mu_);
  histogram_reading_ = false;
  date_histogram_ = std::move(histogram);
  histogram_read_at_ = now;
  return date_histogram_;
}

absl::StatusOr<SearchPage> ArticleReader::Search(const ArticleQuery& query,
                                                 const SearchOptions& options,
                                                 std::chrono::milliseconds timeout) {
  // Hits, total and facets from one snapshot.
  return RunQuery<SearchPage>(search_pool_, timeout, Snapshot::kShared, [&](pqxx::transaction_base& txn)
                                                                     -> absl::StatusOr<SearchPage> {
    const bool relevance = options.order == SearchOrder::kRelevance;
    SearchPage page;
    // Relevance over a window of recent matches, or over every match. Only
    // an unfiltered query is judged (the estimate knows nothing of filters).
    std::string window = options.after ? options.after->window : std::string();
    int64_t estimated_matches = -1;  // the planner's, when asked
    int64_t articles = 0;            // the planner's count of all articles, when asked
    std::string window_start;        // a first page's bound on its window's dates ("" = none)
    if (relevance && !options.after && options.relevance_window > 0 && !query.text.empty()) {
      bool use = options.force_relevance_window;
      if (!query.HasFilters()) {
        pqxx::row estimate = txn.exec_prepared1("search_estimate", query.text);
        estimated_matches = estimate[0].as<int64_t>();
        articles = estimate[1].as<int64_t>();
        use = use || UseRelevanceWindow(static_cast<double>(estimated_matches),
                                        static_cast<double>(articles), options.relevance_window);
        if (use && estimated_matches > 0) {
          std::optional<double> start = WindowStart(
              *DateHistogram(txn),
              kWindowRangeMargin * options.relevance_window / static_cast<double>(estimated_matches));
          if (start) {
            window_start = std::to_string(*start);  // fixed point, to the microsecond
          } else if (!options.force_relevance_window &&
                     !WalkBeatsRankingAll(static_cast<double>(estimated_matches),
                                          static_cast<double>(articles), options.relevance_window)) {
            use = false;  // no range to bound it, and the walk costs more
          }
        }
      }
      if (use) window.assign(1, '\x1f');  // a window starting at the newest match
    }
    bool windowed = relevance && !window.empty();
    std::string window_date, window_id;
    if (windowed) {
      size_t split = window.find('\x1f');
      window_date = window.substr(0, split);
      window_id = split == std::string::npos ? std::string() : window.substr(split + 1);
    }
    // One extra row tells whether another page follows.
    const std::string after_key = options.after ? options.after->key : std::string();
    const std::string after_id = options.after ? options.after->id : std::string();
    auto search_window = [&](const std::string& start) {
      return ExecFiltered(txn, "search_relevance_window", query, options.page_size + 1,
                          options.snippets, after_key, after_id, options.relevance_window,
                          window_date, window_id, start);
    };
    auto search_unwindowed = [&] {
      return ExecFiltered(txn, relevance ? "search_relevance" : "search_newest", query,
                          options.page_size + 1, options.snippets, after_key, after_id);
    };
    pqxx::result rows = windowed ? search_window(window_start) : search_unwindowed();
    if (!window_start.empty() &&
        (rows.empty() || rows[0][kArticleColumnCount + 6].as<int64_t>() < options.relevance_window)) {
      // The bound, drawn from estimates, holds fewer than the window's
      // matches: they are older than an even spread in time would put them
      // (a word of past news), or fewer. Walk from the newest instead when
      // that is cheaper than ranking every match, else rank every match.
      window_start.clear();
      page.window_bound_missed = true;
      if (options.force_relevance_window ||
          WalkBeatsRankingAll(static_cast<double>(estimated_matches),
                              static_cast<double>(articles), options.relevance_window)) {
        rows = search_window("");
      } else {
        windowed = false;
        window.clear();
        rows = search_unwindowed();
      }
    }
    page.window_bounded = !window_start.empty();
    // Snippets are built here, on the caller's thread, with its lexer.
    EnglishTsVector* lexer = ThreadLexer();
    const bool highlight = options.snippets && !query.text.empty() && lexer != nullptr;
    std::optional<QueryTerms> terms;
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(page.hits.size()) == options.page_size) break;
      v1::SearchHit hit;
      FillArticle(row, hit.mutable_article());
      if (relevance) hit.set_score(row[kArticleColumnCount].as<double>());
      std::string snippet = row[kArticleColumnCount + 1].c_str();
      if (highlight) {
        if (!terms) terms = PositiveQueryTerms(row[kArticleColumnCount + 3].c_str());
        snippet = BuildSnippet(snippet, *terms, *lexer);
      } else {
        // Paragraphs are newline-joined in storage; a snippet reads as one line.
        std::replace(snippet.begin(), snippet.end(), '\n', ' ');
      }
      hit.set_snippet(std::move(snippet));
      hit.set_duplicate_count(row[kArticleColumnCount + 2].as<int>());
      page.hits.push_back(std::move(hit));
    }
    if (windowed && !rows.empty()) {
      const pqxx::row& first = rows[0];
      page.ranked_window = first[kArticleColumnCount + 6].as<int64_t>();
      // Pinned on the first page; later pages keep the one they were given.
      if (window_date.empty()) {
        window = absl::StrCat(first[kArticleColumnCount + 4].c_str(), "\x1f",
                              first[kArticleColumnCount + 5].c_str());
      }
    }
    if (static_cast<int>(rows.size()) > options.page_size) {
      const pqxx::row& last = rows[options.page_size - 1];
      page.next = PageCursor{last[kArticleColumnCount].c_str(), last[0].c_str(),
                             windowed ? window : std::string()};
    }
    if (options.facets && relevance && !windowed && !rows.empty()) {
      // Counted in the ranking pass: exact.
      page.total_size = rows[0][kArticleColumnCount + 4].as<int64_t>();
      page.total_size_exact = true;
      if (!google::protobuf::util::JsonStringToMessage(rows[0][kArticleColumnCount + 5].c_str(),
                                                       &page.facets)
               .ok()) {
        return absl::InternalError("database returned malformed facets");
      }
      page.facets.set_facets_exact(true);
    } else if (options.facets && windowed && !rows.empty()) {
      // Counted over the ranked window: exact when the window holds every
      // match (a first page with room to spare), else scaled to the
      // planner's estimate of all matches (windows are for unfiltered
      // queries, which it estimates).
      const int64_t in_window = rows[0][kArticleColumnCount + 6].as<int64_t>();
      if (!google::protobuf::util::JsonStringToMessage(rows[0][kArticleColumnCount + 7].c_str(),
                                                       &page.facets)
               .ok()) {
        return absl::InternalError("database returned malformed facets");
      }
      page.total_size_exact = !options.after && in_window < options.relevance_window;
      page.total_size = in_window;
      if (!page.total_size_exact && !query.HasFilters()) {
        if (estimated_matches < 0) {
          estimated_matches =
              txn.exec_prepared1("search_estimate", query.text)[0].as<int64_t>();
        }
        page.total_size = std::max(in_window, estimated_matches);
      }
      page.facets.set_facets_exact(page.total_size_exact);
      ScaleFacets(in_window, page.total_size, &page.facets);
    } else if (options.facets) {
      // Total and facets from a sample of the matches.
      pqxx::result sample = ExecFiltered(txn, "search_sample", query, kSearchSampleCap);
      int64_t sampled = sample[0][2].as<int64_t>();
      int64_t passing = sample[1][2].as<int64_t>();
      int64_t estimate = sample[2][2].as<int64_t>();
      if (sampled < kSearchSampleCap || estimate < 0) {
        // Without words the sample is drawn from the filtered rows: exact
        // below the cap, a lower bound at it.
        page.total_size = passing;
        page.total_size_exact = sampled < kSearchSampleCap;
        if (!page.total_size_exact && query.text.empty()) {
          // Filters alone, more rows than the sample: the planner's estimate
          // of them (the sample's size is only a lower bound).
          pqxx::result plan = ExecFiltered(txn, "filter_estimate", query,
                                           std::numeric_limits<int>::max());
          page.total_size = std::max(passing, PlanRows(plan[0][0].c_str()));
        }
      } else {
        page.total_size_exact = false;
        double share = static_cast<double>(passing) / static_cast<double>(sampled);
        page.total_size =
            std::max<int64_t>(passing, static_cast<int64_t>(static_cast<double>(estimate) * share));
      }
      page.facets.set_facets_exact(page.total_size_exact);
      AddFacets(sample, &page.facets);
      ScaleFacets(passing, page.total_size, &page.facets);
    }
    if (options.facets && !page.total_size_exact && !page.hits.empty()) {
      BoundEstimates(ReadStoredCounts(txn, query, page.facets), &page);
    }
    bool short_page = static_cast<int>(page.hits.size()) < options.page_size && !options.after;
    if (short_page && !options.spell_words.empty()) {
      for (const pqxx::row& row : txn.exec_prepared("search_spell", PgArray(options.spell_words))) {
        if (!row[1].is_null()) page.corrections.emplace_back(row[0].c_str(), row[1].c_str());
      }
    }
    return page;
  });
}

namespace {

// No stored id holds a NUL, and libpq would cut a statement's array there.
bool CannotBeAnId(const std::string& id) { return id.find('\0') != std::string::npos; }

// Reads the articles of `ids` (which may repeat or be unknown): one entry
// per id, in `ids` order, nullopt for an unknown one.
std::vector<std::optional<v1::Article>> ReadArticles(pqxx::transaction_base& txn,
                                                     const std::vector<std::string>& ids) {
  std::vector<std::optional<v1::Article>> articles(ids.size());
  std::vector<std::string> queried;
  queried.reserve(ids.size());
  for (const std::string& id : ids) {
    if (!CannotBeAnId(id)) queried.push_back(id);
  }
  if (queried.empty()) return articles;
  for (const pqxx::row& row : txn.exec_prepared("get_articles", PgArray(queried))) {
    v1::Article article;
    FillArticle(row, &article);
    int at = kArticleColumnCount;
    for (absl::string_view p : absl::StrSplit(row[at].c_str(), '\n', absl::SkipEmpty())) {
      article.add_paragraphs(std::string(p));
    }
    std::vector<std::optional<std::string>> page_ids = ArrayElements(row[at + 1]);
    std::vector<std::optional<std::string>> urls = ArrayElements(row[at + 2]);
    std::vector<std::optional<std::string>> sites = ArrayElements(row[at + 3]);
    std::vector<std::optional<std::string>> fetched = ArrayElements(row[at + 4]);
    for (size_t i = 0; i < page_ids.size(); ++i) {
      v1::SourcePage* source = article.add_sources();
      source->set_page_id(page_ids[i].value_or(""));
      if (i < urls.size()) source->set_url(urls[i].value_or(""));
      if (i < sites.size()) source->set_site(sites[i].value_or(""));
      if (i < fetched.size() && fetched[i]) {
        *source->mutable_fetched_at() = SecondsToTimestamp(std::stod(*fetched[i]));
      }
      article.add_source_page_ids(source->page_id());
    }
    for (const std::optional<std::string>& id : ArrayElements(row[at + 5])) {
      if (id) article.add_near_duplicate_ids(*id);
    }
    // An id asked for twice gets a copy; the last asker takes the original.
    size_t last = ids.size();
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == article.id()) last = i;
    }
    for (size_t i = 0; i < last; ++i) {
      if (ids[i] == article.id()) articles[i] = article;
    }
    if (last < ids.size()) articles[last] = std::move(article);
  }
  return articles;
}

}  // namespace

absl::StatusOr<std::vector<std::optional<v1::Article>>> ArticleReader::FetchArticles(
    const std::vector<std::string>& ids, std::chrono::steady_clock::time_point deadline) {
  using Found = std::vector<std::optional<v1::Article>>;
  return RunQueryUntil<Found>(
      lookup_pool_, deadline, Snapshot::kOneStatement,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<Found> { return ReadArticles(txn, ids); });
}

absl::StatusOr<std::vector<v1::Article>> ArticleReader::BatchGet(
    const std::vector<std::string>& ids, std::chrono::milliseconds timeout) {
  using Articles = std::vector<v1::Article>;
  return RunQuery<Articles>(lookup_pool_, timeout, Snapshot::kOneStatement,
                            [&](pqxx::transaction_base& txn) -> absl::StatusOr<Articles> {
                              std::vector<std::optional<v1::Article>> found =
                                  ReadArticles(txn, ids);
                              std::vector<std::string> missing;
                              for (size_t i = 0; i < ids.size(); ++i) {
                                if (!found[i]) missing.push_back(ids[i]);
                              }
                              if (!missing.empty()) {
                                return absl::NotFoundError(absl::StrCat(
                                    "no article with id ", absl::StrJoin(missing, ", ")));
                              }
                              Articles out;
                              out.reserve(ids.size());
                              for (std::optional<v1::Article>& article : found)
                                out.push_back(std::move(*article));
                              return out;
                            });
}

namespace {

// A batched lookup's answer for `id` as Get returns it.
absl::StatusOr<v1::Article> FoundOrNotFound(const std::string& id,
                                            absl::StatusOr<std::optional<v1::Article>> article) {
  if (!article.ok()) return article.status();
  if (!article->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no article with id ", CannotBeAnId(id) ? "containing NUL" : id));
  }
  return std::move(**article);
}

// Bounded even without a timeout: the batch's other Gets wait on it.
std::chrono::steady_clock::time_point GetDeadline(std::chrono::milliseconds timeout) {
  return DeadlineAfter(timeout.count() > 0
                           ? std::min<std::chrono::milliseconds>(timeout, kMaxGetTimeout)
                           : kMaxGetTimeout);
}

}  // namespace

absl::StatusOr<v1::Article> ArticleReader::Get(const std::string& id,
                                               std::chrono::milliseconds timeout) {
  return FoundOrNotFound(id, get_batcher_.Lookup(id, GetDeadline(timeout)));
}

uint64_t ArticleReader::GetBatchesRun() { return get_batcher_.BatchesRun(); }

void ArticleReader::CancelQueuedGets() {
  get_batcher_.CancelQueued(absl::CancelledError("the service is shutting down"));
}

void ArticleReader::GetAsync(const std::string& id, std::chrono::milliseconds timeout,
                             std::function<void(absl::StatusOr<v1::Article>)> done) {
  get_batcher_.LookupAsync(
      id, GetDeadline(timeout),
      [id, done = std::move(done)](absl::StatusOr<std::optional<v1::Article>> article) {
        done(FoundOrNotFound(id, std::move(article)));
      });
}

namespace {

v1::AuthorProfile AuthorFromRow(const pqxx::row& row) {
  v1::AuthorProfile author;
  author.set_name(row[0].c_str());
  author.set_article_count(row[1].as<int64_t>());
  FillArticle(row, author.mutable_latest_article(), 2);
  author.set_bio(author.latest_article().author().bio());
  return author;
}

}  // namespace

absl::StatusOr<AuthorPage> ArticleReader::ListAuthors(int page_size,
                                                      const std::optional<PageCursor>& after,
                                                      std::chrono::milliseconds timeout) {
  return RunQuery<AuthorPage>(search_pool_, timeout, Snapshot::kOneStatement,
                              [&](pqxx::transaction_base& txn) -> absl::StatusOr<AuthorPage> {
    pqxx::result rows = txn.exec_prepared("list_authors", after ? after->key : std::string(),
                                          page_size + 1);
    AuthorPage page;
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(page.authors.size()) == page_size) break;
      page.authors.push_back(AuthorFromRow(row));
    }
    if (static_cast<int>(rows.size()) > page_size) {
      page.next = PageCursor{page.authors.back().name(), ""};
    }
    return page;
  });
}

absl::StatusOr<v1::AuthorProfile> ArticleReader::GetAuthor(const std::string& name,
                                                           std::chrono::milliseconds timeout) {
  return RunQuery<v1::AuthorProfile>(
      search_pool_, timeout, Snapshot::kOneStatement,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::AuthorProfile> {
        pqxx::result rows = txn.exec_prepared("get_author", Utf8Lower(name), 1);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("no author named ", name));
        return AuthorFromRow(rows[0]);
      });
}

absl::StatusOr<std::vector<v1::SimilarArticle>> ArticleReader::FindSimilar(
    const std::string& id, int limit, std::chrono::milliseconds timeout) {
  using Similar = std::vector<v1::SimilarArticle>;
  return RunQuery<Similar>(search_pool_, timeout, Snapshot::kShared,
                           [&](pqxx::transaction_base& txn) -> absl::StatusOr<Similar> {
    if (txn.exec_prepared("article_exists", id).empty()) {
      return absl::NotFoundError(absl::StrCat("no article with id ", id));
    }
    Similar out;
    std::set<std::string> seen;
    for (const pqxx::row& row : txn.exec_prepared("similar_duplicates", id, limit)) {
      v1::SimilarArticle similar;
      FillArticle(row, similar.mutable_article());
      similar.set_near_duplicate(true);
      int distance = row[kArticleColumnCount].as<int>();
      similar.set_distance(distance);
      similar.set_score(1.0 - distance / 64.0);
      seen.insert(similar.article().id());
      out.push_back(std::move(similar));
    }
    if (static_cast<int>(out.size()) < limit) {
      // Ask for enough to fill the page after dropping near-duplicates.
      int want = limit + static_cast<int>(out.size());
      for (const pqxx::row& row : txn.exec_prepared("similar_terms", id, want)) {
        if (static_cast<int>(out.size()) == limit) break;
        if (seen.count(row[0].c_str()) > 0) continue;
        v1::SimilarArticle similar;
        FillArticle(row, similar.mutable_article());
        similar.set_score(row[kArticleColumnCount].as<double>());
        out.push_back(std::move(similar));
      }
    }
    return out;
  });
}

absl::StatusOr<CommentPage> ArticleReader::ListComments(const std::string& article_id,
                                                        int page_size,
                                                        const std::optional<PageCursor>& after,
                                                        std::chrono::milliseconds timeout) {
  return RunQuery<CommentPage>(
      lookup_pool_, timeout, Snapshot::kShared,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<CommentPage> {
        if (txn.exec_prepared("article_exists", article_id).empty()) {
          return absl::NotFoundError(absl::StrCat("no article with id ", article_id));
        }
        pqxx::result rows =
            txn.exec_prepared("list_comments", article_id, after ? after->key : "-infinity",
                              after ? after->id : "0", page_size + 1);
        CommentPage page;
        for (const pqxx::row& row : rows) {
          if (static_cast<int>(page.comments.size()) == page_size) break;
          v1::Comment& comment = page.comments.emplace_back();
          comment.set_id(row[0].c_str());
          comment.set_author(row[1].c_str());
          comment.set_text(row[2].c_str());
          SetTime(row[3], comment.mutable_posted_at());
          if (row[3].is_null()) comment.clear_posted_at();
          comment.set_url(row[4].c_str());
          page.next = PageCursor{row[5].c_str(), row[6].c_str()};
        }
        if (static_cast<int>(rows.size()) <= page_size) page.next.reset();
        return page;
      });
}

absl::StatusOr<std::string> ArticleReader::CharacterType(std::chrono::milliseconds timeout) {
  return RunQuery<std::string>(
      lookup_pool_, timeout, Snapshot::kOneStatement,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
        return std::string(txn.exec1("SELECT current_setting('lc_ctype')")[0].c_str());
      });
}

absl::StatusOr<PageCursor> ArticleReader::LatestCursor(std::chrono::milliseconds timeout) {
  return RunQuery<PageCursor>(lookup_pool_, timeout, Snapshot::kOneStatement,
                              [&](pqxx::transaction_base& txn) -> absl::StatusOr<PageCursor> {
    return PageCursor{txn.exec_prepared1("latest_cursor")[0].c_str(), ""};
  });
}

absl::StatusOr<std::vector<IndexedArticle>> ArticleReader::IndexedAfter(
    const ArticleQuery& query, const PageCursor& after, int limit,
    std::chrono::milliseconds timeout) {
  using Indexed = std::vector<IndexedArticle>;
  return RunQuery<Indexed>(search_pool_, timeout, Snapshot::kOneStatement,
                           [&](pqxx::transaction_base& txn) -> absl::StatusOr<Indexed> {
    Indexed out;
    for (const pqxx::row& row : ExecFiltered(txn, "indexed_after", query, limit, after.key)) {
      IndexedArticle item;
      FillArticle(row, &item.article);
      item.cursor = PageCursor{row[kArticleColumnCount].c_str(), item.article.id()};
      out.push_back(std::move(item));
    }
    return out;
  });
}

absl::StatusOr<int> ArticleReader::RefreshVocabulary(int batch) {
  return RunQuery<int>(primary_pool_, std::chrono::seconds(60), Snapshot::kReadWrite,
                       [&](pqxx::transaction_base& txn) -> absl::StatusOr<int> {
                         return txn.exec_prepared1("refresh_vocabulary", batch)[0].as<int>();
                       });
}

}  // namespace broadsheet
