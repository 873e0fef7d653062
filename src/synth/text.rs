//! Text values: semantic classes through the `fake` crate (always with the
//! value's own generator, never a global one), fitted to the column's length.

use super::rng::RowRng;
use crate::plan::Semantic;
use fake::Fake;
use fake::faker::address::en::{CityName, CountryName, StateName, StreetName, ZipCode};
use fake::faker::company::en::CompanyName;
use fake::faker::internet::en::Username;
use fake::faker::job::en::Title;
use fake::faker::lorem::en::Word;
use fake::faker::name::en::{FirstName, LastName};
use fake::faker::phone_number::en::PhoneNumber;

const LETTERS: &[u8; 26] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A text value of the class, between `min_len` and `max_len` characters.
pub fn generate(semantic: Semantic, min_len: u32, max_len: u32, rng: &mut RowRng) -> String {
    let raw: String = match semantic {
        Semantic::Words => {
            let target = rng.between(
                i64::from(min_len),
                i64::from(max_len.min(min_len.saturating_add(64))),
            ) as usize;
            // One buffer, its length kept as words are added (counting the
            // whole string each time made long text quadratic).
            let mut s = String::with_capacity(target + 16);
            push_capitalised(&mut s, Word().fake_with_rng::<&str, _>(rng));
            let mut len = char_len(&s);
            while len < target {
                let word: &str = Word().fake_with_rng(rng);
                s.push(' ');
                s.push_str(word);
                len += 1 + char_len(word);
            }
            s
        }
        // 3 to 11 lorem words, the first capitalised, and a full stop, as
        // `fake`'s `Sentence(3..12)` makes them, in one buffer instead of a
        // `String` per word joined (a third of generating TPC-H's lineitem).
        Semantic::Sentence => {
            let words = 3 + rng.below(9);
            let mut s = String::with_capacity(64);
            for i in 0..words {
                let word: &str = Word().fake_with_rng(rng);
                if i == 0 {
                    push_capitalised(&mut s, word);
                } else {
                    s.push(' ');
                    s.push_str(word);
                }
            }
            s.push('.');
            s
        }
        Semantic::Code => (0..max_len.max(1))
            .map(|_| LETTERS[rng.below(26) as usize] as char)
            .collect(),
        Semantic::Email => {
            let first: String = FirstName().fake_with_rng(rng);
            let last: String = LastName().fake_with_rng(rng);
            email_address(
                &format!("{}.{}", ascii_lower(&first), ascii_lower(&last)),
                rng,
            )
        }
        Semantic::FirstName => FirstName().fake_with_rng(rng),
        Semantic::LastName => LastName().fake_with_rng(rng),
        Semantic::FullName => {
            let first: String = FirstName().fake_with_rng(rng);
            let last: String = LastName().fake_with_rng(rng);
            format!("{first} {last}")
        }
        Semantic::Company => CompanyName().fake_with_rng(rng),
        Semantic::Street => {
            let street: String = StreetName().fake_with_rng(rng);
            format!("{} {street}", rng.between(1, 9999))
        }
        Semantic::City => CityName().fake_with_rng(rng),
        Semantic::State => StateName().fake_with_rng(rng),
        Semantic::Country => CountryName().fake_with_rng(rng),
        Semantic::PostalCode => ZipCode().fake_with_rng(rng),
        Semantic::Phone => PhoneNumber().fake_with_rng(rng),
        Semantic::Url => {
            let word: &str = Word().fake_with_rng(rng);
            format!("https://www.{word}.example/{}", rng.below(10_000))
        }
        Semantic::Username => Username().fake_with_rng(rng),
        Semantic::JobTitle => Title().fake_with_rng(rng),
    };
    let digits = matches!(
        semantic,
        Semantic::PostalCode | Semantic::Phone | Semantic::Code
    );
    fit(raw, min_len, max_len, digits, rng)
}

/// The `k`-th of a family of distinct texts: a readable part and a unique
/// suffix the readable part can never imitate.
pub fn unique(semantic: Semantic, min_len: u32, max_len: u32, k: u64, rng: &mut RowRng) -> String {
    if semantic == Semantic::Code || max_len <= 8 {
        // Fixed-width capital codes (`ALFKI`), base 26, as wide as the column allows.
        let width = max_len.max(1) as usize;
        let mut code = vec![b'A'; width];
        let mut x = k;
        for slot in code.iter_mut().rev() {
            *slot = LETTERS[(x % 26) as usize];
            x /= 26;
        }
        return String::from_utf8(code).expect("ASCII letters");
    }
    let suffix = base36(k);
    if semantic == Semantic::Email {
        let first: String = FirstName().fake_with_rng(rng);
        return keyed_email(&ascii_lower(&first), max_len, &suffix);
    }
    let room = (max_len as usize).saturating_sub(suffix.len() + 1);
    // Somewhere in the column's length range, not always at its shortest.
    let shortest = min_len.min(room as u32);
    let target = rng.between(
        i64::from(shortest),
        i64::from(room as u32).max(i64::from(shortest)),
    );
    let head = generate(semantic, target as u32, room as u32, rng);
    let head: String = head.chars().filter(|c| *c != '-').take(room).collect();
    if head.is_empty() {
        suffix
    } else {
        format!("{head}-{suffix}")
    }
}

/// Domains for generated e-mail addresses, all under the names RFC 2606
/// reserves (`example.*`, `.test`), so that no address patina makes can
/// reach anyone when a staging system sends mail; of several lengths, so
/// that addresses can follow a column's length profile.
const EMAIL_DOMAINS: [&str; 10] = [
    "mx.test",
    "web.test",
    "example.com",
    "example.net",
    "example.org",
    "mail.test",
    "inbox.test",
    "mail.example.com",
    "post.example.net",
    "customers.example.org",
];

/// The `k`-th of a family of distinct e-mail addresses, its local part
/// starting with `local` (a name, or a form of the row's names).
pub fn unique_email(local: &str, max_len: u32, k: u64) -> String {
    keyed_email(local, max_len, &base36(k))
}

/// `local.suffix@example.com`, `local` cut to leave room for the rest. The
/// suffix holds no `.`, so it is always what follows the local part's last
/// dot: distinct suffixes give distinct addresses, whatever `local` holds.
fn keyed_email(local: &str, max_len: u32, suffix: &str) -> String {
    let room = (max_len as usize).saturating_sub(suffix.len() + 14).max(1);
    let local: String = local.chars().take(room).collect();
    format!("{local}.{suffix}@example.com")
}

/// `k` in base 36, most significant digit first.
fn base36(k: u64) -> String {
    let mut digits = Vec::new();
    let mut x = k;
    loop {
        digits.push(BASE36[(x % 36) as usize]);
        x /= 36;
        if x == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// An address at a reserved domain for a local part.
pub fn email_address(local: &str, rng: &mut RowRng) -> String {
    let domain = EMAIL_DOMAINS[rng.below(EMAIL_DOMAINS.len() as u64) as usize];
    format!("{local}@{domain}")
}

/// An address at a reserved domain for a local part, `lo..=hi` characters
/// long where a domain allows it (one of those drawn), else as near as one
/// comes.
pub fn email_address_within(local: &str, lo: u32, hi: u32, rng: &mut RowRng) -> String {
    let length = |d: &str| (char_len(local) + 1 + d.len()) as u32;
    let miss = |d: &&str| lo.saturating_sub(length(d)) + length(d).saturating_sub(hi);
    let fitting: Vec<&str> = EMAIL_DOMAINS
        .iter()
        .copied()
        .filter(|d| miss(d) == 0)
        .collect();
    let domain = if fitting.is_empty() {
        EMAIL_DOMAINS
            .iter()
            .copied()
            .min_by_key(|d| miss(d))
            .unwrap_or("example.com")
    } else {
        fitting[rng.below(fitting.len() as u64) as usize]
    };
    format!("{local}@{domain}")
}

fn push_capitalised(out: &mut String, word: &str) {
    // ASCII (every lorem word) without the Unicode case tables.
    if let Some(first) = word.as_bytes().first().filter(|b| b.is_ascii()) {
        out.push(char::from(first.to_ascii_uppercase()));
        out.push_str(&word[1..]);
        return;
    }
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Cuts or pads text to `min_len..=max_len` characters.
fn fit(mut s: String, min_len: u32, max_len: u32, digits: bool, rng: &mut RowRng) -> String {
    let (min_len, max_len) = (min_len as usize, max_len as usize);
    // Codes and numbers grow by digits, prose by words.
    while digits && char_len(&s) < min_len {
        s.push(char::from(b'0' + rng.below(10) as u8));
    }
    while char_len(&s) < min_len {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(Word().fake_with_rng::<&str, _>(rng));
    }
    if char_len(&s) > max_len {
        s.truncate(char_offset(&s, max_len));
        // Do not end on a space the engine might keep or trim differently.
        while s.ends_with(' ') && char_len(&s) > min_len {
            s.pop();
        }
        if s.ends_with(' ') {
            s.pop();
            s.push('x');
        }
    }
    s
}

/// The byte offset of character `n` of `s` (its length when `n` is past
/// the end), without decoding text that is all ASCII.
pub fn char_offset(s: &str, n: usize) -> usize {
    if s.is_ascii() {
        return n.min(s.len());
    }
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Length in characters, without decoding text that is all ASCII (most generated text).
#[inline]
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::rng::Stream;

    #[test]
    fn fits_every_length_window() {
        let stream = Stream::new(1, "t", "c", "value");
        for row in 0..500 {
            for (lo, hi) in [(0, 0), (1, 1), (3, 5), (10, 40), (0, 200)] {
                for semantic in [
                    Semantic::Words,
                    Semantic::Email,
                    Semantic::Company,
                    Semantic::Phone,
                ] {
                    let s = generate(semantic, lo, hi, &mut stream.at(row));
                    let n = s.chars().count() as u32;
                    assert!(n >= lo && n <= hi, "{semantic:?} {lo}..{hi}: {s:?}");
                }
            }
        }
    }

    #[test]
    fn unique_texts_do_not_collide() {
        let stream = Stream::new(1, "t", "c", "value");
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..5000 {
            for (semantic, max) in [
                (Semantic::Code, 5),
                (Semantic::Email, 60),
                (Semantic::Words, 20),
            ] {
                let s = unique(semantic, 1, max, k, &mut stream.at(k));
                assert!(s.chars().count() <= max as usize, "{s}");
                assert!(seen.insert(format!("{semantic:?}{s}")), "duplicate {s}");
            }
        }
    }

    #[test]
    fn generated_addresses_are_at_reserved_domains() {
        let stream = Stream::new(1, "t", "c", "value");
        let reserved = |s: &str| EMAIL_DOMAINS.iter().any(|d| s.ends_with(&format!("@{d}")));
        let mut domains = std::collections::BTreeSet::new();
        for row in 0..300 {
            let made = generate(Semantic::Email, 5, 80, &mut stream.at(row));
            let named = email_address("ann.lee", &mut stream.at(row));
            let keyed = unique(Semantic::Email, 5, 80, row, &mut stream.at(row));
            for address in [&made, &named, &keyed] {
                assert!(
                    reserved(address) || address.ends_with("@example.com"),
                    "{address}"
                );
            }
            domains.insert(made.rsplit('@').next().map(str::to_owned));
        }
        assert_eq!(
            domains.len(),
            EMAIL_DOMAINS.len(),
            "every reserved domain is used"
        );
    }
}
