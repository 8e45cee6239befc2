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

/// True for names Windows reserves for devices (`CON`, `NUL`, `COM1`, `LPT9`, ...), with or
/// without an extension: a file or folder of that name cannot be created or copied there.
fn is_windows_device(stem: &str) -> bool {
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// A slug whose stem (the part before the first dot) is one of ahnb's own top-level names
/// (`index`, `index.html`, `404.html`, `assets`, ...) or a Windows device name, with `-1` after
/// the stem: `index.html` becomes `index-1.html`, `con.txt` `con-1.txt`. Before, a project named
/// `404.html` made a folder where the 404 page goes, and the whole build failed.
fn defuse_reserved(slug: String) -> String {
    let (stem, rest) = slug.split_once('.').unwrap_or((slug.as_str(), ""));
    if !RESERVED.contains(&stem) && !is_windows_device(stem) {
        return slug;
    }
    if rest.is_empty() {
        format!("{stem}-1")
    } else {
        format!("{stem}-1.{rest}")
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
        let base = defuse_reserved(slugify(name, fallback));
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

    /// Regression (issue 12, class 7): names equal to ahnb's top-level outputs with their
    /// extension, and Windows device names, with or without one.
    #[test]
    fn reserved_and_device_names_get_safe_slugs() {
        let mut set = SlugSet::new();
        for (name, slug) in [
            ("index.html", "index-1.html"),
            ("404.html", "404-1.html"),
            ("assets", "assets-1"),
            ("Assets.X", "assets-1.x"),
            ("CON", "con-1"),
            ("nul.txt", "nul-1.txt"),
            ("COM1.log", "com1-1.log"),
            ("lpt9", "lpt9-1"),
            ("console", "console"),
            ("com10", "com10"),
        ] {
            assert_eq!(set.assign(name, "run"), slug, "{name}");
        }
    }
}
