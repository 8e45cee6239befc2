//! Media items of a run page, from what the loader read and checked ([`MediaContent`]): SVG
//! shown through a `data:` URL, HTML sanitized, text escaped (by Tera), images linked from the
//! project's `media/` folder; content embedded more than once in a page is shown once. Pure.

use super::markdown::sanitize_html;
use super::views::{MediaGroup, MediaItem};
use crate::model::{Media, MediaContent, MediaKind, Run};

/// The media groups of a run page, in the order first logged: every item the loader kept and
/// `copied` says reached the site.
pub fn media_groups(run: &Run, copied: impl Fn(usize) -> bool) -> Vec<MediaGroup> {
    let mut media_groups: Vec<MediaGroup> = Vec::new();
    // Embedded content already on the page, by key: (group, item) where it is shown.
    let mut embedded: std::collections::HashMap<u128, (usize, usize)> = Default::default();
    for (i, media) in run.media.iter().enumerate() {
        let Some(Some(content)) = run.media_content.get(i) else {
            continue;
        };
        if !copied(i) {
            continue;
        }
        let mut item = media_item(media, content);
        let group = media_groups
            .iter()
            .position(|g| g.name == media.name)
            .unwrap_or(media_groups.len());
        if let Some(key) = embedded_key(&item) {
            match embedded.get(&key) {
                // A log repeating a 16 MiB SVG 1,000 times must not make a 16 GB page.
                Some(&(g, i)) => refer_to(&mut item, &media_groups[g].items[i]),
                None => {
                    let index = media_groups.get(group).map_or(0, |g| g.items.len());
                    embedded.insert(key, (group, index));
                }
            }
        }
        match media_groups.iter_mut().find(|g| g.name == media.name) {
            Some(group) => group.items.push(item),
            None => media_groups.push(MediaGroup {
                name: media.name.clone(),
                items: vec![item],
            }),
        }
    }
    media_groups
}

/// Describes one media item for the page.
pub fn media_item(media: &Media, content: &MediaContent) -> MediaItem {
    let mut item = MediaItem {
        step: media.step.map(|s| s.to_string()),
        kind: match media.kind {
            MediaKind::Image => "image",
            MediaKind::Gif => "gif",
            MediaKind::Svg => "svg",
            MediaKind::Html => "html",
            MediaKind::Text => "text",
        },
        title: media.title.clone().unwrap_or_else(|| media.name.clone()),
        description: media.description.clone(),
        description_html: media
            .description
            .as_deref()
            .map(super::markdown::inline_markdown_to_html),
        src: None,
        html: None,
        text: None,
    };
    match content {
        MediaContent::Svg(svg) => item.src = Some(svg_data_url(svg)),
        MediaContent::Text(text) => fill_inline(&mut item, media.kind, text.clone()),
        MediaContent::Image { name, .. } => item.src = Some(format!("../media/{name}")),
    }
    item
}

fn fill_inline(item: &mut MediaItem, kind: MediaKind, text: String) {
    match kind {
        MediaKind::Html => item.html = Some(sanitize_html(&text)),
        MediaKind::Svg => item.src = Some(svg_data_url(text.as_bytes())),
        _ => item.text = Some(text),
    }
}

/// SVG from a log, as a `data:` URL for an `<img>`. An image never runs the SVG's scripts, and,
/// unlike a `.svg` file in the site, a `data:` URL cannot be opened as a page of the site's
/// origin (browsers refuse to navigate to it), so a link in a note cannot make it run either.
fn svg_data_url(svg: &[u8]) -> String {
    let mut url = String::with_capacity(svg.len() + svg.len() / 4 + 24);
    url.push_str("data:image/svg+xml,");
    for &byte in svg {
        if byte.is_ascii_alphanumeric() || b"-._~!$()*+,;=:@/?".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The key under which an embedded item's content is shown once per page: its kind and what it
/// embeds (`None` for copied files, which are linked, not embedded).
fn embedded_key(item: &MediaItem) -> Option<u128> {
    let embedded = match (&item.src, &item.html, &item.text) {
        (Some(src), _, _) if src.starts_with("data:") => src.as_str(),
        (None, Some(html), _) => html.as_str(),
        (None, None, Some(text)) => text.as_str(),
        _ => return None,
    };
    let mut key = Vec::with_capacity(embedded.len() + 8);
    key.extend_from_slice(item.kind.as_bytes());
    key.push(0);
    key.extend_from_slice(embedded.as_bytes());
    Some(xxhash_rust::xxh3::xxh3_128(&key))
}

/// Replaces an embedded item's content by a pointer to where the page shows it already.
fn refer_to(item: &mut MediaItem, first: &MediaItem) {
    item.src = None;
    item.html = None;
    let at = first
        .step
        .as_ref()
        .map(|s| format!(" at step {s}"))
        .unwrap_or_default();
    item.text = Some(format!(
        "the same content as '{}'{at}, shown above",
        first.title
    ));
}
