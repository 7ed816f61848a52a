#!/usr/bin/env python3
"""Synthetic articles for the query benchmark, as COPY text on stdout.

Words come from /usr/share/dict/words with a Zipf-like frequency, so some
words are in most articles and most words in few (like news text). Every
article has a random 64-bit fingerprint, so none are near-duplicates.

    bench/query_data.py --articles 100000 --body-words 400 | psql ... -c "\\copy bench_staging FROM STDIN"
Columns: id, title, standfirst, body, author_name, site_name, url, published_at, fetched_at, fingerprint
"""
import argparse
import datetime as dt
import itertools
import random
import re
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100000)
    parser.add_argument("--body-words", type=int, default=400)
    parser.add_argument("--vocabulary", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--words-file", default="/usr/share/dict/words")
    parser.add_argument("--print-words", type=int, default=0,
                        help="print the N most frequent words (one per line) and exit")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = sorted({w.strip() for w in open(args.words_file, encoding="utf-8", errors="ignore")
                    if re.fullmatch(r"[a-z]{3,12}", w.strip())})
    rng.shuffle(words)
    words = words[: args.vocabulary]
    if args.print_words:
        print("\n".join(words[: args.print_words]))
        return
    cum = list(itertools.accumulate(1.0 / (r + 10) for r in range(len(words))))
    authors = [f"{rng.choice(words).title()} {rng.choice(words).title()}" for _ in range(2000)]
    author_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(authors))))
    sites = [f"{rng.choice(words).title()} {rng.choice(['Times', 'Courier', 'Herald', 'Post'])}"
             for _ in range(50)]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    out = sys.stdout
    for i in range(args.articles):
        def text(n):
            return " ".join(rng.choices(words, cum_weights=cum, k=n))
        title = text(8).capitalize()
        standfirst = text(20).capitalize() + "."
        per = max(args.body_words // 4, 1)
        body = "\\n".join(text(per).capitalize() + "." for _ in range(4))
        published = start + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        fetched = published + dt.timedelta(seconds=rng.randrange(86400))
        site = rng.choice(sites)
        aid = f"{rng.getrandbits(64):016x}"
        out.write("\t".join([
            aid, title, standfirst, body,
            rng.choices(authors, cum_weights=author_cum, k=1)[0], site,
            f"https://{site.split()[0].lower()}.example/{aid}",
            published.isoformat(), fetched.isoformat(),
            str(rng.getrandbits(63) - (1 << 62))]) + "\n")


if __name__ == "__main__":
    main()
