//! Output file names made from project and run names: lowercase ASCII, unique within their folder
//! (so case-insensitive file systems never merge two runs), never empty, never able to leave SITE.

use std::collections::BTreeSet;

/// Longest slug, in bytes; long names are cut (uniqueness is restored by suffixes).
const MAX_SLUG: usize = 64;

/// Names that would collide with files ahnb writes itself.
const RESERVED: [&str; 5] = ["index", "assets", "404", "runs", "media"];

/// Turns any name into `[a-z0-9._-]`, collapsing everything else into single dashes.
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut slug = String::with_capacity(name.len().min(MAX_SLUG));
    let mut pending_dash = false;
    for ch in name.chars() {
        let ch = ch.to_ascii_lowercase();
        // A dot only after a letter or digit: no "..", no hidden files.
        let dot_ok =
            ch == '.' && !pending_dash && slug.ends_with(|c: char| c.is_ascii_alphanumeric());
        if ch.is_ascii_alphanumeric() || ch == '_' || dot_ok {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(ch);
        } else {
            pending_dash = true;
        }
        if slug.len() >= MAX_SLUG {
            break;
        }
    }
    let slug = slug.trim_end_matches(['.', '-']).to_owned();
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug
    }
}

/// Hands out unique slugs in call order: the second "run" becomes "run-2", and so on.
#[derive(Debug, Default)]
pub struct SlugSet {
    taken: BTreeSet<String>,
}

impl SlugSet {
    pub fn new() -> Self {
        SlugSet::default()
    }

    /// A unique slug for `name`.
    pub fn assign(&mut self, name: &str, fallback: &str) -> String {
        let base = slugify(name, fallback);
        let base = if RESERVED.contains(&base.as_str()) {
            format!("{base}-1")
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slugify("lr=0.01 seed 1", "run"), "lr-0.01-seed-1");
        assert_eq!(slugify("../../etc/passwd", "run"), "etc-passwd");
        assert_eq!(
            slugify("<script>alert(1)</script>", "run"),
            "script-alert-1-script"
        );
        assert_eq!(slugify("🙂", "run"), "run");
        assert_eq!(slugify("..", "run"), "run");
        assert_eq!(slugify("a\\b/c", "run"), "a-b-c");
        assert!(slugify(&"x".repeat(300), "run").len() <= MAX_SLUG);
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut set = SlugSet::new();
        assert_eq!(set.assign("Run", "run"), "run");
        assert_eq!(set.assign("run", "run"), "run-2");
        assert_eq!(set.assign("RUN", "run"), "run-3");
        assert_eq!(set.assign("index", "run"), "index-1");
        assert_eq!(set.assign("index-1", "run"), "index-1-2");
    }
}
